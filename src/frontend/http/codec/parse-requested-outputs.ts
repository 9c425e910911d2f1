// Parses the `outputs` list of an OIP request: which outputs to return and whether each comes back as binary.

import { ServingError } from '../../../core/errors.js';
import type { Parameters, RequestedOutput } from '../../../core/inference.js';
import { isJsonObject, parseParameters } from './parse-parameters.js';

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

function parseOne(value: unknown, index: number, binaryByDefault: boolean): RequestedOutput {
  if (!isJsonObject(value)) throw invalid(`outputs[${index}] must be an object`);
  const name = value['name'];
  if (typeof name !== 'string' || name === '') throw invalid(`outputs[${index}].name must be a non-empty string`);
  const params = parseParameters(value['parameters'], `output '${name}'`);
  const { binary_data: binaryData, ...rest } = params ?? {};
  if (binaryData !== undefined && typeof binaryData !== 'boolean') {
    throw invalid(`output '${name}': parameters.binary_data must be a boolean`);
  }
  const parameters: Parameters = rest;
  return {
    name,
    binary: binaryData ?? binaryByDefault,
    ...(Object.keys(parameters).length > 0 && { parameters }),
  };
}

/**
 * The requested outputs, or undefined (all outputs) when the list is absent or empty.
 * An output's `parameters.binary_data` wins over the request-wide `binary_data_output`.
 */
export function parseRequestedOutputs(value: unknown, binaryByDefault: boolean): RequestedOutput[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid('outputs must be an array');
  if (value.length === 0) return undefined;
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const output = parseOne(entry, index, binaryByDefault);
    if (seen.has(output.name)) throw invalid(`output '${output.name}' is requested twice`);
    seen.add(output.name);
    return output;
  });
}
