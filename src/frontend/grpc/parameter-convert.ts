// InferParameter maps (the wire's oneof bool/int64/string/double/uint64) to and from core Parameters.

import { ServingError } from '../../core/errors.js';
import type { ParameterValue, Parameters } from '../../core/inference.js';
import type { WireInferParameter, WireParameters } from './wire-types.js';

/** Core parameters from a wire map; undefined when the map is empty. `where` names the owner in errors. */
export function parametersFromWire(wire: WireParameters, where: string): Parameters | undefined {
  const entries = Object.entries(wire);
  if (entries.length === 0) return undefined;
  const out: Record<string, ParameterValue> = {};
  for (const [key, param] of entries) out[key] = valueFromWire(param, `${where} parameter '${key}'`);
  return out;
}

function valueFromWire(param: WireInferParameter, what: string): ParameterValue {
  switch (param.parameter_choice) {
    case 'bool_param':
      return param.bool_param === true;
    case 'string_param':
      return param.string_param ?? '';
    case 'double_param':
      return param.double_param ?? 0;
    case 'int64_param':
      return integerFromWire(param.int64_param, what);
    case 'uint64_param':
      return integerFromWire(param.uint64_param, what);
    default:
      throw new ServingError('INVALID_ARGUMENT', `${what} has no value`);
  }
}

/** Core holds numbers, so 64-bit integers beyond 2^53 are refused rather than silently rounded. */
function integerFromWire(value: number | string | undefined, what: string): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n)) {
    throw new ServingError('INVALID_ARGUMENT', `${what}: ${String(value)} is outside the safe integer range`);
  }
  return n;
}

export function parametersToWire(params: Parameters | undefined): Record<string, WireInferParameter> {
  const out: Record<string, WireInferParameter> = {};
  if (params === undefined) return out;
  for (const [key, value] of Object.entries(params)) out[key] = valueToWire(value);
  return out;
}

function valueToWire(value: ParameterValue): WireInferParameter {
  if (typeof value === 'boolean') return { bool_param: value };
  if (typeof value === 'string') return { string_param: value };
  return Number.isSafeInteger(value) ? { int64_param: value } : { double_param: value };
}
