// Tensor value type shared by every layer: name, OIP datatype, shape and a flat typed array (row-major).

import { type DataType, elementBytes } from './datatype.js';
import { ServingError } from './errors.js';

/**
 * Flat tensor contents. BOOL is a Uint8Array of 0/1, FP16 a Uint16Array of IEEE half bit patterns,
 * BYTES an array of strings (UTF-8 when serialised).
 */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

export interface Tensor {
  readonly name: string;
  readonly datatype: DataType;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

type TypedArrayCtor = {
  new (length: number): Exclude<TensorData, string[]>;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): Exclude<TensorData, string[]>;
  readonly BYTES_PER_ELEMENT: number;
};

const CTORS: Record<Exclude<DataType, 'BYTES'>, TypedArrayCtor> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  INT8: Int8Array,
  UINT16: Uint16Array,
  INT16: Int16Array,
  FP16: Uint16Array,
  UINT32: Uint32Array,
  INT32: Int32Array,
  FP32: Float32Array,
  UINT64: BigUint64Array,
  INT64: BigInt64Array,
  FP64: Float64Array,
};

export function typedArrayCtor(dt: Exclude<DataType, 'BYTES'>): TypedArrayCtor {
  return CTORS[dt];
}

/** A zero-filled flat array for `count` elements of `dt`. */
export function allocData(dt: DataType, count: number): TensorData {
  if (dt === 'BYTES') return new Array<string>(count).fill('');
  return new CTORS[dt](count);
}

/**
 * View raw little-endian bytes as tensor data of `dt` (copying when the bytes are not aligned).
 * BYTES uses the protocol's serialisation: each element a 4-byte little-endian length then its bytes.
 */
export function dataFromBytes(name: string, dt: DataType, bytes: Uint8Array): TensorData {
  if (dt === 'BYTES') return decodeBytesElements(name, bytes);
  const size = elementBytes(dt) as number;
  if (bytes.byteLength % size !== 0) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `tensor '${name}': ${bytes.byteLength} bytes is not a whole number of ${dt} elements (${size} bytes each)`,
    );
  }
  const ctor = CTORS[dt];
  const count = bytes.byteLength / size;
  if (bytes.byteOffset % size === 0) return new ctor(bytes.buffer, bytes.byteOffset, count);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new ctor(copy.buffer, 0, count);
}

/** Raw little-endian bytes of tensor data (a view where possible, no copy). */
export function dataToBytes(data: TensorData): Uint8Array {
  if (Array.isArray(data)) return encodeBytesElements(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function encodeBytesElements(values: readonly string[]): Uint8Array {
  const parts = values.map((v) => utf8.encode(v));
  let total = 0;
  for (const p of parts) total += 4 + p.byteLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const p of parts) {
    view.setUint32(off, p.byteLength, true);
    out.set(p, off + 4);
    off += 4 + p.byteLength;
  }
  return out;
}

export function decodeBytesElements(name: string, bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  let off = 0;
  while (off < bytes.byteLength) {
    if (off + 4 > bytes.byteLength) {
      throw new ServingError('INVALID_ARGUMENT', `tensor '${name}': truncated BYTES element length at offset ${off}`);
    }
    const len = view.getUint32(off, true);
    off += 4;
    if (off + len > bytes.byteLength) {
      throw new ServingError('INVALID_ARGUMENT', `tensor '${name}': BYTES element of ${len} bytes overruns the data`);
    }
    out.push(utf8Decoder.decode(bytes.subarray(off, off + len)));
    off += len;
  }
  return out;
}

/** Number of elements held by tensor data. */
export function dataLength(data: TensorData): number {
  return data.length;
}
