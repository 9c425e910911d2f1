// The speed probe: a positive duration that grows with the work, and the ratio of two probes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { speedProbeMs, speedVsCalibration } from './speed-probe.js';

test('the probe takes longer for more work', () => {
  const small = Math.min(speedProbeMs(1e5), speedProbeMs(1e5));
  const large = Math.min(speedProbeMs(2e7), speedProbeMs(2e7));
  assert.ok(small > 0 && Number.isFinite(small));
  assert.ok(large > small, `${large} ms for 2e7 iterations vs ${small} ms for 1e5`);
});

test('speed relative to calibration: half as fast is 0.5; missing or non-positive probes give null', () => {
  assert.equal(speedVsCalibration(300, 600), 0.5);
  assert.equal(speedVsCalibration(300, 300), 1);
  assert.equal(speedVsCalibration(undefined, 300), null);
  assert.equal(speedVsCalibration(300, undefined), null);
  assert.equal(speedVsCalibration(0, 300), null);
  assert.equal(speedVsCalibration(300, Number.NaN), null);
});
