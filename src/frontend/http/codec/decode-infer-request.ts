// Decodes an OIP V2 REST inference request body (JSON, optionally followed by binary tensor data) into an InferRequest.

import { ServingError } from '../../../core/errors.js';
import type { InferRequest } from '../../../core/inference.js';
import { decodeInputs } from './decode-inputs.js';
import { parseHeaderLength } from './parse-header-length.js';
import { isJsonObject, parseParameters } from './parse-parameters.js';
import { parseRequestedOutputs } from './parse-requested-outputs.js';

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(`malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Whether the request asks for every output in binary unless an output says otherwise (`binary_data_output`). */
export function binaryOutputByDefault(request: Pick<InferRequest, 'parameters'>): boolean {
  return request.parameters?.['binary_data_output'] === true;
}

/**
 * `headerLength` is the Inference-Header-Content-Length header (raw text or a number); undefined means the whole
 * body is JSON. Throws ServingError INVALID_ARGUMENT naming the offending tensor or field.
 */
export function decodeInferRequest(
  model: string,
  version: string | undefined,
  body: Buffer,
  headerLength: number | string | undefined,
): InferRequest {
  const jsonBytes = parseHeaderLength(headerLength, body.byteLength) ?? body.byteLength;
  const root = parseJson(body.toString('utf8', 0, jsonBytes));
  if (!isJsonObject(root)) throw invalid('the request must be a JSON object');
  const id = root['id'];
  if (id !== undefined && typeof id !== 'string') throw invalid('id must be a string');
  const parameters = parseParameters(root['parameters'], 'request');
  const binaryDefault = parameters?.['binary_data_output'];
  if (binaryDefault !== undefined && typeof binaryDefault !== 'boolean') {
    throw invalid('parameters.binary_data_output must be a boolean');
  }
  const inputs = decodeInputs(root['inputs'], body, jsonBytes, headerLength !== undefined);
  const outputs = parseRequestedOutputs(root['outputs'], binaryDefault ?? false);
  return {
    model,
    inputs,
    ...(version !== undefined && { version }),
    ...(id !== undefined && { id }),
    ...(outputs !== undefined && { outputs }),
    ...(parameters !== undefined && { parameters }),
  };
}
