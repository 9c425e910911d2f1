// SingleBatcher: contract suite plus one-request-per-batch behaviour.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drainAll, item, runBatcherContract } from '../batcher.case.js';
import { SingleBatcher } from './single-batcher.js';

runBatcherContract('SingleBatcher', () => new SingleBatcher());

test('SingleBatcher runs each request alone, without waiting', () => {
  const b = new SingleBatcher<ReturnType<typeof item>>();
  b.enqueue(item(0, 5));
  b.enqueue(item(1, 5));
  const d = b.next(5);
  assert.equal(d.kind, 'run');
  assert.deepEqual(drainAll(b), [[1]]);
});
