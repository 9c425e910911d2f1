// M/G/1 processor sharing: insensitive mean S/(1 − ρ), the M/M/1-PS variance, interference, and a Monte-Carlo tail check.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relativeError, simulateProcessorSharing, summarize } from './monte-carlo.case.js';
import { processorSharing } from './processor-sharing.js';
import type { StableClassLatency } from './types.js';

const close = (actual: number, expected: number, rel = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${actual} ≉ ${expected}`);

const stable = (c: unknown): StableClassLatency => {
  assert.ok(c !== undefined && (c as StableClassLatency).stable);
  return c as StableClassLatency;
};

test('mean response of each class is S_i / (1 − ρ), whatever the service distribution', () => {
  for (const scv of [0, 1, 4]) {
    const a = processorSharing([
      { arrivalRatePerS: 30, service: { meanMs: 10, scv } },
      { arrivalRatePerS: 100, service: { meanMs: 2, scv: 0 } },
    ]);
    close(a.utilization, 0.5);
    close(stable(a.classes[0]).meanMs, 20);
    close(stable(a.classes[1]).meanMs, 4);
  }
});

test('M/M/1-PS response scv is (2 + ρ) / (2 − ρ) (Coffman–Muntz–Trotter)', () => {
  const c = stable(processorSharing([{ arrivalRatePerS: 60, service: { meanMs: 10, scv: 1 } }]).classes[0]);
  close(c.responseScv, 2.6 / 1.4, 1e-9);
});

test('at vanishing load the response is the service time', () => {
  const c = stable(processorSharing([{ arrivalRatePerS: 1e-6, service: { meanMs: 8, scv: 0.2 } }]).classes[0]);
  close(c.meanMs, 8, 1e-6);
  close(c.responseScv, 0.2, 1e-4);
});

test('a concurrency slowdown of 1 changes nothing; more slowdown raises latency and lowers the stable load', () => {
  const classes = [{ arrivalRatePerS: 50, service: { meanMs: 10, scv: 0 } }];
  assert.deepEqual(processorSharing(classes, { concurrencySlowdown: 1 }), processorSharing(classes));
  const ideal = stable(processorSharing(classes).classes[0]);
  const slowed = stable(processorSharing(classes, { concurrencySlowdown: 1.5 }).classes[0]);
  assert.ok(slowed.meanMs > ideal.meanMs && slowed.p99Ms > ideal.p99Ms);
  const overloaded = processorSharing(classes, { concurrencySlowdown: 2 });
  assert.equal(overloaded.stable, false);
  close(overloaded.offeredLoad, 1);
});

test('ρ ≥ 1 is reported unstable with finite throughput', () => {
  const a = processorSharing([{ arrivalRatePerS: 150, service: { meanMs: 10, scv: 1 } }]);
  assert.equal(a.stable, false);
  const [c] = a.classes;
  assert.ok(c !== undefined && !c.stable);
  close(c.throughputPerS, 100);
});

test('Monte-Carlo: two classes (exponential and deterministic) match within 3 % (mean) and 10 % (p95, p99)', () => {
  // 60k requests, seeded; the tail is approximate (M/M/1-PS conditional variance + gamma fit).
  const sim = [
    { arrivalRatePerS: 30, meanMs: 10, scv: 1 },
    { arrivalRatePerS: 80, meanMs: 3, scv: 0 },
  ];
  const simulated = simulateProcessorSharing(sim, 60_000, 3).map((s) => summarize(s));
  const predicted = processorSharing(sim.map((c) => ({ arrivalRatePerS: c.arrivalRatePerS, service: { meanMs: c.meanMs, scv: c.scv } })));
  predicted.classes.forEach((p, i) => {
    const s = simulated[i];
    assert.ok(p.stable && s !== undefined);
    assert.ok(relativeError(p.meanMs, s.meanMs) < 0.03, `mean ${p.meanMs} vs ${s.meanMs}`);
    assert.ok(relativeError(p.p95Ms, s.p95Ms) < 0.1, `p95 ${p.p95Ms} vs ${s.p95Ms}`);
    assert.ok(relativeError(p.p99Ms, s.p99Ms) < 0.1, `p99 ${p.p99Ms} vs ${s.p99Ms}`);
  });
});
