// Pure assembly of the validation report: one row per (case, model), relative errors, their medians, and the table.

import type { ServerWindowStats } from './server-stats.js';
import type { LatencyPrediction } from './predictions.js';
import type { ServerMode } from './validation-cases.js';

export interface MeasuredLatency {
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly completed: number;
  readonly failed: number;
  readonly skipped: number;
  /**
   * The open-loop generator had to skip arrivals during this case (any model): the server did not keep up, so the
   * measured latency belongs to an overloaded queue, not to the offered rates.
   */
  readonly saturated?: boolean;
}

export interface RowErrors {
  /**
   * |predicted − measured| / measured. No prediction (the model says overloaded) counts as a 100 % error when the
   * server kept up, and as no error (null: agreement, nothing to compare) when it did not; null without a measurement.
   */
  readonly analyticMean: number | null;
  readonly analyticP95: number | null;
  readonly simMean: number | null;
  readonly simP95: number | null;
}

export interface ValidationRow {
  readonly mode: ServerMode;
  readonly models: readonly string[];
  readonly utilisation: number;
  readonly model: string;
  readonly ratePerS: number;
  readonly measured: MeasuredLatency;
  readonly analytic: LatencyPrediction | null;
  readonly sim: LatencyPrediction | null;
  readonly errors: RowErrors;
  readonly server?: ServerWindowStats;
}

export interface ErrorSummary {
  readonly rows: number;
  readonly analytic_mean_median_abs_err: number | null;
  readonly analytic_p95_median_abs_err: number | null;
  readonly sim_mean_median_abs_err: number | null;
  readonly sim_p95_median_abs_err: number | null;
}

/** Targets of the issue: analytic mean ≤ 10 %, analytic p95 ≤ 20 %, simulator mean ≤ 5 % (median absolute error). */
export const TARGETS = { analyticMean: 0.1, analyticP95: 0.2, simMean: 0.05 } as const;

export function relativeError(predicted: number | undefined, measured: number): number | null {
  if (predicted === undefined || !Number.isFinite(predicted) || !(measured > 0) || !Number.isFinite(measured)) return null;
  return Math.abs(predicted - measured) / measured;
}

/** Median of the non-null values; null when there are none. */
export function median(values: readonly (number | null)[]): number | null {
  const s = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return null;
  return n % 2 === 1 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
}

/** A predicted overload the server did not show is a miss (1); one it did show is agreement (null). */
const UNSTABLE_MISS = 1;

export function rowErrors(measured: MeasuredLatency, analytic: LatencyPrediction | null, sim: LatencyPrediction | null): RowErrors {
  const err = (p: LatencyPrediction | null, pick: (x: LatencyPrediction | MeasuredLatency) => number): number | null => {
    if (p !== null) return relativeError(pick(p), pick(measured));
    return measured.saturated === true || !(pick(measured) > 0) ? null : UNSTABLE_MISS;
  };
  return {
    analyticMean: err(analytic, (x) => x.meanMs),
    analyticP95: err(analytic, (x) => x.p95Ms),
    simMean: err(sim, (x) => x.meanMs),
    simP95: err(sim, (x) => x.p95Ms),
  };
}

/** How often the predictors' stable/overloaded verdict matched whether the server kept up. */
export interface StabilityAgreement {
  readonly rows: number;
  /** Rows of cases where the server did not keep up. */
  readonly measuredSaturated: number;
  readonly analyticUnstable: number;
  readonly analyticAgree: number;
  readonly simUnstable: number;
  readonly simAgree: number;
}

export function stabilityAgreement(rows: readonly ValidationRow[]): StabilityAgreement {
  const sat = (r: ValidationRow): boolean => r.measured.saturated === true;
  return {
    rows: rows.length,
    measuredSaturated: rows.filter(sat).length,
    analyticUnstable: rows.filter((r) => r.analytic === null).length,
    analyticAgree: rows.filter((r) => (r.analytic === null) === sat(r)).length,
    simUnstable: rows.filter((r) => r.sim === null).length,
    simAgree: rows.filter((r) => (r.sim === null) === sat(r)).length,
  };
}

export function summarizeErrors(rows: readonly ValidationRow[]): ErrorSummary {
  return {
    rows: rows.length,
    analytic_mean_median_abs_err: median(rows.map((r) => r.errors.analyticMean)),
    analytic_p95_median_abs_err: median(rows.map((r) => r.errors.analyticP95)),
    sim_mean_median_abs_err: median(rows.map((r) => r.errors.simMean)),
    sim_p95_median_abs_err: median(rows.map((r) => r.errors.simP95)),
  };
}

/**
 * How far the analytic predictor is from the simulator (median |analytic − sim| / sim over rows with both): the
 * simulator runs the server's own batchers, so this separates queueing-math error from server effects neither models.
 */
export function analyticVsSim(rows: readonly ValidationRow[]): { readonly mean: number | null; readonly p95: number | null } {
  return {
    mean: median(rows.map((r) => (r.analytic === null || r.sim === null ? null : relativeError(r.analytic.meanMs, r.sim.meanMs)))),
    p95: median(rows.map((r) => (r.analytic === null || r.sim === null ? null : relativeError(r.analytic.p95Ms, r.sim.p95Ms)))),
  };
}

/** Whether each target is met; null where there was nothing to judge. */
export function targetsMet(s: ErrorSummary): { analyticMean: boolean | null; analyticP95: boolean | null; simMean: boolean | null } {
  const le = (v: number | null, t: number): boolean | null => (v === null ? null : v <= t);
  return {
    analyticMean: le(s.analytic_mean_median_abs_err, TARGETS.analyticMean),
    analyticP95: le(s.analytic_p95_median_abs_err, TARGETS.analyticP95),
    simMean: le(s.sim_mean_median_abs_err, TARGETS.simMean),
  };
}

const ms = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(2));
const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);

/** Markdown table, one row per (case, model). */
export function validationTable(rows: readonly ValidationRow[]): string {
  const header = [
    '| mode | models | u | model | req/s | meas mean | meas p95 | analytic mean | analytic p95 | sim mean | sim p95 | err a-mean | err a-p95 | err sim-mean | err sim-p95 |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const lines = rows.map((r) =>
    [
      r.mode,
      r.models.join(' + '),
      r.utilisation.toFixed(1),
      r.model,
      r.ratePerS.toFixed(1),
      ms(r.measured.meanMs),
      ms(r.measured.p95Ms),
      ms(r.analytic?.meanMs),
      ms(r.analytic?.p95Ms),
      ms(r.sim?.meanMs),
      ms(r.sim?.p95Ms),
      pct(r.errors.analyticMean),
      pct(r.errors.analyticP95),
      pct(r.errors.simMean),
      pct(r.errors.simP95),
    ].join(' | '),
  );
  return [...header, ...lines.map((l) => `| ${l} |`)].join('\n');
}

/** Markdown table of the median errors, overall and per mode, against the targets. */
export function summaryTable(overall: ErrorSummary, byGroup: Readonly<Record<string, ErrorSummary>>): string {
  const line = (label: string, s: ErrorSummary): string =>
    `| ${label} | ${s.rows} | ${pct(s.analytic_mean_median_abs_err)} | ${pct(s.analytic_p95_median_abs_err)} | ${pct(s.sim_mean_median_abs_err)} | ${pct(s.sim_p95_median_abs_err)} |`;
  return [
    '| median abs. error | rows | analytic mean | analytic p95 | sim mean | sim p95 |',
    '|---|---:|---:|---:|---:|---:|',
    `| target | | ≤ ${pct(TARGETS.analyticMean)} | ≤ ${pct(TARGETS.analyticP95)} | ≤ ${pct(TARGETS.simMean)} | |`,
    line('all', overall),
    ...Object.entries(byGroup).map(([label, s]) => line(label, s)),
  ].join('\n');
}

/** One model of a case measured twice (the first in the matrix, the second in the repeats at the end of its mode). */
export interface RepeatPair {
  readonly first: MeasuredLatency;
  readonly second: MeasuredLatency;
}

export interface Repeatability {
  /** Pairs compared (a model in a case where the server kept up both times). */
  readonly rows: number;
  /** Median of |second ÷ first − 1| for the mean latency and the p95 (null without pairs). */
  readonly mean_median_abs_diff: number | null;
  readonly p95_median_abs_diff: number | null;
}

/**
 * How far one measurement of a case lies from another: a floor under what any model can be expected to reach against a
 * single measurement (were both equally noisy and independent, one's own error would be about this ÷ √2). A pair where
 * either measurement skipped arrivals (overloaded) is left out, as the error medians leave such rows out.
 */
export function repeatability(pairs: readonly RepeatPair[]): Repeatability {
  const kept = pairs.filter((p) => p.first.skipped === 0 && p.second.skipped === 0 && p.first.saturated !== true && p.second.saturated !== true);
  return {
    rows: kept.length,
    mean_median_abs_diff: median(kept.map((p) => relativeError(p.second.meanMs, p.first.meanMs))),
    p95_median_abs_diff: median(kept.map((p) => relativeError(p.second.p95Ms, p.first.p95Ms))),
  };
}
