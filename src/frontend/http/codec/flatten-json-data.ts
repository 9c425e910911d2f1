// Flattens JSON tensor data (flat or nested arrays, read row-major) into a preallocated, type-checked flat array.

import type { DataType } from '../../../core/datatype.js';
import { ServingError } from '../../../core/errors.js';
import { elementCount, type TensorData } from '../../../core/tensor.js';
import { type JsonElementSink, jsonElementSink } from './json-element-sink.js';

/** Deeper nesting than any real tensor rank; the cap keeps recursion off the stack limit. */
const MAX_NESTING_DEPTH = 64;
const MAX_SHOWN_VALUE_CHARS = 40;

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

function tooDeep(name: string): ServingError {
  return invalid(`tensor '${name}': data is nested deeper than ${MAX_NESTING_DEPTH} levels`);
}

function countMismatch(name: string, shape: readonly number[], expected: number, actual: number): ServingError {
  return invalid(`tensor '${name}': shape [${shape.join(',')}] needs ${expected} elements but data has ${actual}`);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN_VALUE_CHARS ? `${text.slice(0, MAX_SHOWN_VALUE_CHARS)}...` : text;
}

function countLeaves(name: string, node: readonly unknown[], depth: number): number {
  if (depth > MAX_NESTING_DEPTH) throw tooDeep(name);
  let n = 0;
  for (const child of node) n += Array.isArray(child) ? countLeaves(name, child, depth + 1) : 1;
  return n;
}

/** Writes the leaves under `node` from `pos` on and returns the next position (which may pass the end). */
function fill(
  name: string,
  dt: DataType,
  sink: JsonElementSink,
  node: readonly unknown[],
  pos: number,
  depth: number,
): number {
  if (depth > MAX_NESTING_DEPTH) throw tooDeep(name);
  for (let i = 0; i < node.length; i++) {
    const child = node[i];
    if (Array.isArray(child)) {
      pos = fill(name, dt, sink, child, pos, depth + 1);
    } else {
      if (!sink.put(child, pos)) {
        throw invalid(`tensor '${name}': element ${pos} is ${show(child)} but ${dt} needs ${sink.expected}`);
      }
      pos += 1;
    }
  }
  return pos;
}

/**
 * `data` as the flat array of `shape` elements of `dt`. `maxElements` bounds the allocation before the data has been
 * counted (each JSON element takes at least one byte, so the JSON length is a safe bound).
 */
export function flattenJsonData(
  name: string,
  dt: DataType,
  shape: readonly number[],
  data: unknown,
  maxElements: number,
): TensorData {
  if (!Array.isArray(data)) throw invalid(`tensor '${name}': data must be an array`);
  const expected = elementCount(shape);
  if (expected > maxElements) throw countMismatch(name, shape, expected, countLeaves(name, data, 1));
  const sink = jsonElementSink(dt, expected);
  const actual = fill(name, dt, sink, data, 0, 1);
  if (actual !== expected) throw countMismatch(name, shape, expected, actual);
  return sink.data;
}
