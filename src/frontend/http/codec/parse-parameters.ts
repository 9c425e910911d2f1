// Validates an OIP `parameters` object: a JSON object whose values are strings, numbers or booleans.

import { ServingError } from '../../../core/errors.js';
import type { Parameters } from '../../../core/inference.js';

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as Parameters; undefined when absent. `where` names the owner in error messages. */
export function parseParameters(value: unknown, where: string): Parameters | undefined {
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) throw new ServingError('INVALID_ARGUMENT', `${where}: parameters must be an object`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new ServingError(
        'INVALID_ARGUMENT',
        `${where}: parameter '${key}' must be a string, number or boolean`,
      );
    }
  }
  return value as Parameters;
}
