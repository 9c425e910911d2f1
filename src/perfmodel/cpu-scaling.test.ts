// Latency versus cores: agreement with the profiler's fit, monotonicity, and the cores a target needs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predictLatencyMs } from '../profiler/profile.js';
import { batchLatencyMs, coresForLatency, coresForUtilization, minCoresMeeting, roundUpCores } from './cpu-scaling.js';

const fit = { fixedMs: 4, perItemMs: 2, serialFraction: 0.2 };

test('batchLatencyMs equals the profiler fit at one core and more', () => {
  for (const cores of [1, 1.5, 2, 4, 16]) {
    for (const b of [1, 8]) assert.equal(batchLatencyMs(fit, b, cores), predictLatencyMs(fit, b, cores));
  }
});

test('below one core the one-core latency stretches by the quota', () => {
  assert.equal(batchLatencyMs(fit, 1, 0.5), 12);
});

test('more cores never raise latency', () => {
  let previous = Infinity;
  for (let cores = 0.1; cores <= 32; cores += 0.1) {
    const ms = batchLatencyMs(fit, 4, cores);
    assert.ok(ms <= previous + 1e-12);
    previous = ms;
  }
});

test('roundUpCores rounds up to a tenth of a core without floating-point creep', () => {
  assert.equal(roundUpCores(0.3), 0.3);
  assert.equal(roundUpCores(0.1 + 0.2), 0.3);
  assert.equal(roundUpCores(1.01), 1.1);
  assert.equal(roundUpCores(0), 0.1);
});

test('coresForLatency returns the fewest tenth-cores meeting the target', () => {
  // One core: 6 ms. Target 3 ms: 0.2 + 0.8/c ≤ 0.5 → c ≥ 2.666… → 2.7.
  assert.equal(coresForLatency(fit, 1, 3), 2.7);
  assert.ok(batchLatencyMs(fit, 1, 2.7) <= 3);
  assert.ok(batchLatencyMs(fit, 1, 2.6) > 3);
  // A loose target is met by a CPU quota below one core: 6 ms / 12 ms → 0.5.
  assert.equal(coresForLatency(fit, 1, 12), 0.5);
});

test('coresForLatency is null when the serial fraction makes the target unreachable', () => {
  assert.equal(coresForLatency(fit, 1, 1.2), null);
});

test('coresForUtilization keeps λ · latency at or under the target', () => {
  // 100/s at 50 % utilisation → latency ≤ 5 ms: 0.2 + 0.8/c ≤ 5/6 → c ≥ 1.263… → 1.3.
  const cores = coresForUtilization(fit, 100, 0.5);
  assert.equal(cores, 1.3);
  assert.ok((100 / 1000) * batchLatencyMs(fit, 1, cores ?? 0) <= 0.5);
});

test('minCoresMeeting finds the boundary of a monotone predicate on the 0.1 grid', () => {
  assert.equal(
    minCoresMeeting((c) => c >= 2.35, 8),
    2.4,
  );
  assert.equal(
    minCoresMeeting((c) => c > 100, 8),
    null,
  );
  assert.equal(
    minCoresMeeting(() => true, 8),
    0.1,
  );
});
