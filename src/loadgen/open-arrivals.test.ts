// Tests for open-loop arrivals: the simulator's processes pass through; the linear ramp follows its triangle wave.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../onnx/seeded-random.js';
import { linearRampRatePerS, openArrivals } from './open-arrivals.js';

function drain(next: () => number): number[] {
  const out: number[] = [];
  for (let t = next(); t !== Infinity; t = next()) out.push(t);
  return out;
}

test('the linear ramp rises from min to max in half a period and falls back', () => {
  const p = { minRatePerS: 10, maxRatePerS: 110, periodMs: 1000 };
  assert.equal(linearRampRatePerS(p, 0), 10);
  assert.equal(linearRampRatePerS(p, 250), 60);
  assert.equal(linearRampRatePerS(p, 500), 110);
  assert.equal(linearRampRatePerS(p, 750), 60);
  assert.equal(linearRampRatePerS(p, 1000), 10);
});

test('linear ramp arrivals are ascending, inside the window, and denser at the peak than at the trough', () => {
  const gen = openArrivals({ kind: 'diurnal', minRatePerS: 20, maxRatePerS: 2000, periodMs: 10_000, shape: 'linear' }, new SeededRandom(7), 0, 10_000);
  const times = drain(() => gen.next());
  for (let i = 1; i < times.length; i++) assert.ok((times[i] as number) >= (times[i - 1] as number));
  assert.ok(times.every((t) => t >= 0 && t < 10_000));
  const inWindow = (a: number, b: number): number => times.filter((t) => t >= a && t < b).length;
  // Mean rates: ~10100/s·s over the run; the middle second averages ~1900/s, the first ~119/s.
  assert.ok(inWindow(4500, 5500) > 5 * inWindow(0, 1000), `peak ${inWindow(4500, 5500)} trough ${inWindow(0, 1000)}`);
  assert.ok(Math.abs(times.length - 10_100) < 500, `count ${times.length}`);
});

test('poisson, mmpp and replay arrivals come from the simulator generators and stop at the end of the run', () => {
  const timesOf = (a: Parameters<typeof openArrivals>[0], seed: number, endMs: number): number[] => {
    const gen = openArrivals(a, new SeededRandom(seed), 0, endMs);
    return drain(() => gen.next());
  };
  const p = timesOf({ kind: 'poisson', ratePerS: 1000 }, 1, 1000);
  assert.ok(Math.abs(p.length - 1000) < 150, `poisson count ${p.length}`);
  const m = timesOf({ kind: 'mmpp', ratesPerS: [100, 1000], meanDwellMs: [200, 200] }, 2, 2000);
  assert.ok(m.length > 200 && m.length < 2000, `mmpp count ${m.length}`);
  assert.deepEqual(timesOf({ kind: 'replay', timesMs: [0, 5, 5, 999, 1000, 2000] }, 3, 1000), [0, 5, 5, 999]);
});
