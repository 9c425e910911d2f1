// Tests of reading the device-sharing metrics from Prometheus text and of the histogram quantile.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePromText } from '../lib/prom-text.js';
import { deviceSnapshot, histogramQuantile, snapshotDelta } from './device-metrics.js';

const TEXT = `# HELP tessera_device_compute_seconds_total Executor time
# TYPE tessera_device_compute_seconds_total counter
tessera_device_compute_seconds_total{executor="worker-0",model="vgg16",tenant="default"} 3.5
tessera_device_compute_seconds_total{executor="worker-1",model="vgg16",tenant="default"} 0.5
tessera_device_compute_seconds_total{executor="worker-0",model="resnet18",tenant="default"} 2
tessera_device_switches_total{executor="worker-0"} 10
tessera_device_switch_interval_seconds_bucket{le="0.001",executor="worker-0"} 2
tessera_device_switch_interval_seconds_bucket{le="0.005",executor="worker-0"} 8
tessera_device_switch_interval_seconds_bucket{le="+Inf",executor="worker-0"} 10
tessera_device_switch_interval_seconds_sum{executor="worker-0"} 0.04
`;

describe('device-metrics', () => {
  it('sums compute seconds per model and per executor, and switches over executors', () => {
    const s = deviceSnapshot(parsePromText(TEXT));
    assert.deepEqual(s.computeSByModel, { vgg16: 4, resnet18: 2 });
    assert.deepEqual(s.computeSByExecutor, { 'worker-0': 5.5, 'worker-1': 0.5 });
    assert.equal(s.switches, 10);
    assert.deepEqual(s.switchBuckets, [[0.001, 2], [0.005, 8], [Infinity, 10]]);
  });

  it('subtracts an earlier snapshot, bucket by bucket', () => {
    const before = deviceSnapshot(parsePromText(TEXT));
    const after = deviceSnapshot(parsePromText(TEXT.replace('} 3.5', '} 4.5').replace('worker-0"} 10', 'worker-0"} 13')));
    const d = snapshotDelta(before, after);
    assert.equal(d.computeSByModel['vgg16'], 1);
    assert.equal(d.computeSByModel['resnet18'], 0);
    assert.equal(d.switches, 3);
  });

  it('interpolates a quantile inside its bucket and returns NaN for an empty histogram', () => {
    const b = [[0.001, 2], [0.005, 8], [Infinity, 10]] as const;
    // rank 5 of 10 lies halfway through the (1 ms, 5 ms] bucket's 6 counts: 1 ms + 4 ms × 3/6.
    assert.ok(Math.abs(histogramQuantile(b, 0.5) - 0.003) < 1e-12);
    assert.equal(histogramQuantile(b, 0.99), 0.005);
    assert.ok(Number.isNaN(histogramQuantile([[Infinity, 0]], 0.5)));
  });
});
