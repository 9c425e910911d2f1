// Tests of the fairness summary: shares against targets, the exclusive baseline from FIFO, overhead and p99 gains.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppReport } from '../../src/loadgen/index.js';
import type { DeviceSnapshot } from './device-metrics.js';
import type { Experiment, FairnessPolicy } from './fairness-config.js';
import { fairnessSummary } from './fairness-report.js';
import type { MeasuredFlow } from './measure-point.js';
import type { PolicyRun, RawPoint } from './policy-run.js';

function flow(model: string, weight: number, throughputPerS: number, p99Ms = 10): MeasuredFlow {
  const report = { name: model, sent: 100, ok: 100, throughputPerS, latencyMs: { p50Ms: p99Ms / 2, p95Ms: p99Ms, p99Ms, meanMs: p99Ms / 2, maxMs: p99Ms } } as unknown as AppReport;
  return { app: model, model, weight, arrival: { kind: 'closed', clients: 1 }, report };
}

function point(experiment: Experiment, flows: MeasuredFlow[], computeS: Record<string, number>, switchBuckets: [number, number][] = []): RawPoint {
  const device: DeviceSnapshot = { computeSByModel: computeS, computeSByExecutor: { 'worker-0': 1 }, switches: 10, switchBuckets };
  return { experiment, measurement: { flows, device, windowS: 10, measuredS: 10 } };
}

function run(policy: FairnessPolicy, points: RawPoint[]): PolicyRun {
  return { policy, segments: {}, problems: [], points };
}

const ALONE = [point('alone', [flow('s', 1, 100)], { s: 10 }), point('alone', [flow('l', 1, 10)], { l: 10 })];

describe('fairnessSummary', () => {
  it('scores the fair policy against its targets and the FIFO alone baseline', () => {
    const runs = [
      run('fifo', [...ALONE, point('hol', [flow('squeezenet1.1', 1, 5, 400), flow('vgg16', 1, 1)], {})]),
      run('fair', [
        point('equal', [flow('s', 1, 49), flow('l', 1, 4.9)], { s: 5, l: 5 }, [[0.002, 5], [0.005, 10], [Infinity, 10]]),
        point('weighted', [flow('s', 1, 20), flow('l', 3, 7.5)], { s: 2.4, l: 7.6 }),
        point('hol', [flow('squeezenet1.1', 1, 5, 40), flow('vgg16', 1, 1)], {}),
      ]),
    ];
    const s = fairnessSummary(runs);
    assert.equal(s.jain_equal, 1);
    assert.ok(Math.abs((s.overhead_loss ?? Number.NaN) - 0.02) < 1e-9);
    assert.ok(Math.abs((s.weighted_max_share_error ?? Number.NaN) - 0.04) < 1e-9);
    assert.deepEqual(s.alone_throughput_per_s, { s: 100, l: 10 });
    assert.equal(s.switch_interval_p50_ms, 2);
    assert.equal(s.small_model_p99_gain_vs_fifo, 10);
    assert.equal(s.small_model_p99_gain_vs_uncontrolled, null);
    assert.equal(s.rows.length, 6);
  });

  it('leaves exclusive-cost figures empty when FIFO did not run', () => {
    const s = fairnessSummary([run('fair', [point('equal', [flow('s', 1, 49), flow('l', 1, 4.9)], { s: 5, l: 5 })])]);
    assert.equal(s.overhead_loss, null);
    assert.equal(s.jain_equal_by_exclusive, null);
    assert.equal(s.jain_equal, 1);
  });
});
