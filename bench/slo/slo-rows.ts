// One measured point of the sweep (policy × load) as a result row: per-app and overall attainment, goodput, latency.

import type { LoadReport, LoadTotals } from '../../src/loadgen/index.js';

export interface SloStats {
  /** Requests the load generator offered in the window (sent + dropped by the client at its outstanding cap). */
  readonly offered: number;
  readonly ok: number;
  readonly okWithinSlo: number;
  /** 429s (admission control, full queues). */
  readonly rejected: number;
  readonly droppedByClient: number;
  /** Other failures (504 deadline drops, client timeouts, ...). */
  readonly errors: number;
  /** okWithinSlo / offered; null when nothing was offered. */
  readonly attainment: number | null;
  readonly goodputPerS: number;
  readonly throughputPerS: number;
  /** Of OK answers, from the scheduled send time, ms; null when none. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
}

export interface SloAppRow extends SloStats {
  readonly name: string;
  readonly sloMs: number | null;
  /** model@version → answers it gave. */
  readonly variants: Readonly<Record<string, number>>;
  readonly rejectsByReason: Readonly<Record<string, number>>;
  readonly errorsByStatus: Readonly<Record<string, number>>;
}

export interface SloRow {
  readonly policy: string;
  /** Offered load as a fraction of the measured capacity. */
  readonly load: number;
  /** Total Poisson rate asked of the load generator, requests/s. */
  readonly targetRatePerS: number;
  readonly measuredS: number;
  /** Requests still queued or running in the server from the previous point when this one began (set by the runner). */
  readonly backlogAtStart?: number;
  /**
   * The VM's speed just before this point relative to calibration, from a fixed CPU loop run while the server was idle
   * (set by the runner; speed-probe.ts): well below 1 means the host gave the run less CPU than when capacity was measured.
   */
  readonly speedVsCalibration?: number | null;
  readonly overall: SloStats;
  readonly apps: readonly SloAppRow[];
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const roundOrNull = (v: number | undefined, digits: number): number | null => (v === undefined || !Number.isFinite(v) ? null : round(v, digits));

export function sloStats(t: LoadTotals): SloStats {
  return {
    offered: t.sent + t.droppedByClient,
    ok: t.ok,
    okWithinSlo: t.okWithinSlo,
    rejected: t.rejected,
    droppedByClient: t.droppedByClient,
    errors: Object.values(t.errorsByStatus).reduce((a, b) => a + b, 0),
    attainment: t.sloAttainment === null ? null : round(t.sloAttainment, 4),
    goodputPerS: round(t.goodputPerS, 2),
    throughputPerS: round(t.throughputPerS, 2),
    p50Ms: roundOrNull(t.latencyMs?.p50Ms, 2),
    p95Ms: roundOrNull(t.latencyMs?.p95Ms, 2),
    p99Ms: roundOrNull(t.latencyMs?.p99Ms, 2),
  };
}

export function sloRow(policy: string, load: number, targetRatePerS: number, report: LoadReport): SloRow {
  return {
    policy,
    load,
    targetRatePerS: round(targetRatePerS, 2),
    measuredS: round(report.measuredS, 2),
    overall: sloStats(report.overall),
    apps: report.apps.map((a) => ({
      name: a.name,
      sloMs: a.sloMs,
      ...sloStats(a),
      variants: a.answeredBy,
      rejectsByReason: a.rejectsByReason,
      errorsByStatus: a.errorsByStatus,
    })),
  };
}

/**
 * Attainment of admitted requests: of those the server did not refuse with 429 (nor the client drop), the fraction
 * answered within the SLO. Admitted requests that were later dropped at their deadline (504) count as misses.
 */
export function admittedAttainment(t: LoadTotals): number | null {
  const admitted = t.sent - t.rejected;
  return admitted <= 0 ? null : round(t.okWithinSlo / admitted, 4);
}
