// Decodes the `inputs` of an OIP request into tensors: JSON data, or raw bytes after the JSON header.

import { type DataType, isDataType, UNSUPPORTED_DATATYPES } from '../../../core/datatype.js';
import { ServingError } from '../../../core/errors.js';
import { dataFromBytes, elementCount, type Tensor, type TensorData } from '../../../core/tensor.js';
import { flattenJsonData } from './flatten-json-data.js';
import { isJsonObject, parseParameters } from './parse-parameters.js';

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

function parseDatatype(name: string, value: unknown): DataType {
  if (isDataType(value)) return value;
  if ((UNSUPPORTED_DATATYPES as readonly unknown[]).includes(value)) {
    throw invalid(`input '${name}': datatype ${String(value)} is not supported by onnxruntime-node`);
  }
  throw invalid(`input '${name}': unknown datatype ${JSON.stringify(value)}`);
}

function parseShape(name: string, value: unknown): number[] {
  const ok = Array.isArray(value) && value.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
  if (!ok) throw invalid(`input '${name}': shape must be an array of non-negative integers`);
  return value as number[];
}

/** Raw input bytes follow the JSON header in input order; `next` is the offset of the first unclaimed byte. */
interface BinaryCursor {
  readonly body: Buffer;
  readonly headerPresent: boolean;
  next: number;
}

function binaryData(
  name: string,
  dt: DataType,
  shape: readonly number[],
  size: unknown,
  cursor: BinaryCursor,
): TensorData {
  if (!Number.isSafeInteger(size) || (size as number) < 0) {
    throw invalid(`input '${name}': parameters.binary_data_size must be a non-negative integer`);
  }
  const bytes = size as number;
  const left = cursor.body.byteLength - cursor.next;
  if (bytes > left) {
    const hint = cursor.headerPresent ? '' : ' (no Inference-Header-Content-Length header was given)';
    throw invalid(`input '${name}': binary_data_size ${bytes} exceeds the ${left} bytes of binary data left${hint}`);
  }
  const data = dataFromBytes(name, dt, cursor.body.subarray(cursor.next, cursor.next + bytes));
  cursor.next += bytes;
  const expected = elementCount(shape);
  if (data.length !== expected) {
    throw invalid(
      `input '${name}': shape [${shape.join(',')}] needs ${expected} elements but its binary data has ${data.length}`,
    );
  }
  return data;
}

function decodeInput(value: unknown, index: number, cursor: BinaryCursor, jsonBytes: number): Tensor {
  if (!isJsonObject(value)) throw invalid(`inputs[${index}] must be an object`);
  const name = value['name'];
  if (typeof name !== 'string' || name === '') throw invalid(`inputs[${index}].name must be a non-empty string`);
  const datatype = parseDatatype(name, value['datatype']);
  const shape = parseShape(name, value['shape']);
  const size = parseParameters(value['parameters'], `input '${name}'`)?.['binary_data_size'];
  if (size !== undefined) {
    if (value['data'] !== undefined) throw invalid(`input '${name}' has both binary_data_size and data`);
    return { name, datatype, shape, data: binaryData(name, datatype, shape, size, cursor) };
  }
  if (value['data'] === undefined) throw invalid(`input '${name}' has neither data nor parameters.binary_data_size`);
  return { name, datatype, shape, data: flattenJsonData(name, datatype, shape, value['data'], jsonBytes) };
}

/** The request's input tensors; `jsonBytes` is the length of the JSON header within `body`. */
export function decodeInputs(value: unknown, body: Buffer, jsonBytes: number, headerPresent: boolean): Tensor[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('inputs must be a non-empty array');
  const cursor: BinaryCursor = { body, headerPresent, next: jsonBytes };
  const seen = new Set<string>();
  const tensors = value.map((entry: unknown, index) => {
    const tensor = decodeInput(entry, index, cursor, jsonBytes);
    if (seen.has(tensor.name)) throw invalid(`input '${tensor.name}' appears twice`);
    seen.add(tensor.name);
    return tensor;
  });
  const unclaimed = body.byteLength - cursor.next;
  if (unclaimed > 0) {
    throw invalid(
      `${unclaimed} bytes of binary data after the JSON header are not claimed by any input's binary_data_size`,
    );
  }
  return tensors;
}
