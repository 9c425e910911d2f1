// DynamicBatcher: contract suite plus max size, preferred sizes and queue-delay behaviour.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Item, drainAll, item, runBatcherContract } from '../batcher.case.js';
import { DynamicBatcher } from './dynamic-batcher.js';

runBatcherContract('DynamicBatcher', () => new DynamicBatcher<Item>({ maxBatchSize: 4, maxQueueDelayMs: 2 }));

test('DynamicBatcher combines queued requests up to the max batch size', () => {
  const b = new DynamicBatcher<Item>({ maxBatchSize: 4, maxQueueDelayMs: 0 });
  for (let i = 0; i < 10; i++) b.enqueue(item(i));
  assert.deepEqual(drainAll(b), [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
    [8, 9],
  ]);
});

test('DynamicBatcher waits up to the queue delay for a partial batch', () => {
  const b = new DynamicBatcher<Item>({ maxBatchSize: 8, maxQueueDelayMs: 5 });
  b.enqueue(item(0, 100));
  b.enqueue(item(1, 101));
  assert.deepEqual(b.next(102), { kind: 'wait', untilMs: 105 });
  const d = b.next(105);
  assert.equal(d.kind, 'run');
  assert.deepEqual(d.kind === 'run' ? d.items.map((x) => x.id) : [], [0, 1]);
});

test('DynamicBatcher runs at once when a preferred size or the max is reached', () => {
  const b = new DynamicBatcher<Item>({ maxBatchSize: 8, maxQueueDelayMs: 1000, preferredBatchSizes: [2] });
  b.enqueue(item(0, 0));
  assert.equal(b.next(0).kind, 'wait');
  b.enqueue(item(1, 0));
  assert.equal(b.next(0).kind, 'run');
  const full = new DynamicBatcher<Item>({ maxBatchSize: 3, maxQueueDelayMs: 1000 });
  full.enqueue(item(0, 0, 2));
  full.enqueue(item(1, 0, 1));
  assert.equal(full.next(0).kind, 'run');
});

test('DynamicBatcher counts rows, not requests, and keeps arrival order when the next one does not fit', () => {
  const b = new DynamicBatcher<Item>({ maxBatchSize: 4, maxQueueDelayMs: 0 });
  b.enqueue(item(0, 0, 3));
  b.enqueue(item(1, 0, 3));
  b.enqueue(item(2, 0, 1));
  assert.deepEqual(drainAll(b), [[0], [1, 2]]);
});

test('DynamicBatcher batches same-shape requests past one of another shape', () => {
  const b = new DynamicBatcher<Item>({ maxBatchSize: 4, maxQueueDelayMs: 0 });
  b.enqueue(item(0, 0, 1, 'x'));
  b.enqueue(item(1, 0, 1, 'y'));
  b.enqueue(item(2, 0, 1, 'x'));
  assert.deepEqual(drainAll(b), [[0, 2], [1]]);
});
