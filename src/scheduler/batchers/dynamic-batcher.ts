// Triton-style dynamic batching: combine queued requests up to a max batch size, waiting at most a fixed delay.

import type { BatchDecision, BatchItem, Batcher } from '../batcher.js';

export interface DynamicBatcherOptions {
  /** Largest batch in rows along dimension 0. */
  readonly maxBatchSize: number;
  /** How long the oldest request may wait for more to arrive before a partial batch runs, in ms. */
  readonly maxQueueDelayMs: number;
  /** Batch sizes (rows) that run at once when reached, without waiting for the delay. */
  readonly preferredBatchSizes?: readonly number[];
}

/*
 * Queue (FIFO by arrival)             next(now) when an instance is free
 *  ┌────┬────┬────┬────┐
 *  │ r1 │ r2 │ r3 │ r4 │ ──► take r1 and every later item with r1's shapeKey while rows ≤ max
 *  └────┴────┴────┴────┘      run if rows hit max or a preferred size, or r1 waited ≥ delay; else wait
 */
export class DynamicBatcher<T extends BatchItem> implements Batcher<T> {
  private queue: T[] = [];
  private readonly maxBatchSize: number;
  private readonly maxQueueDelayMs: number;
  private readonly preferred: ReadonlySet<number>;

  constructor(options: DynamicBatcherOptions) {
    this.maxBatchSize = Math.max(1, options.maxBatchSize);
    this.maxQueueDelayMs = Math.max(0, options.maxQueueDelayMs);
    this.preferred = new Set(options.preferredBatchSizes ?? []);
  }

  get size(): number {
    return this.queue.length;
  }

  enqueue(item: T): void {
    this.queue.push(item);
  }

  next(nowMs: number): BatchDecision<T> {
    const head = this.queue[0];
    if (head === undefined) return { kind: 'empty' };
    const picked: number[] = [];
    let rows = 0;
    let full = false;
    for (let i = 0; i < this.queue.length; i++) {
      const item = this.queue[i] as T;
      if (item.shapeKey !== head.shapeKey) continue;
      if (rows + item.rows > this.maxBatchSize) {
        full = true;
        break;
      }
      picked.push(i);
      rows += item.rows;
      if (rows === this.maxBatchSize) {
        full = true;
        break;
      }
    }
    // A single request larger than the max batch still runs alone; the engine validates sizes before enqueueing.
    if (picked.length === 0) picked.push(0);
    const due = head.enqueuedAtMs + this.maxQueueDelayMs;
    if (!full && !this.preferred.has(rows) && nowMs < due) return { kind: 'wait', untilMs: due };
    return { kind: 'run', items: this.take(picked) };
  }

  remove(pred: (item: T) => boolean): T[] {
    const removed: T[] = [];
    this.queue = this.queue.filter((item) => {
      if (!pred(item)) return true;
      removed.push(item);
      return false;
    });
    return removed;
  }

  private take(indices: readonly number[]): T[] {
    const taken = indices.map((i) => this.queue[i] as T);
    if (indices.length === indices[indices.length - 1]! + 1) {
      this.queue.splice(0, indices.length);
    } else {
      const drop = new Set(indices);
      this.queue = this.queue.filter((_, i) => !drop.has(i));
    }
    return taken;
  }
}
