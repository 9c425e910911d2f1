// Validates the Inference-Header-Content-Length value of the binary tensor data extension.

import { ServingError } from '../../../core/errors.js';

const DIGITS = /^\d+$/;

/**
 * Length of the JSON part of a body of `bodyBytes` bytes, or undefined when the whole body is JSON.
 * Accepts the raw header text (strictly decimal digits) or a number already parsed by the caller.
 */
export function parseHeaderLength(value: number | string | undefined, bodyBytes: number): number | undefined {
  if (value === undefined) return undefined;
  const length = typeof value === 'string' ? (DIGITS.test(value.trim()) ? Number(value.trim()) : NaN) : value;
  if (!Number.isSafeInteger(length) || length < 0 || length > bodyBytes) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `Inference-Header-Content-Length must be an integer in [0, ${bodyBytes}] (the body length), got '${value}'`,
    );
  }
  return length;
}
