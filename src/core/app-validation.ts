// Apps and tenants on the wire (snake_case JSON/YAML) ⇄ AppSpec / Tenant: defaults, validation naming the bad field.

import type { AppSpec, OverloadPolicy, Tenant } from './app.js';
import { ServingError } from './errors.js';

/** Names of apps and tenants: letters, digits, '_', '.', '-'; 1..64 characters. */
export const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** Task, model and version names: no whitespace or '/' (they appear in URL paths); 1..256 characters. */
const REF_PATTERN = /^[^\s/]{1,256}$/;

const APP_DEFAULTS = {
  percentile: 99,
  minAccuracy: 0,
  expectedRatePerS: 0,
  weight: 1,
  priority: 1,
  overload: 'reject' as OverloadPolicy,
};
const OVERLOAD_POLICIES: readonly OverloadPolicy[] = ['reject', 'best-effort'];
const APP_FIELDS = [
  'name',
  'tenant',
  'task',
  'model',
  'version',
  'slo',
  'min_accuracy',
  'expected_rate_per_s',
  'weight',
  'priority',
  'overload',
];
const SLO_FIELDS = ['percentile', 'latency_ms'];
const TENANT_FIELDS = ['name', 'weight'];

/** The JSON form of an app (what REST returns and accepts, what apps.json and YAML files hold). */
export interface AppJson {
  name: string;
  tenant: string;
  task?: string;
  model?: string;
  version?: string;
  slo: { percentile: number; latency_ms: number };
  min_accuracy: number;
  expected_rate_per_s: number;
  weight: number;
  priority: number;
  overload: OverloadPolicy;
}

export interface TenantJson {
  name: string;
  weight: number;
}

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${what} must be an object`);
  return value as Record<string, unknown>;
}

const camelToSnake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Unknown fields are errors (a typo would otherwise silently fall back to a default); camelCase gets a hint. */
function rejectUnknown(o: Record<string, unknown>, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const snake = camelToSnake(key);
    const hint = snake !== key && known.includes(snake) ? ` (did you mean '${prefix}${snake}'?)` : '';
    throw invalid(`unknown field '${prefix}${key}'${hint}`);
  }
}

function name(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw invalid(`'${field}' must be 1..64 characters of [A-Za-z0-9_.-], got ${JSON.stringify(value)}`);
  }
  return value;
}

function ref(value: unknown, field: string): string {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return String(value);
  if (typeof value !== 'string' || !REF_PATTERN.test(value)) {
    throw invalid(`'${field}' must be a non-empty string without whitespace or '/', got ${JSON.stringify(value)}`);
  }
  return value;
}

function num(value: unknown, field: string, fallback: number | undefined, ok: (n: number) => boolean, rule: string): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw invalid(`'${field}' must be ${rule}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validates a wire-format app and applies defaults. `tenant` is the owner decided by the caller (authentication);
 * a `tenant` field in the input, when present, must name the same tenant.
 */
export function parseAppSpec(input: unknown, tenant: string): AppSpec {
  const o = asObject(input, 'an app');
  rejectUnknown(o, APP_FIELDS, '');
  const appName = name(o['name'], 'name');
  name(tenant, 'tenant');
  if (o['tenant'] !== undefined && o['tenant'] !== tenant) {
    throw invalid(`'tenant' is ${JSON.stringify(o['tenant'])} but the app belongs to tenant '${tenant}'`);
  }
  const hasTask = o['task'] !== undefined;
  const hasModel = o['model'] !== undefined;
  if (hasTask === hasModel) throw invalid("an app needs exactly one of 'task' or 'model'");
  if (o['version'] !== undefined && !hasModel) throw invalid("'version' is only allowed with 'model'");

  if (o['slo'] === undefined) throw invalid("'slo' is required, e.g. {\"percentile\": 99, \"latency_ms\": 50}");
  const slo = asObject(o['slo'], "'slo'");
  rejectUnknown(slo, SLO_FIELDS, 'slo.');
  const overload = o['overload'] ?? APP_DEFAULTS.overload;
  if (!OVERLOAD_POLICIES.includes(overload as OverloadPolicy)) {
    throw invalid(`'overload' must be one of ${OVERLOAD_POLICIES.join(', ')}, got ${JSON.stringify(overload)}`);
  }
  return {
    name: appName,
    tenant,
    ...(hasTask ? { task: ref(o['task'], 'task') } : { model: ref(o['model'], 'model') }),
    ...(o['version'] === undefined ? {} : { version: ref(o['version'], 'version') }),
    slo: {
      percentile: num(slo['percentile'], 'slo.percentile', APP_DEFAULTS.percentile, (n) => n >= 50 && n <= 100, 'a number in 50..100'),
      latencyMs: num(slo['latency_ms'], 'slo.latency_ms', undefined, (n) => n > 0, 'a number > 0 (milliseconds)'),
    },
    minAccuracy: num(o['min_accuracy'], 'min_accuracy', APP_DEFAULTS.minAccuracy, (n) => n >= 0 && n <= 1, 'a number in 0..1'),
    expectedRatePerS: num(o['expected_rate_per_s'], 'expected_rate_per_s', APP_DEFAULTS.expectedRatePerS, (n) => n >= 0, 'a number >= 0'),
    weight: num(o['weight'], 'weight', APP_DEFAULTS.weight, (n) => n > 0, 'a number > 0'),
    priority: num(o['priority'], 'priority', APP_DEFAULTS.priority, (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0'),
    overload: overload as OverloadPolicy,
  };
}

export function appToJson(app: AppSpec): AppJson {
  return {
    name: app.name,
    tenant: app.tenant,
    ...(app.task === undefined ? {} : { task: app.task }),
    ...(app.model === undefined ? {} : { model: app.model }),
    ...(app.version === undefined ? {} : { version: app.version }),
    slo: { percentile: app.slo.percentile, latency_ms: app.slo.latencyMs },
    min_accuracy: app.minAccuracy,
    expected_rate_per_s: app.expectedRatePerS,
    weight: app.weight,
    priority: app.priority,
    overload: app.overload,
  };
}

/** Validates a wire-format tenant (`{name, weight?}`); weight defaults to 1. */
export function parseTenant(input: unknown): Tenant {
  const o = asObject(input, 'a tenant');
  rejectUnknown(o, TENANT_FIELDS, '');
  return {
    name: name(o['name'], 'name'),
    weight: num(o['weight'], 'weight', 1, (n) => n > 0, 'a number > 0'),
  };
}

export function tenantToJson(t: Tenant): TenantJson {
  return { name: t.name, weight: t.weight };
}
