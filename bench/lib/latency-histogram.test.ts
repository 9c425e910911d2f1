// Unit tests of the benchmark latency histogram: percentiles within its precision, merging, JSON round trip.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from './latency-histogram.js';

function within(actual: number, expected: number, relative = 0.01): void {
  assert.ok(Math.abs(actual - expected) <= expected * relative, `${actual} is not within ${relative * 100}% of ${expected}`);
}

describe('LatencyHistogram', () => {
  it('reports percentiles of 1..1000 µs within one percent', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 1000; v++) h.record(v);
    within(h.percentileUs(0.5), 500);
    within(h.percentileUs(0.99), 990);
    assert.equal(h.summary().count, 1000);
    assert.equal(h.summary().meanUs, 500.5);
    assert.equal(h.summary().maxUs, 1000);
  });

  it('never reports a percentile above the largest sample', () => {
    const h = new LatencyHistogram();
    h.record(123.4);
    assert.ok(h.percentileUs(1) <= 123.4);
    within(h.percentileUs(0.5), 123.4);
  });

  it('merges two histograms as if every sample had been recorded in one', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 900; i++) a.record(10);
    for (let i = 0; i < 100; i++) b.record(10_000);
    a.merge(b);
    within(a.percentileUs(0.5), 10);
    within(a.percentileUs(0.95), 10_000);
    assert.equal(a.count, 1000);
  });

  it('survives a JSON round trip unchanged', () => {
    const h = new LatencyHistogram();
    for (const v of [0.05, 3, 70, 70, 2_500_000]) h.record(v);
    const copy = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(h)) as ReturnType<LatencyHistogram['toJSON']>);
    assert.deepEqual(copy.summary(), h.summary());
  });

  it('returns NaN percentiles when empty', () => {
    assert.ok(Number.isNaN(new LatencyHistogram().percentileUs(0.5)));
  });
});
