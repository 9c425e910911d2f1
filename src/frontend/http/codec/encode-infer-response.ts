// Encodes an InferResponse as an OIP V2 REST body: JSON, followed by raw bytes for outputs sent as binary.

import type { InferResponse, RequestedOutput } from '../../../core/inference.js';
import { dataToBytes } from '../../../core/tensor.js';
import { jsonTensorData } from './json-tensor-data.js';

interface OutputJson {
  name: string;
  datatype: string;
  shape: readonly number[];
  parameters?: { binary_data_size: number };
  data?: unknown[];
}

export interface EncodedInferResponse {
  readonly body: Buffer;
  /** Length of the JSON part (the Inference-Header-Content-Length header); undefined when the body is all JSON. */
  readonly headerLength: number | undefined;
}

/**
 * Outputs keep the response's order; when `requested` is given, only the outputs it names are written.
 * An output is binary when its request entry says so, else when `binaryByDefault` (`binary_data_output`).
 */
export function encodeInferResponse(
  res: InferResponse,
  requested: readonly RequestedOutput[] | undefined,
  binaryByDefault: boolean,
): EncodedInferResponse {
  const wanted = requested === undefined ? undefined : new Map(requested.map((r) => [r.name, r]));
  const outputs: OutputJson[] = [];
  const binaryParts: Uint8Array[] = [];
  for (const tensor of res.outputs) {
    const request = wanted?.get(tensor.name);
    if (wanted !== undefined && request === undefined) continue;
    const { name, datatype, shape } = tensor;
    if (request?.binary ?? binaryByDefault) {
      const bytes = dataToBytes(tensor.data);
      binaryParts.push(bytes);
      outputs.push({ name, datatype, shape, parameters: { binary_data_size: bytes.byteLength } });
    } else {
      outputs.push({ name, datatype, shape, data: jsonTensorData(tensor) });
    }
  }
  const json = JSON.stringify({
    model_name: res.model,
    model_version: res.version,
    ...(res.id !== undefined && { id: res.id }),
    ...(res.parameters !== undefined && { parameters: res.parameters }),
    outputs,
  });
  if (binaryParts.length === 0) return { body: Buffer.from(json), headerLength: undefined };

  const headerLength = Buffer.byteLength(json);
  let total = headerLength;
  for (const part of binaryParts) total += part.byteLength;
  const body = Buffer.allocUnsafe(total);
  body.write(json, 0);
  let offset = headerLength;
  for (const part of binaryParts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return { body, headerLength };
}
