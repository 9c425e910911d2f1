// Tensors to and from the gRPC wire: inputs from typed `contents` or `raw_input_contents`, outputs as raw bytes.

import { type DataType, elementBytes, isDataType, UNSUPPORTED_DATATYPES } from '../../core/datatype.js';
import { ServingError } from '../../core/errors.js';
import { dataFromBytes, dataToBytes, elementCount, type Tensor, type TensorData } from '../../core/tensor.js';
import type { WireInferInputTensor, WireInferOutputTensor, WireTensorContents } from './wire-types.js';

/** Input tensors of a request; `raw` is the request's raw_input_contents (empty when it uses typed contents). */
export function tensorsFromWire(inputs: readonly WireInferInputTensor[], raw: readonly Uint8Array[]): Tensor[] {
  if (raw.length > 0 && raw.length !== inputs.length) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `raw_input_contents has ${raw.length} entries but the request has ${inputs.length} inputs (one entry per input)`,
    );
  }
  return inputs.map((input, i) => {
    const datatype = datatypeOf(input);
    const shape = shapeOf(input);
    const bytes = raw[i];
    if (bytes === undefined) return { name: input.name, datatype, shape, data: typedData(input, datatype, shape) };
    if (hasContents(input.contents)) {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `tensor '${input.name}': contents must be empty when the request uses raw_input_contents`,
      );
    }
    return { name: input.name, datatype, shape, data: rawData(input.name, datatype, shape, bytes) };
  });
}

/** Outputs in Triton's default form: metadata in `outputs`, each tensor's bytes in `raw_output_contents`. */
export function tensorsToWire(outputs: readonly Tensor[]): {
  outputs: WireInferOutputTensor[];
  raw_output_contents: Uint8Array[];
} {
  return {
    outputs: outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] })),
    raw_output_contents: outputs.map((t) => dataToBytes(t.data)),
  };
}

function datatypeOf(input: WireInferInputTensor): DataType {
  const dt = input.datatype;
  if (isDataType(dt)) return dt;
  if ((UNSUPPORTED_DATATYPES as readonly string[]).includes(dt)) {
    throw new ServingError('INVALID_ARGUMENT', `tensor '${input.name}': datatype ${dt} is not supported`);
  }
  throw new ServingError('INVALID_ARGUMENT', `tensor '${input.name}': unknown datatype '${dt}'`);
}

function shapeOf(input: WireInferInputTensor): number[] {
  return input.shape.map((d) => {
    const n = Number(d);
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new ServingError('INVALID_ARGUMENT', `tensor '${input.name}': invalid dimension ${String(d)} in shape`);
    }
    return n;
  });
}

function rawData(name: string, dt: DataType, shape: readonly number[], bytes: Uint8Array): TensorData {
  const count = elementCount(shape);
  const size = elementBytes(dt);
  if (size !== undefined && bytes.byteLength !== count * size) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `tensor '${name}': raw_input_contents has ${bytes.byteLength} bytes but shape [${shape.join(',')}] of ${dt} ` +
        `needs ${count * size}`,
    );
  }
  const data = dataFromBytes(name, dt, bytes);
  if (data.length !== count) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `tensor '${name}': raw_input_contents holds ${data.length} BYTES elements but shape [${shape.join(',')}] ` +
        `needs ${count}`,
    );
  }
  return data;
}

/** The typed-contents field each datatype travels in; FP16 has none (raw only). */
const CONTENTS_FIELD: Record<Exclude<DataType, 'FP16'>, keyof WireTensorContents> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

/** int_contents / uint_contents are 32-bit on the wire; narrower datatypes must not wrap silently. */
const NARROW_RANGE: Partial<Record<DataType, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  UINT8: [0, 255],
  UINT16: [0, 65535],
};

const utf8 = new TextDecoder();

function typedData(input: WireInferInputTensor, dt: DataType, shape: readonly number[]): TensorData {
  const name = input.name;
  if (dt === 'FP16') {
    throw new ServingError('INVALID_ARGUMENT', `tensor '${name}': FP16 data must be sent in raw_input_contents`);
  }
  const field = CONTENTS_FIELD[dt];
  const values = input.contents?.[field] ?? [];
  const count = elementCount(shape);
  if (values.length !== count) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `tensor '${name}': ${field} has ${values.length} values but shape [${shape.join(',')}] needs ${count}`,
    );
  }
  const range = NARROW_RANGE[dt];
  if (range !== undefined) {
    const bad = (values as readonly number[]).find((v) => v < range[0] || v > range[1]);
    if (bad !== undefined) throw new ServingError('INVALID_ARGUMENT', `tensor '${name}': ${bad} does not fit ${dt}`);
  }
  switch (dt) {
    case 'BOOL':
      return Uint8Array.from(values as readonly boolean[], (v) => (v ? 1 : 0));
    case 'INT8':
      return Int8Array.from(values as readonly number[]);
    case 'INT16':
      return Int16Array.from(values as readonly number[]);
    case 'INT32':
      return Int32Array.from(values as readonly number[]);
    case 'UINT8':
      return Uint8Array.from(values as readonly number[]);
    case 'UINT16':
      return Uint16Array.from(values as readonly number[]);
    case 'UINT32':
      return Uint32Array.from(values as readonly number[]);
    case 'INT64':
      return BigInt64Array.from(values as readonly string[], (v) => BigInt(v));
    case 'UINT64':
      return BigUint64Array.from(values as readonly string[], (v) => BigInt(v));
    case 'FP32':
      return Float32Array.from(values as readonly number[]);
    case 'FP64':
      return Float64Array.from(values as readonly number[]);
    case 'BYTES':
      return (values as readonly Uint8Array[]).map((b) => utf8.decode(b));
  }
}

function hasContents(contents: WireTensorContents | null): boolean {
  if (contents === null) return false;
  return Object.values(contents).some((v: unknown) => Array.isArray(v) && v.length > 0);
}
