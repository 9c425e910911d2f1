// simulate() with 'edf' executors (the tessera policy's scheduling): admission control at arrival, EDF across
// models, deadline-aware batching, expiry drops, best-effort streams, and the cluster/workload fields that set it up.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SimCluster, type SimSharing, parseCluster } from './cluster.js';
import { formatSimReport } from './sim-report.js';
import type { SimModelResult, SimResult } from './sim-result.js';
import { simulate } from './simulator.js';
import { syntheticProfile } from './synthetic-profile.js';
import { type WorkloadStream, parseWorkload } from './workload.js';

const profiles = [
  syntheticProfile({ model: 'small', fixedMs: 2, scv: 0.1 }),
  syntheticProfile({ model: 'large', fixedMs: 20, scv: 0.1 }),
  syntheticProfile({ model: 'one', fixedMs: 5, scv: 0.3 }),
  syntheticProfile({ model: 'batchy', fixedMs: 8, perItemMs: 1, scv: 0.1 }),
  syntheticProfile({ model: 'erratic', fixedMs: 5, scv: 2 }),
];

function cluster(sharing: SimSharing, placements: SimCluster['placements']): SimCluster {
  return { executors: [{ id: 'e0', kind: 'cpu', cores: 1, sharing }], placements };
}

function run(c: SimCluster, streams: readonly WorkloadStream[], durationMs = 20_000): SimResult {
  return simulate(c, { streams }, profiles, { durationMs, warmupMs: 2_000, seed: 3, service: { distribution: 'gamma' } });
}

function model(r: SimResult, name: string): SimModelResult {
  const m = r.models.find((x) => x.model === name);
  assert.ok(m !== undefined, `no result for ${name}`);
  return m;
}

/** SLO attainment of the requests admission let in (the rest were refused at arrival). */
function admittedAttainment(m: SimModelResult): number {
  return ((m.sloAttainment ?? NaN) * m.arrived) / (m.arrived - (m.refused ?? 0));
}

/** Every measured request is accounted for exactly once. */
function assertConserved(m: SimModelResult): void {
  assert.equal(m.completed + m.rejected + (m.refused ?? 0) + (m.expired ?? 0) + m.dropped, m.arrived, JSON.stringify(m));
}

const one = (sharing: SimSharing): SimCluster => cluster(sharing, [{ model: 'one', executors: ['e0'], maxQueueLength: 100_000 }]);

test('at 2x capacity admission refuses the excess and the admitted requests meet their SLO; FIFO meets none', () => {
  // 'one' takes 5 ms: 200 requests/s fill the executor; 400/s arrive.
  const streams: WorkloadStream[] = [{ model: 'one', arrival: { kind: 'poisson', ratePerS: 400 }, sloMs: 50 }];
  const edf = model(run(one('edf'), streams), 'one');
  assertConserved(edf);
  assert.ok((edf.refused ?? 0) > 0.4 * edf.arrived, `refused ${edf.refused} of ${edf.arrived}`);
  assert.ok(admittedAttainment(edf) >= 0.97, `admitted attainment ${admittedAttainment(edf)}`);
  // Goodput: what it refused was what the executor could not serve in time anyway.
  const goodputPerS = ((edf.sloAttainment ?? 0) * edf.arrived) / 18;
  assert.ok(goodputPerS > 180, `goodput ${goodputPerS}/s`);
  const fifo = model(run(one('fifo'), streams), 'one');
  assert.equal(fifo.refused, undefined);
  assert.ok((fifo.sloAttainment ?? 1) < 0.05, `fifo attainment ${fifo.sloAttainment}`);
});

test('EDF across models: a tight-SLO model is served ahead of a loose one that FIFO made it wait behind', () => {
  const placements = [
    { model: 'small', executors: ['e0'], maxQueueLength: 100_000 },
    { model: 'large', executors: ['e0'], maxQueueLength: 100_000 },
  ];
  const streams: WorkloadStream[] = [
    { model: 'small', arrival: { kind: 'poisson', ratePerS: 50 }, sloMs: 30 },
    { model: 'large', arrival: { kind: 'poisson', ratePerS: 35 }, sloMs: 500 },
  ];
  const edf = run(cluster('edf', placements), streams, 40_000);
  const fifo = run(cluster('fifo', placements), streams, 40_000);
  for (const m of edf.models) assertConserved(m);
  const small = model(edf, 'small');
  assert.ok(admittedAttainment(small) >= 0.97, `small admitted attainment ${admittedAttainment(small)}`);
  assert.ok((small.sloAttainment ?? 0) > (model(fifo, 'small').sloAttainment ?? 1) + 0.15, `edf ${small.sloAttainment} vs fifo ${model(fifo, 'small').sloAttainment}`);
  assert.ok(small.latency.p99Ms < model(fifo, 'small').latency.p99Ms / 5, `p99 edf ${small.latency.p99Ms} vs fifo ${model(fifo, 'small').latency.p99Ms}`);
  // The loose model loses nothing: its deadline is far enough to wait behind the small requests.
  assert.equal(model(edf, 'large').sloAttainment, 1);
  assert.equal(model(edf, 'large').refused, 0);
});

test('admission keeps the promise made to a queued request: overtaking it is refused once its slack is spent', () => {
  // Deterministic runs: 'large' 20 ms, 'small' 2 ms. Large #1 runs 0–20 ms; large #2 (t = 1, due 61) is predicted
  // done at 40, 21 ms of slack. Twelve smalls (t = 2…13, due 40 ms after arrival) overtake it under EDF, 2 ms each:
  // the first ten spend 20 ms of its slack, the last two would push it past its deadline and are refused.
  const c = cluster('edf', [
    { model: 'small', executors: ['e0'] },
    { model: 'large', executors: ['e0'] },
  ]);
  const streams: WorkloadStream[] = [
    { model: 'large', arrival: { kind: 'replay', timesMs: [0, 1] }, sloMs: 60 },
    { model: 'small', arrival: { kind: 'replay', timesMs: Array.from({ length: 12 }, (_, i) => 2 + i) }, sloMs: 40 },
  ];
  const r = simulate(c, { streams }, profiles, { durationMs: 1_000, warmupMs: 0, seed: 1, service: { distribution: 'deterministic' } });
  const large = model(r, 'large');
  const small = model(r, 'small');
  assert.equal(large.completed, 2);
  assert.equal(large.expired, 0);
  assert.equal(large.sloAttainment, 1);
  assert.equal(small.refused, 2);
  assert.equal(small.completed, 10);
  assert.equal(small.sloAttainment, 10 / 12);
});

test('a best-effort stream is never refused or dropped: past its deadline a request queues on without one', () => {
  const streams: WorkloadStream[] = [{ model: 'one', arrival: { kind: 'poisson', ratePerS: 300 }, sloMs: 50, overload: 'best-effort' }];
  const m = model(run(one('edf'), streams), 'one');
  assertConserved(m);
  assert.equal(m.refused, 0);
  assert.equal(m.expired, 0);
  assert.ok(m.latency.maxMs > 1000, `max ${m.latency.maxMs} ms: the backlog grows at 1.5x capacity`);
  assert.ok((m.sloAttainment ?? 1) < 0.9);
});

test('a full queue on an edf executor rejects at arrival, as the server does', () => {
  // Best effort at 1.5x capacity: admission never refuses, so only the queue's bound limits the backlog.
  const streams: WorkloadStream[] = [{ model: 'one', arrival: { kind: 'poisson', ratePerS: 300 }, sloMs: 50, overload: 'best-effort' }];
  const bounded = model(run(cluster('edf', [{ model: 'one', executors: ['e0'], maxQueueLength: 10 }]), streams), 'one');
  assertConserved(bounded);
  assert.equal(bounded.refused, 0);
  // The executor serves ~200/s of the 300/s: about a third is turned away at the full queue.
  assert.ok(bounded.rejected > 0.25 * bounded.arrived, `rejected ${bounded.rejected} of ${bounded.arrived}`);
  const unbounded = model(run(one('edf'), streams), 'one');
  assert.equal(unbounded.rejected, 0);
});

test('requests without an SLO are never refused or expired on an edf executor', () => {
  const m = model(run(one('edf'), [{ model: 'one', arrival: { kind: 'poisson', ratePerS: 300 } }]), 'one');
  assertConserved(m);
  assert.equal(m.refused, 0);
  assert.equal(m.expired, 0);
  assert.equal(m.sloAttainment, undefined);
});

test('queued requests that can no longer make their deadline are dropped', () => {
  // A 5 ms mean with scv 2: some runs take many times their prediction, and the requests queued behind them run out of time.
  const c = cluster('edf', [{ model: 'erratic', executors: ['e0'], maxQueueLength: 100_000 }]);
  const m = model(run(c, [{ model: 'erratic', arrival: { kind: 'poisson', ratePerS: 160 }, sloMs: 40 }]), 'erratic');
  assertConserved(m);
  assert.ok((m.expired ?? 0) > 0, `expired ${m.expired}`);
});

test('deadline-aware batching runs batches under load, within the SLO; without batching every batch is one request', () => {
  const streams: WorkloadStream[] = [{ model: 'batchy', arrival: { kind: 'poisson', ratePerS: 300 }, sloMs: 100 }];
  const batched = model(run(cluster('edf', [{ model: 'batchy', executors: ['e0'], maxQueueLength: 100_000, batching: { maxBatchSize: 8, maxQueueDelayMs: 0 } }]), streams), 'batchy');
  assertConserved(batched);
  assert.ok(batched.meanBatchRows > 2, `mean rows ${batched.meanBatchRows}`);
  assert.ok((batched.sloAttainment ?? 0) >= 0.99, `attainment ${batched.sloAttainment}`);
  // 9 ms a request alone: 300/s is 2.7x what batches of one can serve.
  const single = model(run(cluster('edf', [{ model: 'batchy', executors: ['e0'], maxQueueLength: 100_000 }]), streams), 'batchy');
  assert.deepEqual(Object.keys(single.batchRows), ['1']);
  assert.ok((single.refused ?? 0) > 0.5 * single.arrived, `refused ${single.refused} of ${single.arrived}`);
});

test('a model on two edf executors spreads its load and admits on both', () => {
  const c: SimCluster = {
    executors: [
      { id: 'e0', kind: 'cpu', cores: 1, sharing: 'edf' },
      { id: 'e1', kind: 'cpu', cores: 1, sharing: 'edf' },
    ],
    placements: [{ model: 'one', executors: ['e0', 'e1'], maxQueueLength: 100_000 }],
  };
  const r = run(c, [{ model: 'one', arrival: { kind: 'poisson', ratePerS: 320 }, sloMs: 50 }]);
  const m = model(r, 'one');
  assertConserved(m);
  // 320/s is 0.8 of two executors and 1.6x one: most requests must be admitted, and both executors work.
  assert.ok((m.refused ?? 0) < 0.1 * m.arrived, `refused ${m.refused} of ${m.arrived}`);
  for (const ex of r.executors) assert.ok(ex.utilisation > 0.6, `${ex.id} utilisation ${ex.utilisation}`);
});

test('the report shows refused and expired for edf models and "-" elsewhere', () => {
  const c: SimCluster = {
    executors: [
      { id: 'e0', kind: 'cpu', cores: 1, sharing: 'edf' },
      { id: 'e1', kind: 'cpu', cores: 1 },
    ],
    placements: [
      { model: 'one', executors: ['e0'] },
      { model: 'small', executors: ['e1'] },
    ],
  };
  const r = run(c, [
    { model: 'one', arrival: { kind: 'poisson', ratePerS: 400 }, sloMs: 50 },
    { model: 'small', arrival: { kind: 'poisson', ratePerS: 10 } },
  ]);
  const text = formatSimReport(r);
  const header = text.split('\n')[0] ?? '';
  assert.match(header, /refused\s+expired/);
  // Cells are joined by two spaces at least; names inside a cell ('mean ms') have one.
  const cells = (line: string): string[] => line.trim().split(/\s{2,}/);
  const col = (name: string, h: string): string => cells(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')[cells(header).indexOf(h)] ?? '';
  assert.equal(col('one', 'refused'), String(model(r, 'one').refused));
  assert.notEqual(col('one', 'refused'), '0');
  assert.equal(col('small', 'refused'), '-');
  assert.equal(col('small', 'expired'), '-');
});

test('cluster and workload fields of the edf policy name what is wrong', () => {
  const executors = [
    { id: 'e0', kind: 'cpu', cores: 1, sharing: 'edf' },
    { id: 'e1', kind: 'cpu', cores: 1, sharing: 'fifo' },
  ];
  assert.throws(() => parseCluster({ executors, placements: [{ model: 'one', executors: ['e0', 'e1'] }] }), /cluster\.placements\[0\]\.executors\[1\]: .*'edf' executors and on 'e1'/);
  assert.throws(
    () => parseCluster({ executors, placements: [{ model: 'one', executors: ['e0'], batching: { maxBatchSize: 8, maxQueueDelayMs: 2 } }] }),
    /cluster\.placements\[0\]\.batching\.maxQueueDelayMs: .*no delay knob/,
  );
  assert.throws(
    () => parseCluster({ executors, placements: [{ model: 'one', executors: ['e0'], batching: { maxBatchSize: 8, preferredBatchSizes: [4] } }] }),
    /cluster\.placements\[0\]\.batching\.preferredBatchSizes/,
  );
  assert.throws(() => parseCluster({ executors: [{ id: 'e0', kind: 'cpu', cores: 1, sharing: 'lifo' }], placements: [] }), /cluster\.executors\[0\]\.sharing/);
  const ok = parseCluster({ executors, placements: [{ model: 'one', executors: ['e0'], batching: { maxBatchSize: 8 } }] });
  assert.equal(ok.executors[0]?.sharing, 'edf');
  assert.throws(() => parseWorkload({ streams: [{ model: 'one', arrival: { kind: 'poisson', ratePerS: 1 }, overload: 'drop' }] }), /workload\.streams\[0\]\.overload/);
  assert.equal(parseWorkload({ streams: [{ model: 'one', arrival: { kind: 'poisson', ratePerS: 1 }, overload: 'best-effort' }] }).streams[0]?.overload, 'best-effort');
});
