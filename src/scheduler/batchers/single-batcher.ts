// No dynamic batching: every request runs as its own batch, in arrival order (Triton without dynamic_batching).

import type { BatchDecision, BatchItem, Batcher } from '../batcher.js';

export class SingleBatcher<T extends BatchItem> implements Batcher<T> {
  private queue: T[] = [];

  get size(): number {
    return this.queue.length;
  }

  enqueue(item: T): void {
    this.queue.push(item);
  }

  next(_nowMs: number): BatchDecision<T> {
    const head = this.queue.shift();
    return head === undefined ? { kind: 'empty' } : { kind: 'run', items: [head] };
  }

  remove(pred: (item: T) => boolean): T[] {
    const removed = this.queue.filter(pred);
    this.queue = this.queue.filter((item) => !pred(item));
    return removed;
  }
}
