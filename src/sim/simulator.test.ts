// simulate(): queueing-theory sanity checks (M/M/1, M/D/1), batching, FCFS sharing, rejections, timers, determinism.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimCluster } from './cluster.js';
import { type SimOptions, simulate } from './simulator.js';
import type { SimModelResult, SimResult } from './sim-result.js';
import { syntheticProfile } from './synthetic-profile.js';
import { parseTrace, traceToStreams } from './trace-replay.js';
import type { Workload } from './workload.js';

const oneExecutor = (placements: SimCluster['placements'], extra: Partial<SimCluster> = {}): SimCluster => ({
  executors: [{ id: 'e0', kind: 'cpu', cores: 1 }],
  placements,
  ...extra,
});

function model(r: SimResult, name: string): SimModelResult {
  const m = r.models.find((x) => x.model === name);
  assert.ok(m !== undefined, `no result for ${name}`);
  return m;
}

function near(actual: number, expected: number, relTol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relTol * expected, `${what}: ${actual} is not within ${relTol * 100}% of ${expected}`);
}

test('an M/M/1 queue has mean response time 1/(μ − λ)', () => {
  const serviceMs = 1;
  const ratePerMs = 0.7;
  const r = simulate(
    oneExecutor([{ model: 'a', executors: ['e0'] }]),
    { streams: [{ model: 'a', arrival: { kind: 'poisson', ratePerS: ratePerMs * 1000 } }] },
    [syntheticProfile({ model: 'a', fixedMs: serviceMs, scv: 1 })],
    { durationMs: 400_000, warmupMs: 1000, seed: 1, service: { distribution: 'gamma' } },
  );
  const a = model(r, 'a');
  near(a.latency.meanMs, 1 / (1 / serviceMs - ratePerMs), 0.05, 'mean response');
  near(r.executors[0]?.utilisation ?? 0, ratePerMs * serviceMs, 0.02, 'utilisation');
  // Response time of M/M/1 is exponential: the median is ln 2 times the mean.
  near(a.latency.p50Ms, Math.LN2 / (1 / serviceMs - ratePerMs), 0.05, 'median response');
});

test('an M/D/1 queue has the Pollaczek–Khinchine mean wait ρS / (2(1 − ρ))', () => {
  const serviceMs = 2;
  const ratePerMs = 0.35;
  const rho = ratePerMs * serviceMs;
  const r = simulate(
    oneExecutor([{ model: 'a', executors: ['e0'] }]),
    { streams: [{ model: 'a', arrival: { kind: 'poisson', ratePerS: ratePerMs * 1000 } }] },
    [syntheticProfile({ model: 'a', fixedMs: serviceMs, scv: 0.5 })],
    { durationMs: 400_000, warmupMs: 1000, seed: 2, service: { distribution: 'deterministic' } },
  );
  const a = model(r, 'a');
  near(a.meanQueueMs, (rho * serviceMs) / (2 * (1 - rho)), 0.05, 'mean wait');
  near(a.latency.meanMs - a.meanQueueMs, serviceMs, 1e-9, 'service part of the response');
});

test('dynamic batching forms batches larger than one under load and never exceeds maxBatchSize', () => {
  const r = simulate(
    oneExecutor([{ model: 'a', executors: ['e0'], batching: { maxBatchSize: 8, maxQueueDelayMs: 2 } }]),
    { streams: [{ model: 'a', arrival: { kind: 'poisson', ratePerS: 800 } }, { model: 'a', rows: 3, arrival: { kind: 'poisson', ratePerS: 300 } }] },
    [syntheticProfile({ model: 'a', fixedMs: 2, perItemMs: 0.25, scv: 0.1 })],
    { durationMs: 20_000, warmupMs: 500, seed: 3 },
  );
  const a = model(r, 'a');
  const sizes = Object.keys(a.batchRows).map(Number);
  assert.ok(Math.max(...sizes) <= 8, `batch sizes ${sizes.join(',')}`);
  assert.ok(sizes.includes(8));
  assert.ok(a.meanBatchRows > 1);
  assert.equal(a.rejected, 0);
  assert.equal(a.completed, a.arrived);
});

test('a partial batch waits maxQueueDelayMs, as a timer, before it runs', () => {
  const r = simulate(
    oneExecutor([{ model: 'a', executors: ['e0'], batching: { maxBatchSize: 8, maxQueueDelayMs: 5 } }]),
    { streams: [{ model: 'a', arrival: { kind: 'replay', timesMs: [0, 1] } }] },
    [syntheticProfile({ model: 'a', fixedMs: 1, perItemMs: 0.5 })],
    { durationMs: 100, warmupMs: 0, seed: 1 },
  );
  const a = model(r, 'a');
  assert.deepEqual(a.batchRows, { '2': 1 });
  // Both run together at t = 5 for 1 + 0.5·2 ms: latencies 7 and 6.
  assert.equal(a.latency.maxMs, 7);
  assert.equal(a.latency.meanMs, 6.5);
});

test('two models on one executor share it first come first served: utilisation is Σ λ_i·S_i', () => {
  const cluster = oneExecutor([
    { model: 'a', executors: ['e0'] },
    { model: 'b', executors: ['e0'] },
  ]);
  const workload: Workload = {
    streams: [
      { model: 'a', arrival: { kind: 'poisson', ratePerS: 300 } },
      { model: 'b', arrival: { kind: 'poisson', ratePerS: 200 } },
    ],
  };
  const profiles = [syntheticProfile({ model: 'a', fixedMs: 1, scv: 1 }), syntheticProfile({ model: 'b', fixedMs: 2, scv: 0.5 })];
  const options: SimOptions = { durationMs: 100_000, warmupMs: 1000, seed: 4 };
  const r = simulate(cluster, workload, profiles, options);
  near(r.executors[0]?.utilisation ?? 0, 0.3 * 1 + 0.2 * 2, 0.02, 'utilisation');
  assert.ok((r.executors[0]?.switches ?? 0) > 0);
  const switching = simulate({ ...cluster, switchCostMs: 0.1 }, workload, profiles, options);
  const ex = switching.executors[0];
  assert.ok(ex !== undefined);
  near(ex.utilisation, 0.7 + (0.1 * ex.switches) / switching.measuredMs, 0.02, 'utilisation with switch cost');
});

test('a bounded queue rejects requests beyond maxQueueLength', () => {
  const r = simulate(
    oneExecutor([{ model: 'a', executors: ['e0'], maxQueueLength: 2 }]),
    { streams: [{ model: 'a', arrival: { kind: 'replay', timesMs: Array.from({ length: 10 }, () => 0) } }] },
    [syntheticProfile({ model: 'a', fixedMs: 1 })],
    { durationMs: 100, warmupMs: 0, seed: 1 },
  );
  const a = model(r, 'a');
  // One runs at once, two wait in the batcher, seven are refused.
  assert.equal(a.completed, 3);
  assert.equal(a.rejected, 7);
  assert.equal(a.arrived, 10);
});

test('a run with the same seed gives identical results, and another seed different ones', () => {
  const cluster: SimCluster = {
    executors: [
      { id: 'e0', kind: 'cpu', cores: 2 },
      { id: 'e1', kind: 'cpu', cores: 2 },
    ],
    placements: [
      { model: 'a', executors: ['e0', 'e1'], batching: { maxBatchSize: 4, maxQueueDelayMs: 1 } },
      { model: 'b', executors: ['e1'] },
    ],
    switchCostMs: 0.2,
  };
  const workload: Workload = {
    streams: [
      { model: 'a', arrival: { kind: 'mmpp', ratesPerS: [200, 1500], meanDwellMs: [200, 50] }, sloMs: 10 },
      { model: 'b', arrival: { kind: 'diurnal', minRatePerS: 50, maxRatePerS: 300, periodMs: 2000 } },
    ],
    sloMs: { b: 8 },
  };
  const profiles = [syntheticProfile({ model: 'a', fixedMs: 1, perItemMs: 0.3, scv: 0.3 }), syntheticProfile({ model: 'b', fixedMs: 1.5, scv: 0.2 })];
  const run = (seed: number): SimResult => simulate(cluster, workload, profiles, { durationMs: 5000, warmupMs: 100, seed });
  const first = run(9);
  assert.deepEqual(run(9), first);
  assert.notDeepEqual(run(10), first);
  assert.ok(model(first, 'a').sloAttainment !== undefined && model(first, 'b').sloAttainment !== undefined);
});

test('a replayed trace gives the exact FCFS latencies, with the switch cost between models', () => {
  const trace = parseTrace('timestamp_ms,model\n1000,a\n1000,a\n1000,a\n1010,b\n');
  const r = simulate(
    oneExecutor(
      [
        { model: 'a', executors: ['e0'] },
        { model: 'b', executors: ['e0'] },
      ],
      { switchCostMs: 0.5 },
    ),
    { streams: traceToStreams(trace), sloMs: { a: 2.5 } },
    [syntheticProfile({ model: 'a', fixedMs: 1 }), syntheticProfile({ model: 'b', fixedMs: 1 })],
    { durationMs: 100, warmupMs: 0, seed: 1 },
  );
  const a = model(r, 'a');
  assert.equal(a.completed, 3);
  assert.equal(a.latency.meanMs, 2);
  assert.equal(a.latency.maxMs, 3);
  assert.equal(a.sloAttainment, 2 / 3);
  assert.equal(model(r, 'b').latency.meanMs, 1.5);
  assert.equal(r.executors[0]?.switches, 1);
});

test('maxRequests stops arrivals and ends the measured window there', () => {
  const r = simulate(
    oneExecutor([{ model: 'a', executors: ['e0'] }]),
    { streams: [{ model: 'a', arrival: { kind: 'deterministic', ratePerS: 100 } }] },
    [syntheticProfile({ model: 'a', fixedMs: 1 })],
    { durationMs: 10_000, warmupMs: 0, seed: 1, maxRequests: 50 },
  );
  assert.equal(r.requests, 50);
  assert.equal(r.arrivalsEndMs, 500);
  // The 50th arrival is at the window's end, so it is not measured.
  assert.equal(model(r, 'a').completed, 49);
});

test('inputs that do not fit together fail with the offending field named', () => {
  const profiles = [syntheticProfile({ model: 'a', fixedMs: 1 })];
  const options = { durationMs: 100, warmupMs: 0, seed: 1 };
  assert.throws(
    () => simulate(oneExecutor([{ model: 'a', executors: ['e0'] }]), { streams: [{ model: 'x', arrival: { kind: 'poisson', ratePerS: 1 } }] }, profiles, options),
    { code: 'INVALID_ARGUMENT', message: /workload\.streams\[0\]\.model: model 'x' has no placement/ },
  );
  assert.throws(() => simulate(oneExecutor([{ model: 'b', executors: ['e0'] }]), { streams: [] }, profiles, options), {
    code: 'INVALID_ARGUMENT',
    message: /cluster\.placements\[0\]: no profile of model 'b'/,
  });
  assert.throws(() => simulate(oneExecutor([{ model: 'a', executors: ['e0'] }]), { streams: [] }, profiles, { ...options, warmupMs: 200 }), {
    message: /options\.warmupMs/,
  });
});

test('a placement delay adds to every response without touching the queue', () => {
  const run = (delay?: { meanMs: number; scv: number }): SimResult =>
    simulate(
      oneExecutor([{ model: 'a', executors: ['e0'], ...(delay === undefined ? {} : { delay }) }]),
      { streams: [{ model: 'a', arrival: { kind: 'poisson', ratePerS: 300 } }] },
      [syntheticProfile({ model: 'a', fixedMs: 2, scv: 0.3 })],
      { durationMs: 60_000, warmupMs: 1000, seed: 5 },
    );
  const plain = model(run(), 'a');
  const constant = model(run({ meanMs: 5, scv: 0 }), 'a');
  near(constant.latency.meanMs, plain.latency.meanMs + 5, 1e-9, 'mean with a constant 5 ms delay');
  assert.equal(constant.meanQueueMs, plain.meanQueueMs);
  const variable = model(run({ meanMs: 5, scv: 1 }), 'a');
  near(variable.latency.meanMs, plain.latency.meanMs + 5, 0.02, 'mean with an exponential 5 ms delay');
  assert.ok(variable.latency.p99Ms > constant.latency.p99Ms);
});
