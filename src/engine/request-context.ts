// Per-request scheduling context: deadline, priority and the tenant/app shares a request is charged to.

import type { AppSpec, OverloadPolicy } from '../core/app.js';
import { DEFAULT_TENANT } from '../core/app.js';
import { ServingError } from '../core/errors.js';
import type { Parameters } from '../core/inference.js';

export interface InferContext {
  /** Absolute deadline on the engine clock, ms; Infinity when the request has none. */
  readonly deadlineAtMs: number;
  /** Strict priority class: 0 is the most important. */
  readonly priority: number;
  readonly tenant: string;
  readonly tenantWeight: number;
  /** Share weight of the app (or 1 for plain model requests). */
  readonly weight: number;
  /** The SLO latency the deadline came from, ms; Infinity when none. */
  readonly sloMs: number;
  readonly overload: OverloadPolicy;
  /** App the request was sent to, for metrics and the response. */
  readonly app?: string;
}

/** Priority class of requests that do not say (OIP priority 0 / absent). */
export const DEFAULT_PRIORITY = 1;

export function defaultContext(): InferContext {
  return {
    deadlineAtMs: Infinity,
    priority: DEFAULT_PRIORITY,
    tenant: DEFAULT_TENANT,
    tenantWeight: 1,
    weight: 1,
    sloMs: Infinity,
    overload: 'reject',
  };
}

/** Context of a request to `app` arriving at `nowMs`: the app's SLO from now, its class, weights and overload policy. */
export function appContext(app: AppSpec, nowMs: number, tenantWeight: number): InferContext {
  return {
    deadlineAtMs: nowMs + app.slo.latencyMs,
    priority: app.priority,
    tenant: app.tenant,
    tenantWeight,
    weight: app.weight,
    sloMs: app.slo.latencyMs,
    overload: app.overload,
    app: app.name,
  };
}

function numberParam(params: Parameters | undefined, name: string): number | undefined {
  const v = params?.[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new ServingError('INVALID_ARGUMENT', `parameter '${name}' must be a non-negative number, got ${JSON.stringify(v)}`);
  }
  return n;
}

/**
 * The OIP/Triton request parameters a plain model request may carry: `timeout` (microseconds, as Triton) becomes a
 * deadline, `priority` (1 is the highest; 0 or absent is the default) becomes a priority class (priority − 1), and
 * `tessera.slo_ms` is accepted as a millisecond alternative to `timeout`.
 */
export function contextFromParameters(params: Parameters | undefined, nowMs: number, base: InferContext = defaultContext()): InferContext {
  const timeoutUs = numberParam(params, 'timeout');
  const sloMs = numberParam(params, 'tessera.slo_ms');
  const priority = numberParam(params, 'priority');
  if (priority !== undefined && !Number.isInteger(priority)) {
    throw new ServingError('INVALID_ARGUMENT', `parameter 'priority' must be an integer, got ${priority}`);
  }
  let budgetMs = base.sloMs;
  if (sloMs !== undefined && sloMs > 0) budgetMs = Math.min(budgetMs, sloMs);
  if (timeoutUs !== undefined && timeoutUs > 0) budgetMs = Math.min(budgetMs, timeoutUs / 1000);
  const deadlineAtMs = Number.isFinite(budgetMs) ? Math.min(base.deadlineAtMs, nowMs + budgetMs) : base.deadlineAtMs;
  return {
    ...base,
    deadlineAtMs,
    sloMs: budgetMs,
    priority: priority === undefined || priority === 0 ? base.priority : priority - 1,
  };
}

/** The `tessera.min_accuracy` parameter of a task request (0..1; 0 when absent). */
export function minAccuracyFromParameters(params: Parameters | undefined): number {
  const acc = params?.['tessera.min_accuracy'];
  if (acc === undefined) return 0;
  const n = typeof acc === 'string' ? Number(acc) : acc;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new ServingError('INVALID_ARGUMENT', `parameter 'tessera.min_accuracy' must be a number in [0, 1], got ${JSON.stringify(acc)}`);
  }
  return n;
}
