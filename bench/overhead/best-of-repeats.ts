// Folds repetitions of the same case into one: the repetition with the highest throughput stands for the case
// (applied alike to raw, naive and Tessera), and every repetition stays listed for judging the noise.

import type { CaseResult } from './measurements.js';

export interface RepeatSummary {
  readonly throughputPerS: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly loadAverage1m?: number;
}

export type FoldedCase = CaseResult & { readonly repeats: readonly RepeatSummary[] };

const caseKey = (c: CaseResult): string => [c.server, c.model, c.protocol, c.concurrency, c.layout ?? ''].join('|');

export function bestOfRepeats(cases: readonly CaseResult[]): FoldedCase[] {
  const groups = new Map<string, CaseResult[]>();
  for (const c of cases) groups.set(caseKey(c), [...(groups.get(caseKey(c)) ?? []), c]);
  return [...groups.values()].map((group) => {
    const best = group.reduce((a, b) => (b.throughputPerS > a.throughputPerS ? b : a));
    const repeats = group.map((c) => ({
      throughputPerS: Math.round(c.throughputPerS * 10) / 10,
      p50Us: Math.round(c.latency.p50Us),
      p99Us: Math.round(c.latency.p99Us),
      ...(c.loadAverage1m === undefined ? {} : { loadAverage1m: c.loadAverage1m }),
    }));
    return { ...best, repeats };
  });
}
