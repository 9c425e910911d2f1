// Reading node attributes and small constant integer tensors (shapes, axes) out of a decoded ONNX graph.

import type { AttributeProto, NodeProto, TensorProto } from './onnx-proto.js';

/** TensorProto.DataType values the segmenter names. */
export const ELEM = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
} as const;

/** Domain of onnxruntime's blocked-layout (NCHWc) CPU operators, found in graphs it has optimised. */
export const NCHWC_DOMAIN = 'com.microsoft.nchwc';

const utf8 = new TextDecoder();

export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function attrInt(node: NodeProto, name: string): number | undefined {
  return attribute(node, name)?.i;
}

export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = attribute(node, name);
  return a === undefined ? undefined : (a.ints ?? []);
}

export function attrString(node: NodeProto, name: string): string | undefined {
  const s = attribute(node, name)?.s;
  return s === undefined ? undefined : utf8.decode(s);
}

/** The values of an INT64 or INT32 tensor (raw or typed storage), or undefined for other types or external data. */
export function tensorInts(t: TensorProto): number[] | undefined {
  if (t.data_type !== ELEM.INT64 && t.data_type !== ELEM.INT32) return undefined;
  const raw = t.raw_data;
  if (raw !== undefined && raw.byteLength > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out: number[] = [];
    if (t.data_type === ELEM.INT64) for (let i = 0; i + 8 <= raw.byteLength; i += 8) out.push(Number(view.getBigInt64(i, true)));
    else for (let i = 0; i + 4 <= raw.byteLength; i += 4) out.push(view.getInt32(i, true));
    return out;
  }
  if (t.data_location === 1) return undefined; // EXTERNAL: the values live in another file
  return t.data_type === ELEM.INT64 ? (t.int64_data ?? []) : (t.int32_data ?? []);
}

/** The tensor a Constant node produces, as a TensorProto-like type and integer values where it has them. */
export function constantNodeInts(node: NodeProto): number[] | undefined {
  const t = attribute(node, 'value')?.t;
  if (t !== undefined) return tensorInts(t);
  const ints = attrInts(node, 'value_ints');
  if (ints !== undefined) return ints;
  const i = attrInt(node, 'value_int');
  return i === undefined ? undefined : [i];
}

/** Element count of fixed dims; 1 for a scalar. */
export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
