// OIP REST request body for prepared inputs: JSON data, or the binary tensor extension (JSON header + raw bytes).

import type { Parameters } from '../core/inference.js';
import { type Tensor, dataToBytes } from '../core/tensor.js';
import { halfToFloat } from '../frontend/http/codec/float16.js';
import type { Encoding } from './load-spec.js';

export interface HttpPayload {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * `auto` sends inputs binary once they reach `binaryFromBytes` in all. Outputs are asked for in binary unless the
 * encoding is `json`, so large outputs cost neither side a JSON rendering.
 */
export function httpPayload(inputs: readonly Tensor[], parameters: Parameters, encoding: Encoding, binaryFromBytes: number): HttpPayload {
  const raw = inputs.map((t) => dataToBytes(t.data));
  const totalBytes = raw.reduce((s, b) => s + b.byteLength, 0);
  const binaryInputs = encoding === 'binary' || (encoding === 'auto' && totalBytes >= binaryFromBytes);
  const params: Parameters = encoding === 'json' ? parameters : { binary_data_output: true, ...parameters };
  const header = {
    ...(Object.keys(params).length === 0 ? {} : { parameters: params }),
    inputs: inputs.map((t, i) => ({
      name: t.name,
      datatype: t.datatype,
      shape: t.shape,
      ...(binaryInputs ? { parameters: { binary_data_size: (raw[i] as Uint8Array).byteLength } } : { data: jsonData(t) }),
    })),
  };
  const json = Buffer.from(JSON.stringify(header));
  if (!binaryInputs) return { body: json, headers: { 'content-type': 'application/json', 'content-length': String(json.byteLength) } };
  const body = Buffer.concat([json, ...raw]);
  return {
    body,
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(body.byteLength),
      'inference-header-content-length': String(json.byteLength),
    },
  };
}

function jsonData(t: Tensor): (number | boolean | string)[] {
  const d = t.data;
  if (Array.isArray(d)) return d;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Array.from(d, Number);
  if (t.datatype === 'FP16') return Array.from(d as Uint16Array, halfToFloat);
  if (t.datatype === 'BOOL') return Array.from(d as Uint8Array, (v) => v !== 0);
  return Array.from(d as ArrayLike<number>);
}
