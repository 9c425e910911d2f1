// OIP V2 REST request body with Triton's binary tensor extension, for any numeric tensor (the zoo's FP32 and INT64).

import type { Tensor } from '../../src/core/tensor.js';

export interface BinaryBody {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** JSON header naming each input's byte size, then the raw little-endian tensors; outputs come back binary too. */
export function oipBinaryBody(inputs: readonly Tensor[]): BinaryBody {
  const raw = inputs.map((t) => {
    if (Array.isArray(t.data)) throw new Error(`input '${t.name}': BYTES tensors are not used by this benchmark`);
    const data = t.data as Exclude<Tensor['data'], string[]>;
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  });
  const header = Buffer.from(
    JSON.stringify({
      inputs: inputs.map((t, i) => ({ name: t.name, datatype: t.datatype, shape: t.shape, parameters: { binary_data_size: raw[i]?.byteLength ?? 0 } })),
      parameters: { binary_data_output: true },
    }),
  );
  return {
    body: Buffer.concat([header, ...raw]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) },
  };
}
