// Admission control: admit when the predicted completion meets the deadline; reasons and Retry-After otherwise.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AdmissionInput, NO_EXECUTOR_RETRY_AFTER_MS, admit } from './admission.js';

function input(over: Partial<AdmissionInput> = {}): AdmissionInput {
  return { nowMs: 1000, deadlineAtMs: 1100, serviceMs: 20, backlogMs: 0, executors: 1, overload: 'reject', ...over };
}

test('a request that meets its deadline behind the backlog is admitted with its predicted completion', () => {
  // 1000 + 120 / 2 + 20 = 1080 ≤ 1100
  assert.deepEqual(admit(input({ backlogMs: 120, executors: 2 })), { kind: 'admit', predictedCompletionMs: 1080 });
});

test('a predicted completion exactly on the deadline is admitted', () => {
  assert.equal(admit(input({ backlogMs: 80 })).kind, 'admit');
});

test('a request without a deadline is always admitted', () => {
  assert.equal(admit(input({ deadlineAtMs: Infinity, backlogMs: 1e9 })).kind, 'admit');
});

test('an overloaded request is rejected with Retry-After equal to the overshoot, rounded up', () => {
  // 1000 + 300 / 2 + 20 = 1170: 70 ms late, so after 70 ms the backlog has drained by 140 executor-ms.
  const d = admit(input({ backlogMs: 300, executors: 2 }));
  assert.equal(d.kind, 'reject');
  assert.equal(d.kind === 'reject' && d.reason, 'overloaded');
  assert.equal(d.kind === 'reject' && d.retryAfterMs, 70);
  const fractional = admit(input({ backlogMs: 80.2 }));
  assert.equal(fractional.kind === 'reject' && fractional.retryAfterMs, 1);
});

test('Retry-After is at least one millisecond', () => {
  const d = admit(input({ backlogMs: 80.0001 }));
  assert.equal(d.kind === 'reject' && d.retryAfterMs, 1);
});

test('a request too slow even for an idle executor is rejected as infeasible, retrying after the backlog drains', () => {
  const d = admit(input({ serviceMs: 150, backlogMs: 90, executors: 3 }));
  assert.equal(d.kind, 'reject');
  assert.equal(d.kind === 'reject' && d.reason, 'slo-infeasible');
  assert.equal(d.kind === 'reject' && d.retryAfterMs, 30);
});

test('a request whose deadline already passed is rejected as such', () => {
  const d = admit(input({ deadlineAtMs: 990 }));
  assert.equal(d.kind === 'reject' && d.reason, 'deadline-passed');
  assert.equal(d.kind === 'reject' && d.retryAfterMs, 1);
});

test('the best-effort policy queues an overloaded request with its reason instead of rejecting it', () => {
  const d = admit(input({ backlogMs: 300, executors: 2, overload: 'best-effort' }));
  assert.equal(d.kind, 'best-effort');
  assert.equal(d.kind === 'best-effort' && d.predictedCompletionMs, 1170);
  assert.equal(d.kind === 'best-effort' && d.reason, 'overloaded');
});

test('with no executor to serve it a request is rejected whatever the policy', () => {
  for (const overload of ['reject', 'best-effort'] as const) {
    const d = admit(input({ executors: 0, overload }));
    assert.equal(d.kind, 'reject');
    assert.equal(d.kind === 'reject' && d.reason, 'no-executor');
    assert.equal(d.kind === 'reject' && d.retryAfterMs, NO_EXECUTOR_RETRY_AFTER_MS);
  }
});

test('a retry after Retry-After with the same budget is admitted when no new work arrived', () => {
  const first = input({ backlogMs: 500, executors: 4, serviceMs: 33 });
  const d = admit(first);
  assert.equal(d.kind, 'reject');
  const r = d.kind === 'reject' ? d.retryAfterMs : 0;
  const later = admit({
    ...first,
    nowMs: first.nowMs + r,
    deadlineAtMs: first.deadlineAtMs + r,
    backlogMs: first.backlogMs - r * first.executors,
  });
  assert.equal(later.kind, 'admit');
  const sooner = admit({
    ...first,
    nowMs: first.nowMs + r - 1,
    deadlineAtMs: first.deadlineAtMs + r - 1,
    backlogMs: first.backlogMs - (r - 1) * first.executors,
  });
  assert.equal(sooner.kind, 'reject');
});

test('a long batch running on one of two executors does not hold back a request the other can take', () => {
  // Spread evenly it would wait 30 ms (1000 + 30 + 20 > 1040); the idle executor starts it now.
  const d = admit(input({ deadlineAtMs: 1040, executors: 2, executorBusyMs: [60, 0] }));
  assert.deepEqual(d, { kind: 'admit', predictedCompletionMs: 1020 });
});

test('with every executor busy the request waits for the first to free up and for the queue ahead of it', () => {
  // Free at 10 and 50; 30 executor-ms queued ahead: the first executor takes it all by 40, then 20 ms of service.
  const d = admit(input({ deadlineAtMs: 1059, executors: 2, executorBusyMs: [50, 10], backlogMs: 30 }));
  assert.equal(d.kind, 'reject');
  assert.equal(d.kind === 'reject' && d.detail, 'predicted completion 60.0 ms from now misses the deadline by 1.0 ms');
});

test('a request that would push an admitted request due later past its deadline is refused', () => {
  // It meets its own deadline (1000 + 20 ≤ 1100), but on 2 executors it delays those behind it by 10 ms, and the
  // tightest of them has 9 ms of slack.
  const d = admit(input({ executors: 2, slackBehindMs: 9 }));
  assert.equal(d.kind, 'reject');
  assert.equal(d.kind === 'reject' && d.reason, 'overloaded');
  assert.match(d.kind === 'reject' ? d.detail : '', /delay an admitted request due later by 10\.0 ms.*9\.0 ms of slack/);
  assert.equal(admit(input({ executors: 2, slackBehindMs: 10 })).kind, 'admit');
  assert.equal(admit(input({ executors: 2, slackBehindMs: Infinity })).kind, 'admit');
});

test('the delay caused to those behind can be given explicitly', () => {
  assert.equal(admit(input({ slackBehindMs: 5, delayBehindMs: 4 })).kind, 'admit');
  assert.equal(admit(input({ slackBehindMs: 5, delayBehindMs: 6 })).kind, 'reject');
});

test('refused to keep an admitted request in time, a request retries after the queue ahead of it, or goes best-effort', () => {
  const busy = input({ executors: 2, backlogMs: 40, slackBehindMs: 0 });
  const d = admit(busy);
  assert.equal(d.kind === 'reject' && d.retryAfterMs, 20);
  const b = admit({ ...busy, overload: 'best-effort' });
  assert.equal(b.kind, 'best-effort');
  assert.equal(b.kind === 'best-effort' && b.reason, 'overloaded');
});
