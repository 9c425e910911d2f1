// Weighted round-robin arbiter: shares equal weights when backlogged, isolation, conservation law, limits, Monte-Carlo means.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fcfsSwitch } from './fcfs-switch.js';
import { relativeError, simulateArbiter, summarize } from './monte-carlo.case.js';
import { type ArbiterClass, roundRobinArbiter, weightShares } from './round-robin-arbiter.js';
import type { StableClassLatency } from './types.js';

const close = (actual: number, expected: number, rel = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${actual} ≉ ${expected}`);

const stable = (c: unknown): StableClassLatency => {
  assert.ok(c !== undefined && (c as StableClassLatency).stable);
  return c as StableClassLatency;
};

test('weightShares are w_i / Σ w', () => {
  assert.deepEqual(weightShares([1, 3]), [0.25, 0.75]);
  assert.deepEqual(weightShares([]), []);
});

test('when every model is backlogged each gets its weight share of the executor', () => {
  const classes: ArbiterClass[] = [
    { arrivalRatePerS: 500, service: { meanMs: 4, scv: 0 }, weight: 1 },
    { arrivalRatePerS: 500, service: { meanMs: 2, scv: 0 }, weight: 2 },
    { arrivalRatePerS: 500, service: { meanMs: 1, scv: 0 }, weight: 1 },
  ];
  const a = roundRobinArbiter(classes, { quantumMs: 5 });
  assert.equal(a.stable, false);
  a.backloggedShares.forEach((s, i) => close(s, [0.25, 0.5, 0.25][i] as number));
  // Saturated models complete share / S requests per ms.
  a.classes.forEach((c, i) => close(c.throughputPerS, ((a.backloggedShares[i] as number) / (classes[i] as ArbiterClass).service.meanMs) * 1000));
});

test('an idle model leaves its share to the others (work-conserving)', () => {
  const a = roundRobinArbiter(
    [
      { arrivalRatePerS: 90, service: { meanMs: 10, scv: 0 }, weight: 1 },
      { arrivalRatePerS: 0, service: { meanMs: 10, scv: 0 }, weight: 1 },
    ],
    { quantumMs: 5, switchCostMs: 1 },
  );
  close(a.backloggedShares[0] as number, 1);
  assert.ok(a.classes[0]?.stable);
});

test('a lone model is plain M/G/1 (the same as FCFS)', () => {
  const service = { meanMs: 10, scv: 0.5 };
  const arb = stable(roundRobinArbiter([{ arrivalRatePerS: 70, service, weight: 3 }], { quantumMs: 2, switchCostMs: 5 }).classes[0]);
  const fcfs = stable(fcfsSwitch([{ arrivalRatePerS: 70, service }]).classes[0]);
  close(arb.meanMs, fcfs.meanMs);
  close(arb.p99Ms, fcfs.p99Ms);
});

test('an overloaded model stays contained: the light model remains stable (FCFS would not)', () => {
  const classes: ArbiterClass[] = [
    { arrivalRatePerS: 200, service: { meanMs: 10, scv: 0 }, weight: 1 },
    { arrivalRatePerS: 20, service: { meanMs: 5, scv: 0 }, weight: 1 },
  ];
  const a = roundRobinArbiter(classes, { quantumMs: 5, switchCostMs: 0.5 });
  assert.equal(a.classes[0]?.stable, false);
  assert.equal(a.classes[1]?.stable, true);
  assert.equal(fcfsSwitch(classes, { switchCostMs: 0.5 }).classes[1]?.stable, false);
});

test('without switch cost the waits obey Kleinrock’s conservation law (Σ ρ_i W_i equals FCFS)', () => {
  const classes: ArbiterClass[] = [
    { arrivalRatePerS: 40, service: { meanMs: 10, scv: 0 }, weight: 1 },
    { arrivalRatePerS: 80, service: { meanMs: 5, scv: 0.5 }, weight: 2 },
  ];
  const arb = roundRobinArbiter(classes, { quantumMs: 5 });
  const fcfs = fcfsSwitch(classes);
  const weightedWait = (cs: readonly unknown[]): number =>
    cs.reduce<number>((acc, c, i) => {
      const k = classes[i] as ArbiterClass;
      return acc + (k.arrivalRatePerS / 1000) * k.service.meanMs * (stable(c).meanMs - k.service.meanMs);
    }, 0);
  close(weightedWait(arb.classes), weightedWait(fcfs.classes), 1e-9);
});

test('more load on one model never lowers any model’s latency', () => {
  let previous = [0, 0];
  for (const rate of [10, 30, 50, 70]) {
    const a = roundRobinArbiter(
      [
        { arrivalRatePerS: rate, service: { meanMs: 10, scv: 0 }, weight: 1 },
        { arrivalRatePerS: 40, service: { meanMs: 4, scv: 0.5 }, weight: 1 },
      ],
      { quantumMs: 5, switchCostMs: 0.5 },
    );
    const means = a.classes.map((c) => stable(c).meanMs);
    means.forEach((m, i) => assert.ok(m >= (previous[i] as number) - 1e-9, `model ${i}: ${m} < ${previous[i]}`));
    previous = means;
  }
});

test('Monte-Carlo: deficit round robin means match within 15 % (two and three models)', () => {
  // 100k requests per case, seeded. Tails of this approximation are looser; see docs/perfmodel.md.
  const cases = [
    { classes: [{ arrivalRatePerS: 20, meanMs: 10, scv: 0 }, { arrivalRatePerS: 40, meanMs: 5, scv: 0 }], quantumMs: 5, switchCostMs: 1 },
    {
      classes: [
        { arrivalRatePerS: 30, meanMs: 2, scv: 0 },
        { arrivalRatePerS: 30, meanMs: 2, scv: 0 },
        { arrivalRatePerS: 30, meanMs: 20, scv: 0 },
      ],
      quantumMs: 10,
      switchCostMs: 0.5,
    },
  ];
  for (const k of cases) {
    const simulated = simulateArbiter(k.classes, k.quantumMs, k.switchCostMs, 100_000, 11).map((s) => summarize(s));
    const predicted = roundRobinArbiter(
      k.classes.map((c) => ({ arrivalRatePerS: c.arrivalRatePerS, service: { meanMs: c.meanMs, scv: c.scv }, weight: 1 })),
      k,
    );
    predicted.classes.forEach((p, i) => {
      const s = simulated[i];
      assert.ok(p.stable && s !== undefined);
      assert.ok(relativeError(p.meanMs, s.meanMs) < 0.15, `mean ${p.meanMs} vs ${s.meanMs}`);
    });
  }
});

test('cutting the slow model into segments shortens the fast model’s latency; a lone model is unaffected', () => {
  const classes = (segments: number): ArbiterClass[] => [
    { arrivalRatePerS: 60, service: { meanMs: 3, scv: 0.1 }, weight: 1 },
    { arrivalRatePerS: 12, service: { meanMs: 20, scv: 0.1 }, weight: 1, segments },
  ];
  const whole = roundRobinArbiter(classes(1), { quantumMs: 2 });
  const cut = roundRobinArbiter(classes(10), { quantumMs: 2 });
  const fastWhole = stable(whole.classes[0]).meanMs;
  const fastCut = stable(cut.classes[0]).meanMs;
  assert.ok(fastCut < 0.7 * fastWhole, `fast model ${fastCut} ms cut vs ${fastWhole} ms whole`);
  // The slow model now yields between its segments: it waits longer, never less.
  assert.ok(stable(cut.classes[1]).meanMs >= stable(whole.classes[1]).meanMs);
  const alone = (segments: number): number => stable(roundRobinArbiter([{ ...(classes(segments)[1] as ArbiterClass) }], { quantumMs: 2 }).classes[0]).meanMs;
  close(alone(10), alone(1));
});
