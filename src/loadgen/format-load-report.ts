// A LoadReport as a short text table: one row per app and one overall, then reject reasons and error statuses.

import type { LoadReport, LoadTotals } from './load-report.js';

/** Send lag below this is timer granularity, not a saturated client; not worth a line. */
const NOTABLE_SEND_LAG_MS = 5;
const HEADER = ['app', 'target', 'slo ms', 'sent', 'ok', 'rejected', 'errors', 'dropped', 'attain', 'goodput/s', 'tput/s', 'p50 ms', 'p95 ms', 'p99 ms'];

export function formatLoadReport(r: LoadReport): string {
  const rows = [HEADER, ...r.apps.map((a) => row(a.name, a.target, a.sloMs, a)), row('overall', '', null, r.overall)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((x) => (x[c] as string).length)));
  const lines = rows.map((x) => x.map((cell, c) => (c < 2 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ').trimEnd());
  const head = `${r.aborted ? 'CANCELLED ' : ''}${r.measuredS.toFixed(1)} s measured (${r.warmupS} s warm-up, ${r.elapsedS.toFixed(1)} s wall)`;
  const notes: string[] = [];
  for (const a of r.apps) {
    for (const [reason, n] of Object.entries(a.rejectsByReason)) notes.push(`  ${a.name}: rejected ${n}× ${reason}`);
    for (const [status, n] of Object.entries(a.errorsByStatus)) notes.push(`  ${a.name}: error ${n}× ${status}`);
    if (a.maxSendLagMs >= NOTABLE_SEND_LAG_MS) notes.push(`  ${a.name}: max send lag ${a.maxSendLagMs.toFixed(1)} ms (client behind schedule)`);
  }
  return `${head}\n${lines.join('\n')}\n${notes.length === 0 ? '' : `${notes.join('\n')}\n`}`;
}

function row(name: string, target: string, sloMs: number | null, t: LoadTotals): string[] {
  const errors = Object.values(t.errorsByStatus).reduce((a, b) => a + b, 0);
  const ms = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(v < 10 ? 2 : 1));
  return [
    name,
    target,
    sloMs === null ? '-' : String(sloMs),
    String(t.sent),
    String(t.ok),
    String(t.rejected),
    String(errors),
    String(t.droppedByClient),
    t.sloAttainment === null ? '-' : `${(t.sloAttainment * 100).toFixed(2)}%`,
    t.goodputPerS.toFixed(1),
    t.throughputPerS.toFixed(1),
    ms(t.latencyMs?.p50Ms),
    ms(t.latencyMs?.p95Ms),
    ms(t.latencyMs?.p99Ms),
  ];
}
