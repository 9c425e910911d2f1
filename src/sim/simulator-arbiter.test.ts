// simulate() with 'wfq' executors (the fair policy's device arbiter): shares by weight over profiled cost, segments
// cutting head-of-line blocking, agreement with the analytic arbiter model, and the cluster fields that set it up.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arbiterPredictor } from '../perfmodel/predictors/arbiter-predictor.js';
import { type SimCluster, parseCluster } from './cluster.js';
import { simulate } from './simulator.js';
import type { SimModelResult, SimResult } from './sim-result.js';
import { syntheticProfile } from './synthetic-profile.js';

function model(r: SimResult, name: string): SimModelResult {
  const m = r.models.find((x) => x.model === name);
  assert.ok(m !== undefined, `no result for ${name}`);
  return m;
}

const profiles = [
  syntheticProfile({ model: 'small', fixedMs: 2, scv: 0.1 }),
  syntheticProfile({ model: 'large', fixedMs: 20, scv: 0.1 }),
];

function twoModels(sharing: 'fifo' | 'wfq', extra: { weights?: [number, number]; segments?: number } = {}): SimCluster {
  return {
    executors: [{ id: 'e0', kind: 'cpu', cores: 1, sharing }],
    placements: [
      { model: 'small', executors: ['e0'], maxQueueLength: 100_000, ...(extra.weights === undefined ? {} : { weight: extra.weights[0] }) },
      {
        model: 'large',
        executors: ['e0'],
        maxQueueLength: 100_000,
        ...(extra.weights === undefined ? {} : { weight: extra.weights[1] }),
        ...(extra.segments === undefined ? {} : { segments: extra.segments }),
      },
    ],
  };
}

/** Overload runs measure from 0: with a warm-up, backlogged requests that arrived before it would not count. */
function run(cluster: SimCluster, rates: [number, number], durationMs = 60_000, warmupMs = 2_000): SimResult {
  return simulate(
    cluster,
    {
      streams: [
        { model: 'small', arrival: { kind: 'poisson', ratePerS: rates[0] } },
        { model: 'large', arrival: { kind: 'poisson', ratePerS: rates[1] } },
      ],
    },
    profiles,
    { durationMs, warmupMs, seed: 3, service: { distribution: 'gamma' }, drainMs: 0 },
  );
}

/** Fraction of executor time each model got: completions × its mean service time. */
function timeShares(r: SimResult): [number, number] {
  const small = model(r, 'small').throughputPerS * 2;
  const large = model(r, 'large').throughputPerS * 20;
  return [small / (small + large), large / (small + large)];
}

test('under overload with equal weights, the arbiter splits executor time evenly; FIFO follows the arrivals', () => {
  // Both models offer far more than the executor can serve, in equal numbers of requests.
  const rates: [number, number] = [400, 400];
  const fair = timeShares(run(twoModels('wfq'), rates, 60_000, 0));
  assert.ok(Math.abs(fair[0] - 0.5) < 0.02, `wfq shares ${fair.join(', ')}`);
  const fifo = timeShares(run(twoModels('fifo'), rates, 60_000, 0));
  // FIFO serves requests in arrival order: equal counts, so time in proportion to cost (2 : 20).
  assert.ok(fifo[1] > 0.85, `fifo shares ${fifo.join(', ')}`);
});

test('weights 1:3 give time shares 1:3 under overload', () => {
  const shares = timeShares(run(twoModels('wfq', { weights: [1, 3] }), [400, 400], 60_000, 0));
  assert.ok(Math.abs(shares[1] - 0.75) < 0.02, `shares ${shares.join(', ')}`);
});

test('an idle share goes to the other model (work-conserving)', () => {
  const r = run(twoModels('wfq'), [50, 400]);
  // small needs 10% of the executor; large takes the rest.
  const small = model(r, 'small');
  assert.ok(Math.abs(small.throughputPerS - 50) < 3, `small served ${small.throughputPerS}/s`);
  assert.ok((r.executors[0]?.utilisation ?? 0) > 0.98, `utilisation ${r.executors[0]?.utilisation}`);
});

test('cutting the large model into segments shortens the small model’s wait behind it', () => {
  const rates: [number, number] = [100, 30];
  const whole = model(run(twoModels('wfq'), rates), 'small');
  const cut = model(run(twoModels('wfq', { segments: 10 }), rates), 'small');
  assert.ok(cut.latency.p99Ms < 0.6 * whole.latency.p99Ms, `p99 ${cut.latency.p99Ms} (10 segments) vs ${whole.latency.p99Ms} (whole)`);
  assert.equal(cut.completed > 0 && whole.completed > 0, true);
});

test('segments leave the large model’s work and the executor load unchanged', () => {
  const rates: [number, number] = [100, 30];
  const whole = run(twoModels('wfq'), rates);
  const cut = run(twoModels('wfq', { segments: 10 }), rates);
  assert.ok(Math.abs((cut.executors[0]?.utilisation ?? 0) - (whole.executors[0]?.utilisation ?? 1)) < 0.02);
  assert.ok(Math.abs(model(cut, 'large').throughputPerS - model(whole, 'large').throughputPerS) < 1.5);
  // Ten units per large request, one per small one.
  const seconds = cut.measuredMs / 1000;
  const units = (cut.executors[0]?.batches ?? 0) / seconds;
  assert.ok(Math.abs(units - (100 + 30 * 10)) < 25, `units/s ${units}`);
});

test('the analytic arbiter model agrees with the simulated arbiter on mean latency (whole and segmented)', () => {
  for (const segments of [1, 4]) {
    for (const rates of [
      [60, 12],
      [150, 15],
    ] as [number, number][]) {
      const r = run(twoModels('wfq', { segments }), rates, 300_000);
      const p = arbiterPredictor.predict(
        [
          { name: 'small', arrivalRatePerS: rates[0], latency: { fixedMs: 2, perItemMs: 0, serialFraction: 1 }, serviceScv: 0.1 },
          { name: 'large', arrivalRatePerS: rates[1], latency: { fixedMs: 20, perItemMs: 0, serialFraction: 1 }, serviceScv: 0.1, segments },
        ],
        { cores: 1, quantumMs: 2 },
      );
      for (const [i, name] of ['small', 'large'].entries()) {
        const sim = model(r, name).latency.meanMs;
        const m = p.perModel[i];
        const predicted = m !== undefined && m.stable ? m.meanMs : Number.NaN;
        assert.ok(Math.abs(predicted - sim) <= 0.2 * sim, `${name}, ${segments} segment(s), rates ${rates.join('/')}: analytic ${predicted.toFixed(2)} vs sim ${sim.toFixed(2)} ms`);
      }
    }
  }
});

test('parseCluster reads sharing, segments and weight, and names a bad value', () => {
  const c = parseCluster({
    executors: [{ id: 'e0', kind: 'cpu', cores: 1, sharing: 'wfq' }],
    placements: [{ model: 'large', executors: ['e0'], segments: 4, weight: 2 }],
  });
  assert.equal(c.executors[0]?.sharing, 'wfq');
  assert.equal(c.placements[0]?.segments, 4);
  assert.equal(c.placements[0]?.weight, 2);
  assert.throws(() => parseCluster({ executors: [{ id: 'e0', kind: 'cpu', cores: 1, sharing: 'lottery' }], placements: [] }), /executors\[0\]\.sharing/);
  assert.throws(() => parseCluster({ executors: [{ id: 'e0', kind: 'cpu', cores: 1 }], placements: [{ model: 'a', executors: ['e0'], segments: 0 }] }), /placements\[0\]\.segments/);
  assert.throws(() => parseCluster({ executors: [{ id: 'e0', kind: 'cpu', cores: 1 }], placements: [{ model: 'a', executors: ['e0'], weight: 0 }] }), /placements\[0\]\.weight/);
});
