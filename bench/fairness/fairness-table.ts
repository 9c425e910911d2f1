// The printed table of the fairness run: one line per policy and experiment, then the headline numbers.

import type { FairnessSummary, PointRow } from './fairness-report.js';

const pct = (x: number | null | undefined): string => (x == null ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null | undefined, digits = 3): string => (x == null ? '-' : x.toFixed(digits));
const ms = (x: number | null | undefined): string => (x == null ? '-' : x.toFixed(1));

function sharesCell(r: PointRow, pick: 'share_by_compute' | 'share_by_exclusive'): string {
  return r.flows.map((f) => pct(f[pick])).join(' / ');
}

export function fairnessTable(s: FairnessSummary): string {
  const header = ['policy', 'experiment', 'models', 'thr/s', 'share (compute)', 'share (thr×excl)', 'target', 'Jain', 'max err', 'useful', 'switch p50/p95 ms', 'p99 ms'];
  const rows = s.rows.map((r) => [
    r.policy,
    r.experiment,
    r.flows.map((f) => f.model).join(' / '),
    r.flows.map((f) => f.throughput_per_s.toFixed(1)).join(' / '),
    sharesCell(r, 'share_by_compute'),
    sharesCell(r, 'share_by_exclusive'),
    r.flows.map((f) => pct(f.target_share)).join(' / '),
    num(r.jain_by_compute),
    pct(r.max_share_error_by_compute),
    pct(r.useful_work_fraction),
    `${ms(r.switch_interval_p50_ms)}/${ms(r.switch_interval_p95_ms)}`,
    r.flows.map((f) => ms(f.latency_p99_ms)).join(' / '),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  const headline = [
    `Jain (equal weights, fair): ${num(s.jain_equal)} by compute, ${num(s.jain_equal_by_exclusive)} by thr×exclusive cost`,
    `weights 1:2:4, fair: max share error ${pct(s.weighted_max_share_error)} by compute, ${pct(s.weighted_max_share_error_by_exclusive)} by thr×exclusive cost`,
    `overhead loss (fair vs exclusive back-to-back): ${pct(s.overhead_loss)}; segmentation alone: ${Object.entries(s.segmentation_alone_loss).map(([m, l]) => `${m} ${pct(l)}`).join(', ')}`,
    `switch interval (fair, equal): p50 ${ms(s.switch_interval_p50_ms)} ms, p95 ${ms(s.switch_interval_p95_ms)} ms`,
    `small model p99 beside vgg16: ${Object.entries(s.policies).map(([p, v]) => `${p} ${ms(v.small_model_p99_ms)} ms`).join(', ')}; gain vs uncontrolled ${num(s.small_model_p99_gain_vs_uncontrolled, 1)}x, vs FIFO ${num(s.small_model_p99_gain_vs_fifo, 1)}x`,
  ];
  return `${[line(header), ...rows.map(line)].join('\n')}\n\n${headline.join('\n')}\n`;
}
