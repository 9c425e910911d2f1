// Tests for the per-app counters: attainment over offered load, rejects by reason, errors by status, bounded keys.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoadCounters } from './load-counters.js';

test('attainment counts OK responses within the SLO over everything offered, dropped arrivals included', () => {
  const c = new LoadCounters();
  c.sent = 8;
  c.droppedByClient = 2;
  for (let i = 0; i < 5; i++) c.record({ kind: 'ok' }, 10, true);
  c.record({ kind: 'ok' }, 90, false);
  c.record({ kind: 'rejected', reason: 'queue full' }, 1, true);
  c.record({ kind: 'error', status: 'http_503', message: 'down' }, 1, true);
  const t = c.totals(2);
  assert.equal(t.ok, 6);
  assert.equal(t.okWithinSlo, 5);
  assert.equal(t.sloAttainment, 0.5);
  assert.equal(t.goodputPerS, 2.5);
  assert.equal(t.throughputPerS, 3);
  assert.equal(t.offeredPerS, 5);
  assert.deepEqual(t.rejectsByReason, { 'queue full': 1 });
  assert.deepEqual(t.errorsByStatus, { http_503: 1 });
  assert.equal(c.done, 8);
});

test('latency percentiles cover OK responses only and are null when there are none', () => {
  const c = new LoadCounters();
  assert.equal(c.totals(1).latencyMs, null);
  assert.equal(c.totals(1).sloAttainment, null);
  for (let i = 1; i <= 100; i++) c.record({ kind: 'ok' }, i, true);
  c.record({ kind: 'error', status: 'timeout', message: '' }, 10_000, false);
  const l = c.totals(1).latencyMs;
  assert.ok(l !== null);
  assert.ok(Math.abs(l.p50Ms - 50) <= 0.5, `p50 ${l.p50Ms}`);
  assert.ok(Math.abs(l.p99Ms - 99) <= 0.5, `p99 ${l.p99Ms}`);
  assert.equal(l.maxMs, 100);
});

test('distinct reject reasons beyond the cap are counted under one key, so memory stays bounded', () => {
  const c = new LoadCounters();
  for (let i = 0; i < 100; i++) c.record({ kind: 'rejected', reason: `reason ${String.fromCharCode(65 + (i % 60))}` }, 1, false);
  const reasons = c.totals(1).rejectsByReason;
  assert.ok(Object.keys(reasons).length <= 33);
  assert.equal(Object.values(reasons).reduce((a, b) => a + b, 0), 100);
  assert.ok((reasons['(other reasons)'] ?? 0) > 0);
});
