// Tests of the worker RPC's request narrowing: the discriminant and a run's rank are checked.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FrameHeader } from './frame-codec.js';
import { asWorkerRequest } from './messages.js';

const header = (fields: Record<string, unknown>): FrameHeader => ({ id: 1, tensors: [], ...fields }) as unknown as FrameHeader;

test('a run with a well-formed rank, or none, passes', () => {
  const rank = { cls: 0, group: 'default', groupTag: 12.5, tag: 3 };
  assert.deepEqual(asWorkerRequest(header({ type: 'run', key: 'm@1', outputNames: [], rank })), header({ type: 'run', key: 'm@1', outputNames: [], rank }));
  assert.equal(asWorkerRequest(header({ type: 'run-segment', key: 'm@1', jobId: 'j', segmentIndex: 0, outputNames: [] })).type, 'run-segment');
});

test('a malformed rank is refused with INVALID_ARGUMENT', () => {
  for (const rank of [null, 7, { cls: 0, group: 'g', groupTag: 1 }, { cls: 0, group: 3, groupTag: 1, tag: 1 }, { cls: Number.NaN, group: 'g', groupTag: 1, tag: 1 }]) {
    assert.throws(() => asWorkerRequest(header({ type: 'run-segment', key: 'm@1', jobId: 'j', segmentIndex: 0, outputNames: [], rank })), { code: 'INVALID_ARGUMENT', message: /run rank must be/ });
  }
});

test('an unknown request type is refused', () => {
  assert.throws(() => asWorkerRequest(header({ type: 'explode' })), { code: 'UNIMPLEMENTED' });
});
