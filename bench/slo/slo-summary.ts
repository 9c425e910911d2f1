// The headline numbers of the SLO experiment, computed from its rows, and the printed table.

import type { SloRow } from './slo-rows.js';

/** Policies compared against Tessera's (the 'fair' policy is Tessera's own variant, not a baseline). */
export const BASELINE_POLICIES: readonly string[] = ['fifo', 'triton', 'infaas', 'roma'];
/** Attainment that counts as keeping the SLO. */
export const ATTAINMENT_TARGET = 0.99;
/** Loads at or above this fraction of capacity count as overload. */
export const OVERLOAD_FROM = 1.2;

/**
 * The largest swept load L such that Tessera's overall attainment is >= 0.99 at L and at every swept load below it
 * (0 when even the lowest misses, null without Tessera rows).
 */
export function maxLoadAtTarget(rows: readonly SloRow[], policy = 'tessera'): number | null {
  const own = rows.filter((r) => r.policy === policy).sort((a, b) => a.load - b.load);
  if (own.length === 0) return null;
  let best = 0;
  for (const r of own) {
    if ((r.overall.attainment ?? 0) < ATTAINMENT_TARGET) break;
    best = r.load;
  }
  return best;
}

export interface OverloadComparison {
  readonly load: number;
  readonly tesseraGoodputPerS: number;
  readonly bestBaseline: string;
  readonly bestBaselineGoodputPerS: number;
  /** Tessera's goodput / the best baseline's; null when the best baseline had none. */
  readonly ratio: number | null;
}

/** Tessera vs the best baseline by goodput at the highest swept load >= 1.2x that both were measured at. */
export function overloadComparison(rows: readonly SloRow[]): OverloadComparison | null {
  const loads = [...new Set(rows.filter((r) => r.load >= OVERLOAD_FROM).map((r) => r.load))].sort((a, b) => b - a);
  for (const load of loads) {
    const at = rows.filter((r) => r.load === load);
    const tessera = at.find((r) => r.policy === 'tessera');
    const baselines = at.filter((r) => BASELINE_POLICIES.includes(r.policy));
    if (tessera === undefined || baselines.length === 0) continue;
    const best = baselines.reduce((a, b) => (b.overall.goodputPerS > a.overall.goodputPerS ? b : a));
    const ratio = best.overall.goodputPerS > 0 ? Number((tessera.overall.goodputPerS / best.overall.goodputPerS).toFixed(3)) : null;
    return { load, tesseraGoodputPerS: tessera.overall.goodputPerS, bestBaseline: best.policy, bestBaselineGoodputPerS: best.overall.goodputPerS, ratio };
  }
  return null;
}

const pct = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(v < 10 ? 1 : 0));

/** One line per policy and load: overall and per-app attainment, goodput, rejects, overall latency percentiles. */
export function formatSloTable(rows: readonly SloRow[]): string {
  const appNames = [...new Set(rows.flatMap((r) => r.apps.map((a) => a.name)))];
  const header = ['policy', 'load', 'rate/s', 'attain', ...appNames, 'goodput/s', 'rejects', 'errors', 'p50', 'p95', 'p99 ms'];
  const lines = rows.map((r) => [
    r.policy,
    `${r.load}x`,
    r.targetRatePerS.toFixed(0),
    pct(r.overall.attainment),
    ...appNames.map((n) => pct(r.apps.find((a) => a.name === n)?.attainment ?? null)),
    r.overall.goodputPerS.toFixed(1),
    String(r.overall.rejected),
    String(r.overall.errors + r.overall.droppedByClient),
    ms(r.overall.p50Ms),
    ms(r.overall.p95Ms),
    ms(r.overall.p99Ms),
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...all.map((x) => (x[c] as string).length)));
  return all.map((x) => x.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ')).join('\n');
}
