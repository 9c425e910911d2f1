// Shared contract suite every Batcher implementation runs: ordering, no loss, removal, shape compatibility.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchItem, Batcher } from './batcher.js';

export interface Item extends BatchItem {
  readonly id: number;
}

export function item(id: number, enqueuedAtMs = 0, rows = 1, shapeKey = 'a'): Item {
  return { id, rows, shapeKey, enqueuedAtMs };
}

/** Drains the batcher far in the future so any delay has passed; returns the batches' ids. */
export function drainAll(b: Batcher<Item>): number[][] {
  const out: number[][] = [];
  for (;;) {
    const d = b.next(1e12);
    if (d.kind !== 'run') return out;
    out.push(d.items.map((i) => i.id));
  }
}

export function runBatcherContract(name: string, make: () => Batcher<Item>): void {
  test(`${name}: an empty batcher says empty`, () => {
    assert.equal(make().next(0).kind, 'empty');
  });

  test(`${name}: every enqueued item comes out exactly once, oldest first`, () => {
    const b = make();
    for (let i = 0; i < 20; i++) b.enqueue(item(i, i));
    assert.equal(b.size, 20);
    const ids = drainAll(b).flat();
    assert.deepEqual(ids, [...Array(20).keys()]);
    assert.equal(b.size, 0);
  });

  test(`${name}: removed items never run`, () => {
    const b = make();
    for (let i = 0; i < 6; i++) b.enqueue(item(i));
    const removed = b.remove((x) => x.id % 2 === 0);
    assert.deepEqual(
      removed.map((x) => x.id),
      [0, 2, 4],
    );
    assert.deepEqual(drainAll(b).flat(), [1, 3, 5]);
  });

  test(`${name}: a batch never mixes shapes`, () => {
    const b = make();
    b.enqueue(item(0, 0, 1, 'x'));
    b.enqueue(item(1, 0, 1, 'y'));
    b.enqueue(item(2, 0, 1, 'x'));
    for (const batch of drainAll(b)) {
      const keys = new Set(batch.map((id) => (id === 1 ? 'y' : 'x')));
      assert.equal(keys.size, 1);
    }
  });
}
