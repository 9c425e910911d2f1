// Tests for reject reason keys: numbers fold so one cause is one key, and keys stay short.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rejectReasonKey } from './reject-reason.js';

test('messages that differ only in numbers share one key', () => {
  const a = rejectReasonKey('predicted completion 73.2 ms exceeds the deadline in 50 ms');
  const b = rejectReasonKey('predicted completion 81 ms exceeds the deadline in 1e3 ms');
  assert.equal(a, b);
  assert.equal(a, 'predicted completion N ms exceeds the deadline in N ms');
});

test('an empty message is unspecified and a long one is cut', () => {
  assert.equal(rejectReasonKey('  '), 'unspecified');
  assert.ok(rejectReasonKey('x'.repeat(500)).length <= 121);
});
