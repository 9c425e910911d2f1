// Wait estimate: water filling of queued work over executors that free up at different times.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedRemainingMs, startAfterMs } from './wait-estimate.js';

test('idle executors share queued work evenly', () => {
  assert.equal(startAfterMs([0, 0], 40), 20);
  assert.equal(startAfterMs([0, 0, 0, 0], 0), 0);
});

test('a long batch on one executor does not delay work the idle one can take', () => {
  assert.equal(startAfterMs([60, 0], 0), 0);
  assert.equal(startAfterMs([60, 0], 30), 30);
});

test('queued work spills onto the busy executor once the idle one has caught up with it', () => {
  // The idle one runs 60 ms alone, then both drain the remaining 20: 60 + 10.
  assert.equal(startAfterMs([60, 0], 80), 70);
});

test('every executor busy: the earliest one to free up, then the queue', () => {
  assert.equal(startAfterMs([10, 50], 0), 10);
  assert.equal(startAfterMs([10, 50], 5), 15);
});

test('no executor means no start', () => {
  assert.equal(startAfterMs([], 0), Infinity);
});

test('negative inputs count as zero', () => {
  assert.equal(startAfterMs([-5, 0], -3), 0);
});

test('the result never undercuts the fluid bound and always absorbs the queue', () => {
  let seed = 7;
  const rnd = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < 500; i++) {
    const busy = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => (rnd() < 0.3 ? 0 : rnd() * 100));
    const queued = rnd() < 0.3 ? 0 : rnd() * 300;
    const t = startAfterMs(busy, queued);
    const absorbed = busy.reduce((s, b) => s + Math.max(0, t - b), 0);
    assert.ok(absorbed >= queued - 1e-9, `absorbs the queue (${absorbed} < ${queued})`);
    assert.ok(t >= Math.min(...busy) - 1e-9, 'nothing starts before an executor is free');
    assert.ok(t <= (queued + busy.reduce((s, b) => s + b, 0)) / busy.length + Math.max(...busy) + 1e-9);
    // Minimal: a little earlier would leave queued work unabsorbed (unless t is the earliest free time).
    if (t > Math.min(...busy) + 1e-6 && queued > 0) {
      const before = busy.reduce((s, b) => s + Math.max(0, t - 1e-3 - b), 0);
      assert.ok(before < queued);
    }
  }
});

test('work within its prediction has the rest left; past it, as long again as it has overrun, at most one prediction', () => {
  assert.equal(expectedRemainingMs(10, 0), 10);
  assert.equal(expectedRemainingMs(10, 4), 6);
  assert.equal(expectedRemainingMs(10, 10), 0);
  assert.equal(expectedRemainingMs(10, 13), 3);
  assert.equal(expectedRemainingMs(10, 25), 10);
  assert.equal(expectedRemainingMs(0, 5), 0);
});
