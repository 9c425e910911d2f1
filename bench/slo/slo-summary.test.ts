// Tests of the SLO experiment's headline numbers and table, on hand-made rows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SloRow, SloStats } from './slo-rows.js';
import { formatSloTable, maxLoadAtTarget, overloadComparison } from './slo-summary.js';

function stats(attainment: number, goodputPerS: number): SloStats {
  return { offered: 100, ok: 100, okWithinSlo: Math.round(attainment * 100), rejected: 0, droppedByClient: 0, errors: 0, attainment, goodputPerS, throughputPerS: goodputPerS, p50Ms: 5, p95Ms: 20, p99Ms: 40 };
}

function row(policy: string, load: number, attainment: number, goodputPerS: number): SloRow {
  const s = stats(attainment, goodputPerS);
  return { policy, load, targetRatePerS: load * 100, measuredS: 10, overall: s, apps: [{ name: 'a', sloMs: 50, ...s, variants: {}, rejectsByReason: {}, errorsByStatus: {} }] };
}

test('the max load at 99% is the last swept load before tessera first falls below the target', () => {
  const rows = [row('tessera', 0.3, 1, 30), row('tessera', 0.6, 0.995, 60), row('tessera', 0.9, 0.98, 85), row('tessera', 1.2, 0.999, 90), row('fifo', 1.2, 1, 1)];
  assert.equal(maxLoadAtTarget(rows), 0.6);
  assert.equal(maxLoadAtTarget([row('tessera', 0.3, 0.9, 27)]), 0);
  assert.equal(maxLoadAtTarget([row('fifo', 0.3, 1, 30)]), null);
});

test('the overload comparison takes the highest load >= 1.2x and the best baseline by goodput, ignoring fair', () => {
  const rows = [
    row('tessera', 1.2, 0.9, 100),
    row('tessera', 1.5, 0.7, 105),
    row('fair', 1.5, 0.8, 200),
    row('fifo', 1.5, 0.1, 20),
    row('infaas', 1.5, 0.3, 50),
    row('infaas', 1.2, 0.3, 60),
  ];
  const c = overloadComparison(rows);
  assert.deepEqual(c, { load: 1.5, tesseraGoodputPerS: 105, bestBaseline: 'infaas', bestBaselineGoodputPerS: 50, ratio: 2.1 });
});

test('the overload comparison has no ratio when every baseline had zero goodput, and is null without overload rows', () => {
  assert.equal(overloadComparison([row('tessera', 1.5, 0.7, 105), row('fifo', 1.5, 0, 0)])?.ratio, null);
  assert.equal(overloadComparison([row('tessera', 0.9, 1, 90), row('fifo', 0.9, 0.5, 45)]), null);
});

test('the table has a header and one line per row with the per-app attainment', () => {
  const lines = formatSloTable([row('tessera', 0.3, 1, 30), row('roma', 0.3, 0.5, 15)]).split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0] ?? '', /^policy\s+load\s+rate\/s\s+attain\s+a\s+goodput/);
  assert.match(lines[2] ?? '', /^roma\s+0\.3x\s+30\s+50\.0%\s+50\.0%\s+15\.0/);
});
