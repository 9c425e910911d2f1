// Admission margin: a high quantile of recent prediction errors, never negative, forgetting old errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../onnx/seeded-random.js';
import { AdmissionMargin } from './admission-margin.js';

test('no errors yet means no margin', () => {
  assert.equal(new AdmissionMargin().marginMs(0), 0);
});

test('the margin is the chosen quantile of the errors', () => {
  const m = new AdmissionMargin({ maxSamples: 80, quantile: 0.9, minSamples: 1, recurrence: 1 });
  for (let i = 1; i <= 80; i++) m.observe(0, i);
  assert.equal(m.marginMs(0), 72);
});

test('by default the margin is the largest error when refusals are free, the 0.98 quantile otherwise', () => {
  const m = new AdmissionMargin({ minSamples: 1, recurrence: 1 });
  for (let i = 1; i <= 200; i++) m.observe(0, i);
  assert.equal(m.marginMs(0, true), 200);
  assert.equal(m.marginMs(0), 196);
});

test('while refusals are free the overloaded quantile applies; otherwise the ordinary one', () => {
  const m = new AdmissionMargin({ minSamples: 1, recurrence: 1, overloadedQuantile: 1 });
  for (let i = 1; i <= 200; i++) m.observe(0, i);
  assert.equal(m.marginMs(0, true), 200);
  assert.equal(m.marginMs(0, false), 196);
  const q = new AdmissionMargin({ minSamples: 1, recurrence: 1, quantile: 0.9, overloadedQuantile: 0.95 });
  for (let i = 1; i <= 200; i++) q.observe(0, i);
  assert.equal(q.marginMs(0, true), 190);
  assert.equal(q.marginMs(0, false), 180);
});

test('requests finishing early never make the margin negative', () => {
  const m = new AdmissionMargin();
  for (let i = 0; i < 50; i++) m.observe(0, -5);
  assert.equal(m.marginMs(0), 0);
});

test('old errors leave by count: the margin follows what happens now', () => {
  const m = new AdmissionMargin({ maxSamples: 32, quantile: 0.9, minSamples: 1, recurrence: 1 });
  for (let i = 0; i < 32; i++) m.observe(0, 40);
  assert.equal(m.marginMs(0), 40);
  for (let i = 0; i < 32; i++) m.observe(0, 2);
  assert.equal(m.marginMs(0), 2);
});

test('errors expire with time, so a margin that stops all admissions cannot lock the flow out', () => {
  const m = new AdmissionMargin({ horizonMs: 1000, minSamples: 1, recurrence: 1 });
  for (let i = 0; i < 20; i++) m.observe(100, 500);
  assert.equal(m.marginMs(500), 500);
  assert.equal(m.marginMs(1100), 500);
  assert.equal(m.marginMs(1101), 0);
  assert.equal(m.samples, 0);
});

test('non-finite errors are ignored', () => {
  const m = new AdmissionMargin();
  m.observe(0, Number.NaN);
  m.observe(0, Infinity);
  assert.equal(m.samples, 0);
});

test('a handful of late requests alone gives no margin', () => {
  const m = new AdmissionMargin({ minSamples: 16, recurrence: 1 });
  for (let i = 0; i < 15; i++) m.observe(0, 100);
  assert.equal(m.marginMs(0), 0);
  m.observe(0, 100);
  assert.equal(m.marginMs(0), 100);
});

test('while refusals are free a few errors give a margin: the minimum count guards light loads only', () => {
  const m = new AdmissionMargin({ minSamples: 16, recurrence: 1 });
  assert.equal(m.marginMs(0, true), 0, 'no error remembered, no margin');
  m.observe(0, 30);
  m.observe(0, 80);
  assert.equal(m.marginMs(0, true), 80);
  assert.equal(m.marginMs(0, false), 0);
  assert.equal(m.marginMs(3000, true), 0, 'the errors expire with the horizon');
});

/** `m` after 40 errors of 2 ms, one every 50 ms over 2 s, and the `late` (time, error) pairs, in time order. */
function withSmallErrors(late: readonly (readonly [number, number])[], m = new AdmissionMargin({ minSamples: 1 })): AdmissionMargin {
  const all = [...late, ...Array.from({ length: 40 }, (_, i) => [i * 50, 2] as const)].sort((a, b) => a[0] - b[0]);
  for (const [at, e] of all) m.observe(at, e);
  return m;
}

test('one stall is one event: its errors alone do not set the margin unless refusals are free', () => {
  const m = withSmallErrors(Array.from({ length: 10 }, (_, i) => [1000 + i * 5, 80] as const));
  assert.equal(m.marginMs(1999), 2);
  assert.equal(m.marginMs(1999, true), 80);
});

test('a stall across a window boundary is still one event', () => {
  const m = withSmallErrors([[990, 80], [995, 80], [1005, 80], [1010, 80]]);
  assert.equal(m.marginMs(1999), 2);
});

test('lateness that recurs in three windows sets the margin', () => {
  const m = withSmallErrors([[300, 80], [1000, 60], [1700, 70]]);
  assert.equal(m.marginMs(1999), 60);
  assert.equal(m.marginMs(1999, true), 80);
});

test('the recurrence and the window are options', () => {
  const twoEvents = [[300, 80], [1000, 60]] as const;
  assert.equal(withSmallErrors(twoEvents).marginMs(1999), 2);
  assert.equal(withSmallErrors(twoEvents, new AdmissionMargin({ minSamples: 1, recurrence: 2 })).marginMs(1999), 60);
  const within400ms = [[300, 80], [420, 80], [640, 80]] as const;
  assert.equal(withSmallErrors(within400ms).marginMs(1999), 80);
  assert.equal(withSmallErrors(within400ms, new AdmissionMargin({ minSamples: 1, windowMs: 500 })).marginMs(1999), 2);
});

test('the margin is the quantile of the errors remembered, through evictions by count and by age (against a sort)', () => {
  const horizonMs = 500;
  const maxSamples = 40;
  for (const q of [0.5, 0.9, 0.98, 1]) {
    const m = new AdmissionMargin({ horizonMs, maxSamples, minSamples: 1, recurrence: 1, quantile: q, overloadedQuantile: q });
    const rng = new SeededRandom(7);
    const seen: { at: number; e: number }[] = [];
    let now = 0;
    for (let step = 0; step < 300; step++) {
      // Eight errors at a time (the margin is recomputed every eight), many of them equal, some negative.
      for (let k = 0; k < 8; k++) {
        now += rng.nextInt(30);
        const e = rng.nextInt(20) - 5;
        m.observe(now, e);
        seen.push({ at: now, e });
      }
      const kept = seen.slice(-maxSamples).filter((x) => x.at >= now - horizonMs);
      const sorted = kept.map((x) => x.e).sort((a, b) => a - b);
      const want = sorted.length === 0 ? 0 : Math.max(0, sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number);
      assert.equal(m.marginMs(now, true), want, `q ${q} step ${step}`);
    }
  }
});
