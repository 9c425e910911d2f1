// Formats a SimResult as plain-text tables: one row per model, one per executor.

import type { SimResult } from './sim-result.js';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // First column left-aligned (names), numbers right-aligned.
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const fixed = (x: number, digits: number): string => (Number.isNaN(x) ? '-' : x.toFixed(digits));
const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);

/** Per model: queue full ('rejected'); on 'edf' executors also refused by admission and expired in the queue ('-' elsewhere). */
export function formatSimReport(r: SimResult): string {
  const models = table(
    ['model', 'rate/s', 'done/s', 'mean ms', 'p50 ms', 'p95 ms', 'p99 ms', 'slo met', 'rejected', 'refused', 'expired', 'dropped', 'batch'],
    r.models.map((m) => [
      m.model,
      fixed(m.offeredPerS, 1),
      fixed(m.throughputPerS, 1),
      fixed(m.latency.meanMs, 2),
      fixed(m.latency.p50Ms, 2),
      fixed(m.latency.p95Ms, 2),
      fixed(m.latency.p99Ms, 2),
      pct(m.sloAttainment),
      String(m.rejected),
      m.refused === undefined ? '-' : String(m.refused),
      m.expired === undefined ? '-' : String(m.expired),
      String(m.dropped),
      fixed(m.meanBatchRows, 2),
    ]),
  );
  const executors = table(
    ['executor', 'kind', 'util', 'batches', 'switches'],
    r.executors.map((e) => [e.id, e.kind, pct(e.utilisation), String(e.batches), String(e.switches)]),
  );
  const summary =
    `measured ${(r.measuredMs / 1000).toFixed(1)} s of simulated time after ${(r.warmupMs / 1000).toFixed(1)} s warm-up; ` +
    `${r.requests} requests, ${r.events} events, seed ${r.seed}`;
  return `${models}\n\n${executors}\n\n${summary}\n`;
}
