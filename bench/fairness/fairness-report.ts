// Turns the measured points into bench/results/fairness.json: shares, Jain's index, share errors, overhead, switch intervals, p99 gains.

import { jainIndex } from '../../src/scheduler/jain-index.js';
import { histogramQuantile } from './device-metrics.js';
import { type Experiment, type FairnessPolicy, LARGE_MODEL, SMALL_MODEL } from './fairness-config.js';
import type { PolicyRun, RawPoint } from './policy-run.js';
import { exclusiveTimeShares, maxRelativeError, sharesOf, usefulWorkFraction } from './share-stats.js';

export interface FlowRow {
  readonly model: string;
  readonly app: string;
  readonly weight: number;
  /** Share of the device the policy should give it (null in the head-of-line point, which has no target). */
  readonly target_share: number | null;
  readonly throughput_per_s: number;
  readonly latency_p50_ms: number | null;
  readonly latency_p99_ms: number | null;
  /** Requests that did not succeed (rejected, errors, timeouts). */
  readonly failed: number;
  /** session.run seconds in the window (tessera_device_compute_seconds_total delta). */
  readonly compute_s: number;
  /** Its share of all compute seconds. */
  readonly share_by_compute: number;
  /** Its share of throughput × exclusive per-request cost (1 / its throughput alone under FIFO). */
  readonly share_by_exclusive: number | null;
}

export interface PointRow {
  readonly policy: FairnessPolicy;
  readonly experiment: Experiment;
  readonly window_s: number;
  readonly flows: readonly FlowRow[];
  /** Jain's index of share/target over the flows (1: every flow got exactly its target). */
  readonly jain_by_compute: number | null;
  readonly jain_by_exclusive: number | null;
  /** max |share − target| / target. */
  readonly max_share_error_by_compute: number | null;
  readonly max_share_error_by_exclusive: number | null;
  /** Σ throughput / throughput alone: exclusive device-seconds of the work done per second (1 = no loss). */
  readonly useful_work_fraction: number | null;
  /** Compute seconds per wall second, summed over executors (above 1 when several workers share the cores). */
  readonly compute_s_per_s: number;
  /** Executors that ran anything in the window (uncontrolled: one per model). */
  readonly executors_used: number;
  readonly switches_per_s: number;
  readonly switch_interval_p50_ms: number | null;
  readonly switch_interval_p95_ms: number | null;
}

export interface PolicySummary {
  readonly jain_equal: number | null;
  readonly jain_equal_by_exclusive: number | null;
  readonly weighted_max_share_error: number | null;
  readonly weighted_max_share_error_by_exclusive: number | null;
  /** 1 − useful_work_fraction of the equal-weights point. */
  readonly loss_equal: number | null;
  readonly switch_interval_p50_ms: number | null;
  readonly switch_interval_p95_ms: number | null;
  readonly small_model_p99_ms: number | null;
  readonly large_model_throughput_per_s_hol: number | null;
}

export interface FairnessSummary {
  /** Fair policy, equal weights, shares of compute seconds. */
  readonly jain_equal: number | null;
  readonly jain_equal_by_exclusive: number | null;
  /** Fair policy, weights 1:2:4: worst relative miss of a share (fraction). */
  readonly weighted_max_share_error: number | null;
  readonly weighted_max_share_error_by_exclusive: number | null;
  /** Fair policy, equal weights: 1 − Σ_i thr_i(fair) / thr_i(alone, FIFO). */
  readonly overhead_loss: number | null;
  readonly switch_interval_p50_ms: number | null;
  readonly switch_interval_p95_ms: number | null;
  /** p99 of the small model beside vgg16: uncontrolled / fair, and FIFO / fair. */
  readonly small_model_p99_gain_vs_uncontrolled: number | null;
  readonly small_model_p99_gain_vs_fifo: number | null;
  /** Per model: 1 − thr(alone, fair, segmented) / thr(alone, FIFO, whole graph): what segmentation alone costs. */
  readonly segmentation_alone_loss: Readonly<Record<string, number>>;
  /** Per model: requests/s alone under FIFO (the exclusive baseline). */
  readonly alone_throughput_per_s: Readonly<Record<string, number>>;
  readonly policies: Readonly<Partial<Record<FairnessPolicy, PolicySummary>>>;
  readonly rows: readonly PointRow[];
}

const MS_PER_S = 1000;
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function targetsOf(p: RawPoint): (number | null)[] {
  const flows = p.measurement.flows;
  if (p.experiment === 'hol') return flows.map(() => null);
  return sharesOf(flows.map((f) => f.weight));
}

export function pointRow(policy: FairnessPolicy, p: RawPoint, aloneThroughput: Readonly<Record<string, number>>): PointRow {
  const m = p.measurement;
  const thr = m.flows.map((f) => f.report.throughputPerS);
  const alone = m.flows.map((f) => aloneThroughput[f.model] ?? Number.NaN);
  const haveAlone = alone.every((a) => a > 0);
  const computeS = m.flows.map((f) => m.device.computeSByModel[f.model] ?? 0);
  const byCompute = sharesOf(computeS);
  const byExclusive = haveAlone ? exclusiveTimeShares(thr, alone) : undefined;
  const targets = targetsOf(p);
  const scored = targets.every((t) => t !== null) && m.flows.length > 1;
  const t = targets as number[];
  const jainOf = (shares: readonly number[]): number => jainIndex(shares.map((s, i) => s / (t[i] as number)));
  const intervalQ = (q: number): number | null => finite(histogramQuantile(m.device.switchBuckets, q) * MS_PER_S);
  return {
    policy,
    experiment: p.experiment,
    window_s: m.windowS,
    flows: m.flows.map((f, i) => ({
      model: f.model,
      app: f.app,
      weight: f.weight,
      target_share: targets[i] ?? null,
      throughput_per_s: f.report.throughputPerS,
      latency_p50_ms: f.report.latencyMs?.p50Ms ?? null,
      latency_p99_ms: f.report.latencyMs?.p99Ms ?? null,
      failed: f.report.sent - f.report.ok,
      compute_s: computeS[i] as number,
      share_by_compute: byCompute[i] as number,
      share_by_exclusive: byExclusive?.[i] ?? null,
    })),
    jain_by_compute: scored ? jainOf(byCompute) : null,
    jain_by_exclusive: scored && byExclusive !== undefined ? jainOf(byExclusive) : null,
    max_share_error_by_compute: scored ? maxRelativeError(byCompute, t) : null,
    max_share_error_by_exclusive: scored && byExclusive !== undefined ? maxRelativeError(byExclusive, t) : null,
    useful_work_fraction: haveAlone ? finite(usefulWorkFraction(thr, alone)) : null,
    compute_s_per_s: computeS.reduce((a, b) => a + b, 0) / m.windowS,
    executors_used: Object.values(m.device.computeSByExecutor).filter((sec) => sec > 0).length,
    switches_per_s: m.device.switches / m.windowS,
    switch_interval_p50_ms: intervalQ(0.5),
    switch_interval_p95_ms: intervalQ(0.95),
  };
}

function policySummary(rows: readonly PointRow[]): PolicySummary {
  const equal = rows.find((r) => r.experiment === 'equal');
  const weighted = rows.find((r) => r.experiment === 'weighted');
  const hol = rows.find((r) => r.experiment === 'hol');
  const flow = (r: PointRow | undefined, model: string): FlowRow | undefined => r?.flows.find((f) => f.model === model);
  return {
    jain_equal: equal?.jain_by_compute ?? null,
    jain_equal_by_exclusive: equal?.jain_by_exclusive ?? null,
    weighted_max_share_error: weighted?.max_share_error_by_compute ?? null,
    weighted_max_share_error_by_exclusive: weighted?.max_share_error_by_exclusive ?? null,
    loss_equal: equal?.useful_work_fraction == null ? null : 1 - equal.useful_work_fraction,
    switch_interval_p50_ms: equal?.switch_interval_p50_ms ?? null,
    switch_interval_p95_ms: equal?.switch_interval_p95_ms ?? null,
    small_model_p99_ms: flow(hol, SMALL_MODEL)?.latency_p99_ms ?? null,
    large_model_throughput_per_s_hol: flow(hol, LARGE_MODEL)?.throughput_per_s ?? null,
  };
}

/** The exclusive baseline: each model alone under FIFO (whole graphs, nothing else running). */
function aloneThroughputOf(runs: readonly PolicyRun[], policy: FairnessPolicy): Record<string, number> {
  const run = runs.find((r) => r.policy === policy);
  const out: Record<string, number> = {};
  for (const p of run?.points ?? []) {
    const f = p.measurement.flows[0];
    if (p.experiment === 'alone' && f !== undefined) out[f.model] = f.report.throughputPerS;
  }
  return out;
}

export function fairnessSummary(runs: readonly PolicyRun[]): FairnessSummary {
  const alone = aloneThroughputOf(runs, 'fifo');
  const segmentedAlone = aloneThroughputOf(runs, 'fair');
  const rows = runs.flatMap((run) => run.points.map((p) => pointRow(run.policy, p, alone)));
  const policies: Partial<Record<FairnessPolicy, PolicySummary>> = {};
  for (const run of runs) policies[run.policy] = policySummary(rows.filter((r) => r.policy === run.policy));
  const fair = policies.fair;
  const gain = (other: PolicySummary | undefined): number | null =>
    other?.small_model_p99_ms == null || fair?.small_model_p99_ms == null || fair.small_model_p99_ms <= 0 ? null : other.small_model_p99_ms / fair.small_model_p99_ms;
  return {
    jain_equal: fair?.jain_equal ?? null,
    jain_equal_by_exclusive: fair?.jain_equal_by_exclusive ?? null,
    weighted_max_share_error: fair?.weighted_max_share_error ?? null,
    weighted_max_share_error_by_exclusive: fair?.weighted_max_share_error_by_exclusive ?? null,
    overhead_loss: fair?.loss_equal ?? null,
    switch_interval_p50_ms: fair?.switch_interval_p50_ms ?? null,
    switch_interval_p95_ms: fair?.switch_interval_p95_ms ?? null,
    small_model_p99_gain_vs_uncontrolled: gain(policies.uncontrolled),
    small_model_p99_gain_vs_fifo: gain(policies.fifo),
    segmentation_alone_loss: Object.fromEntries(
      Object.entries(segmentedAlone).flatMap(([m, thr]) => ((alone[m] ?? 0) > 0 ? [[m, 1 - thr / (alone[m] as number)]] : [])),
    ),
    alone_throughput_per_s: alone,
    policies,
    rows,
  };
}
