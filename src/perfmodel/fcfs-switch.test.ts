// M/G/1 FCFS with switch cost: closed forms (M/M/1, M/D/1), limits, monotonicity, switch accounting, Monte-Carlo tails.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FcfsClass, fcfsSwitch } from './fcfs-switch.js';
import { relativeError, simulateFcfs, summarize } from './monte-carlo.case.js';
import type { StableClassLatency } from './types.js';

const close = (actual: number, expected: number, rel = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${actual} ≉ ${expected}`);

function stableClass(classes: readonly FcfsClass[], i = 0, switchCostMs = 0): StableClassLatency {
  const c = fcfsSwitch(classes, { switchCostMs }).classes[i];
  assert.ok(c?.stable);
  return c;
}

test('M/M/1: mean response is 1/(μ − λ) and the p-quantile −ln(1 − p)/(μ − λ)', () => {
  // μ = 1/10 per ms, λ = 0.05 per ms → μ − λ = 0.05 per ms.
  const c = stableClass([{ arrivalRatePerS: 50, service: { meanMs: 10, scv: 1 } }]);
  close(c.meanMs, 20);
  close(c.p95Ms, -Math.log(0.05) * 20);
  close(c.p99Ms, -Math.log(0.01) * 20);
});

test('M/D/1: mean response is S + ρS / 2(1 − ρ) (Pollaczek–Khinchine)', () => {
  const c = stableClass([{ arrivalRatePerS: 80, service: { meanMs: 10, scv: 0 } }]);
  close(c.meanMs, 10 + (0.8 * 10) / (2 * 0.2));
});

test('at vanishing load the response is the service time', () => {
  const c = stableClass([{ arrivalRatePerS: 1e-6, service: { meanMs: 7, scv: 0 } }]);
  close(c.meanMs, 7, 1e-6);
  close(c.p99Ms, 7, 1e-3);
});

test('latency grows without bound as ρ → 1 and never falls with more load', () => {
  let previous = 0;
  for (const rate of [10, 50, 90, 99, 99.9]) {
    const c = stableClass([{ arrivalRatePerS: rate, service: { meanMs: 10, scv: 0.5 } }]);
    assert.ok(c.meanMs > previous && c.p99Ms >= c.p95Ms);
    previous = c.meanMs;
  }
  assert.ok(previous > 1000);
});

test('ρ ≥ 1 is reported unstable with finite numbers', () => {
  const a = fcfsSwitch([
    { arrivalRatePerS: 60, service: { meanMs: 10, scv: 0 } },
    { arrivalRatePerS: 60, service: { meanMs: 10, scv: 0 } },
  ]);
  assert.equal(a.stable, false);
  assert.equal(a.utilization, 1);
  close(a.offeredLoad, 1.2);
  for (const c of a.classes) {
    assert.equal(c.stable, false);
    close(c.throughputPerS, 50);
  }
});

test('a lone model never pays the switch cost', () => {
  const without = stableClass([{ arrivalRatePerS: 50, service: { meanMs: 10, scv: 0 } }]);
  const withCost = stableClass([{ arrivalRatePerS: 50, service: { meanMs: 10, scv: 0 } }], 0, 5);
  assert.deepEqual(withCost, without);
});

test('a class-i request pays the switch with probability 1 − p_i (overall 1 − Σ p_i²)', () => {
  // Two equal streams: p = 1/2 each, so utilisation = Σ λ_i (S + δ/2).
  const classes = [
    { arrivalRatePerS: 20, service: { meanMs: 5, scv: 0 } },
    { arrivalRatePerS: 20, service: { meanMs: 5, scv: 0 } },
  ];
  const a = fcfsSwitch(classes, { switchCostMs: 4 });
  close(a.utilization, 0.04 * (5 + 2));
  // The same as one stream whose service is S + δ·Bernoulli(1/2).
  const mixed = fcfsSwitch([{ arrivalRatePerS: 40, service: { meanMs: 7, scv: 4 / 49 } }]);
  const [c0] = a.classes;
  const [m0] = mixed.classes;
  assert.ok(c0?.stable && m0?.stable);
  close(c0.meanMs, m0.meanMs, 1e-9);
});

test('Monte-Carlo: two models with gamma service and a switch cost match within 3 % (mean) and 12 % (p95, p99)', () => {
  // 100k requests, seeded. The analytic model treats switches as independent; the simulation does not.
  const sim = [
    { arrivalRatePerS: 40, meanMs: 8, scv: 0.5 },
    { arrivalRatePerS: 60, meanMs: 4, scv: 0.5 },
  ];
  const simulated = simulateFcfs(sim, 2, 100_000, 7).map((s) => summarize(s));
  const predicted = fcfsSwitch(
    sim.map((c) => ({ arrivalRatePerS: c.arrivalRatePerS, service: { meanMs: c.meanMs, scv: c.scv } })),
    { switchCostMs: 2 },
  );
  predicted.classes.forEach((p, i) => {
    const s = simulated[i];
    assert.ok(p.stable && s !== undefined);
    assert.ok(relativeError(p.meanMs, s.meanMs) < 0.03, `mean ${p.meanMs} vs ${s.meanMs}`);
    assert.ok(relativeError(p.p95Ms, s.p95Ms) < 0.12, `p95 ${p.p95Ms} vs ${s.p95Ms}`);
    assert.ok(relativeError(p.p99Ms, s.p99Ms) < 0.12, `p99 ${p.p99Ms} vs ${s.p99Ms}`);
  });
});
