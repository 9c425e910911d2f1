// OIP V2 REST request bodies for the benchmark inputs: plain JSON and Triton's binary tensor extension.

import type { BenchInput } from './bench-models.js';

export interface HttpBody {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** Inputs carry 4 decimals; printing the float32 value itself would add ~12 digits of noise per number. */
const JSON_DECIMALS = 1e4;

export function oipJsonBody(inputs: readonly BenchInput[]): HttpBody {
  const json = {
    inputs: inputs.map((t) => ({
      name: t.name,
      datatype: 'FP32',
      shape: t.shape,
      data: Array.from(t.data, (v) => Math.round(v * JSON_DECIMALS) / JSON_DECIMALS),
    })),
  };
  return { body: Buffer.from(JSON.stringify(json)), headers: { 'content-type': 'application/json' } };
}

/** JSON header naming each input's byte size, then the raw little-endian tensors; outputs come back binary too. */
export function oipBinaryBody(inputs: readonly BenchInput[]): HttpBody {
  const header = Buffer.from(
    JSON.stringify({
      inputs: inputs.map((t) => ({ name: t.name, datatype: 'FP32', shape: t.shape, parameters: { binary_data_size: t.data.byteLength } })),
      parameters: { binary_data_output: true },
    }),
  );
  const raw = inputs.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return {
    body: Buffer.concat([header, ...raw]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) },
  };
}
