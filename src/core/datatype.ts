// Open Inference Protocol tensor datatypes, their element sizes and their onnxruntime names.

export const DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

export type DataType = (typeof DATATYPES)[number];

/** Datatypes named by the protocol that onnxruntime-node cannot hold; requests using them get a clear error. */
export const UNSUPPORTED_DATATYPES = ['BF16'] as const;

export function isDataType(value: unknown): value is DataType {
  return typeof value === 'string' && (DATATYPES as readonly string[]).includes(value);
}

/** Bytes per element; BYTES is variable-length and has none. */
export function elementBytes(dt: DataType): number | undefined {
  switch (dt) {
    case 'BOOL':
    case 'UINT8':
    case 'INT8':
      return 1;
    case 'UINT16':
    case 'INT16':
    case 'FP16':
      return 2;
    case 'UINT32':
    case 'INT32':
    case 'FP32':
      return 4;
    case 'UINT64':
    case 'INT64':
    case 'FP64':
      return 8;
    case 'BYTES':
      return undefined;
  }
}

/** onnxruntime's tensor type name for each datatype. */
export const ORT_TYPE: Record<DataType, string> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

export function fromOrtType(type: string): DataType | undefined {
  for (const dt of DATATYPES) if (ORT_TYPE[dt] === type) return dt;
  return undefined;
}

/** ONNX TensorProto.DataType enum value for each datatype (used by the graph builder and inspection). */
export const ONNX_ELEM_TYPE: Record<DataType, number> = {
  FP32: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  BYTES: 8,
  BOOL: 9,
  FP16: 10,
  FP64: 11,
  UINT32: 12,
  UINT64: 13,
};
