// Checks for JSON/YAML input read by the simulator: each failure is INVALID_ARGUMENT naming the offending field.

import { ServingError } from '../core/errors.js';

export function invalid(path: string, message: string): never {
  throw new ServingError('INVALID_ARGUMENT', `${path}: ${message}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `"${v}"` : typeof v === 'object' ? 'an object' : String(v);
}

export function asObject(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) invalid(path, `expected an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

export function asArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) invalid(path, `expected an array, got ${describe(v)}`);
  return v;
}

export function asString(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) invalid(path, `expected a non-empty string, got ${describe(v)}`);
  return v;
}

export interface NumberRule {
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Values must be strictly above this. */
  readonly above?: number;
  readonly integer?: boolean;
}

export function asNumber(v: unknown, path: string, rule: NumberRule = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) invalid(path, `expected a finite number, got ${describe(v)}`);
  if (rule.integer === true && !Number.isInteger(v)) invalid(path, `expected an integer, got ${v}`);
  if (rule.min !== undefined && v < rule.min) invalid(path, `expected a number >= ${rule.min}, got ${v}`);
  if (rule.above !== undefined && v <= rule.above) invalid(path, `expected a number > ${rule.above}, got ${v}`);
  return v;
}

export function asOneOf<T extends string>(v: unknown, path: string, choices: readonly T[]): T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    invalid(path, `expected one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(v)}`);
  }
  return v as T;
}

/** Rejects keys outside `known`, so a misspelt option fails loudly instead of being ignored. */
export function onlyKeys(obj: Record<string, unknown>, path: string, known: readonly string[]): void {
  for (const k of Object.keys(obj)) if (!known.includes(k)) invalid(`${path}.${k}`, `unknown field (expected one of ${known.join(', ')})`);
}
