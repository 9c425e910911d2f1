// createArrivals: each process yields ascending times inside its window at the long-run rate it describes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../onnx/seeded-random.js';
import { createArrivals } from './arrivals.js';
import type { ArrivalProcess } from './workload.js';

function times(p: ArrivalProcess, startMs: number, endMs: number, seed = 1): number[] {
  const gen = createArrivals(p, new SeededRandom(seed), startMs, endMs);
  const out: number[] = [];
  for (let t = gen.next(); t < Infinity; t = gen.next()) out.push(t);
  return out;
}

function assertAscendingWithin(ts: readonly number[], startMs: number, endMs: number): void {
  ts.forEach((t, i) => {
    assert.ok(t >= startMs && t < endMs, `time ${t} outside [${startMs}, ${endMs})`);
    if (i > 0) assert.ok(t >= (ts[i - 1] as number));
  });
}

test('Poisson arrivals come at the given rate with exponential gaps (scv 1)', () => {
  const ts = times({ kind: 'poisson', ratePerS: 1000 }, 0, 100_000);
  assertAscendingWithin(ts, 0, 100_000);
  assert.ok(Math.abs(ts.length - 100_000) < 1500, `${ts.length} arrivals`);
  const gaps = ts.slice(1).map((t, i) => t - (ts[i] as number));
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const variance = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length;
  assert.ok(Math.abs(variance / mean ** 2 - 1) < 0.03);
});

test('deterministic arrivals are evenly spaced from one gap after the start', () => {
  assert.deepEqual(times({ kind: 'deterministic', ratePerS: 100 }, 50, 100), [60, 70, 80, 90]);
});

test('a two-state MMPP averages its rates weighted by the dwell times', () => {
  const ts = times({ kind: 'mmpp', ratesPerS: [100, 2000], meanDwellMs: [300, 100] }, 0, 400_000);
  assertAscendingWithin(ts, 0, 400_000);
  const expectedPerS = (100 * 300 + 2000 * 100) / 400;
  const gotPerS = ts.length / 400;
  assert.ok(Math.abs(gotPerS / expectedPerS - 1) < 0.05, `${gotPerS}/s vs ${expectedPerS}/s`);
});

test('an MMPP with a silent state sends nothing while in it, yet still sends overall', () => {
  const ts = times({ kind: 'mmpp', ratesPerS: [0, 1000], meanDwellMs: [50, 50] }, 0, 10_000);
  assert.ok(ts.length > 2000 && ts.length < 8000);
});

test('a diurnal process averages the midpoint of its rates and peaks half a period after the phase', () => {
  const ts = times({ kind: 'diurnal', minRatePerS: 100, maxRatePerS: 900, periodMs: 10_000 }, 0, 200_000);
  assertAscendingWithin(ts, 0, 200_000);
  assert.ok(Math.abs(ts.length / 200 / 500 - 1) < 0.03);
  // Near t = 5 s (mod 10 s) the rate is high; near t = 0 it is low.
  const peak = ts.filter((t) => Math.abs((t % 10_000) - 5000) < 1000).length;
  const trough = ts.filter((t) => (t % 10_000) < 1000 || (t % 10_000) > 9000).length;
  assert.ok(peak > 3 * trough, `peak ${peak} vs trough ${trough}`);
});

test('replayed times are offset by the stream start and cut at the window end', () => {
  assert.deepEqual(times({ kind: 'replay', timesMs: [0, 0, 5, 20] }, 100, 110), [100, 100, 105]);
});
