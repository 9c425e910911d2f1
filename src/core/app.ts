// App and tenant value types: what a user states an app needs (task or model, SLO, accuracy floor, load, share).

/** A latency objective: `percentile` of requests finish within `latencyMs` (e.g. p99 <= 50 ms). */
export interface Slo {
  /** 50..100, e.g. 99 for p99. */
  readonly percentile: number;
  readonly latencyMs: number;
}

/** What happens to a request that cannot meet its deadline: rejected at once (429), or run anyway at best effort. */
export type OverloadPolicy = 'reject' | 'best-effort';

export interface AppSpec {
  /** Unique per tenant; [A-Za-z0-9_.-]{1,64}. */
  readonly name: string;
  readonly tenant: string;
  /** Exactly one of task / model: a task (model-less; Tessera picks the variant) or a fixed model (optionally version). */
  readonly task?: string;
  readonly model?: string;
  readonly version?: string;
  readonly slo: Slo;
  /** Lowest declared accuracy (0..1) a variant may have to answer this app; 0 = any. */
  readonly minAccuracy: number;
  /** Expected request rate, requests per second (used by planning and admission, not enforced). */
  readonly expectedRatePerS: number;
  /** Share weight on a shared executor (> 0; default 1). */
  readonly weight: number;
  /** Strict priority class: 0 is the most important; larger numbers yield to smaller ones. Default 1. */
  readonly priority: number;
  readonly overload: OverloadPolicy;
}

export interface Tenant {
  /** [A-Za-z0-9_.-]{1,64}. */
  readonly name: string;
  /** Share weight of the tenant as a whole (its apps split it by their weights). Default 1. */
  readonly weight: number;
}

/** Tenant name used when authentication is disabled (embedded default) and for requests to plain model routes. */
export const DEFAULT_TENANT = 'default';
