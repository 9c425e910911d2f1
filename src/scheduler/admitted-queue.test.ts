// The queue arithmetic admission shares between the server and the simulator: backlog as full batches, slack, delay.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type QueuedAdmission, backlogAsBatchesMs, delayAfter, slackAfterMs } from './admitted-queue.js';

const batchMs = (rows: number): number => 2 + rows;

test('the backlog counts the rows due by the deadline as full batches and a rest', () => {
  const q: QueuedAdmission[] = [
    { rows: 3, deadlineAtMs: 10 },
    { rows: 2, deadlineAtMs: 20 },
    { rows: 4, deadlineAtMs: 30 },
  ];
  assert.equal(backlogAsBatchesMs(q, 5, 4, batchMs), 0);
  assert.equal(backlogAsBatchesMs(q, 20, 4, batchMs), batchMs(4) + batchMs(1));
  assert.equal(backlogAsBatchesMs(q, Infinity, 4, batchMs), 2 * batchMs(4) + batchMs(1));
  assert.equal(backlogAsBatchesMs(q, 20, 0, batchMs), 5 * batchMs(1), 'no batching: one row per batch');
});

test('slack and delay concern only the admitted requests due later', () => {
  const late = { rows: 1, deadlineAtMs: 50, admitted: { doneAtMs: 30, marginMs: 5 } };
  const early = { rows: 1, deadlineAtMs: 20, admitted: { doneAtMs: 10, marginMs: 0 } };
  const bestEffort = { rows: 1, deadlineAtMs: 40 };
  const q: QueuedAdmission[] = [late, early, bestEffort];
  assert.equal(slackAfterMs(q, 25), 15);
  assert.equal(slackAfterMs(q, 0), 10);
  assert.equal(slackAfterMs(q, 50), Infinity);
  delayAfter(q, 25, 4);
  assert.equal(late.admitted.doneAtMs, 34);
  assert.equal(early.admitted.doneAtMs, 10);
  assert.equal(slackAfterMs(q, 25), 11);
});
