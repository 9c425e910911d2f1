// Tests of turning a load report into result rows, and of attainment among admitted requests.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadTotals } from '../../src/loadgen/index.js';
import { admittedAttainment, sloStats } from './slo-rows.js';

const totals: LoadTotals = {
  sent: 90,
  droppedByClient: 10,
  ok: 70,
  okWithinSlo: 60,
  rejected: 15,
  rejectsByReason: { admission: 15 },
  errorsByStatus: { http_504: 3, timeout: 2 },
  sloAttainment: 0.6,
  offeredPerS: 10,
  throughputPerS: 7,
  goodputPerS: 6,
  latencyMs: { p50Ms: 12.346, p95Ms: 40, p99Ms: 70.009, meanMs: 20, maxMs: 90 },
};

test('row statistics count client drops as offered and sum the error statuses', () => {
  const s = sloStats(totals);
  assert.equal(s.offered, 100);
  assert.equal(s.errors, 5);
  assert.equal(s.attainment, 0.6);
  assert.equal(s.p50Ms, 12.35);
  assert.equal(sloStats({ ...totals, latencyMs: null }).p99Ms, null);
});

test('admitted attainment leaves out 429s but counts deadline drops and timeouts as misses', () => {
  // 90 sent − 15 rejected = 75 admitted; 60 within the SLO.
  assert.equal(admittedAttainment(totals), 0.8);
  assert.equal(admittedAttainment({ ...totals, sent: 15 }), null);
});
