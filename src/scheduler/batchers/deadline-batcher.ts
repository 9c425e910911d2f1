// Deadline-aware batcher: EDF order, the largest batch that still meets the earliest deadline in it, and expiry.

import type { BatchDecision, BatchItem, Batcher } from '../batcher.js';
import { MinHeap } from '../min-heap.js';

export interface DeadlineItem extends BatchItem {
  /** Absolute deadline, ms (clock time); Infinity when the request has none. */
  readonly deadlineAtMs: number;
  /** Strict priority class: 0 is the most important. Breaks ties between equal deadlines. */
  readonly priority: number;
}

export interface DeadlineBatcherOptions {
  /** Largest batch in rows along dimension 0. */
  readonly maxBatchSize: number;
  /** Predicted (profiled) time to run a batch of `rows` rows, ms. Assumed non-decreasing in rows. */
  readonly predictBatchMs: (rows: number) => number;
  /**
   * Whether predictBatchMs knows how cost grows with rows (a profile, or runs of more than one batch size); until it
   * does, every feasible row runs, so that batches of several sizes get run and learned (default: always).
   */
  readonly knowsBatchGain?: () => boolean;
}

/**
 * A batch is cut back to the fewest rows whose predicted cost per row is within this fraction of the whole feasible
 * batch's: rows that save less than that per row would only hold the executor longer (on one CPU thread a batch of 8
 * costs about 8 batches of 1) while the other executors and the other models' requests wait.
 */
export const BATCH_GAIN_TOLERANCE = 0.1;

/** Dead entries tolerated in a heap before it is compacted; a named floor so small queues never compact. */
const COMPACT_MIN_DEAD = 64;

interface Entry<T> {
  readonly item: T;
  /** Deadline with NaN read as "none". */
  readonly deadlineAtMs: number;
  /** Push counter: the last tie-break, so equal keys come out in arrival order and the order is total. */
  readonly seq: number;
  /** deadlineAtMs − predicted solo run time (fixed at enqueue): from this instant it cannot finish in time. */
  readonly expiresAtMs: number;
  live: boolean;
}

function edfLess<T extends DeadlineItem>(a: Entry<T>, b: Entry<T>): boolean {
  if (a.deadlineAtMs !== b.deadlineAtMs) return a.deadlineAtMs < b.deadlineAtMs;
  if (a.item.priority !== b.item.priority) return a.item.priority < b.item.priority;
  if (a.item.enqueuedAtMs !== b.item.enqueuedAtMs) return a.item.enqueuedAtMs < b.item.enqueuedAtMs;
  return a.seq < b.seq;
}

function expiryLess<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.expiresAtMs !== b.expiresAtMs ? a.expiresAtMs < b.expiresAtMs : a.seq < b.seq;
}

/*
 * One EDF heap per shapeKey (only same-shape requests batch together) plus one expiry heap for the timer.
 *
 *   shape "x":  (d=10) (d=12) (d=40) …      next(now): head = least of the shape heads; then pop the head's
 *   shape "y":  (d=11) (d=∞) …               heap while rows ≤ max and now + predict(rows) ≤ head deadline
 *   expiry:     (d−predict(rows)) …          expire(now): pop while expiresAt ≤ now
 *
 * An entry lives in its shape heap and (if it has a deadline) in the expiry heap. Taking it from one heap
 * marks it dead; the other heap skips dead entries lazily and is compacted once they outnumber the live ones,
 * so memory stays proportional to the queue.
 *
 * Order: earliest deadline; ties by lower priority number, then older enqueuedAtMs, then arrival. Items
 * without a deadline (Infinity) therefore come after every item with one, by priority and then age.
 */
export class DeadlineBatcher<T extends DeadlineItem> implements Batcher<T> {
  private readonly maxBatchSize: number;
  private readonly predictBatchMs: (rows: number) => number;
  private readonly knowsBatchGain: () => boolean;
  private readonly byShape = new Map<string, MinHeap<Entry<T>>>();
  private readonly expiry = new MinHeap<Entry<T>>(expiryLess);
  private liveCount = 0;
  private nextSeq = 0;
  private deadInShapes = 0;
  private deadInExpiry = 0;

  constructor(options: DeadlineBatcherOptions) {
    this.maxBatchSize = Math.max(1, options.maxBatchSize);
    this.predictBatchMs = options.predictBatchMs;
    this.knowsBatchGain = options.knowsBatchGain ?? (() => true);
  }

  get size(): number {
    return this.liveCount;
  }

  enqueue(item: T): void {
    const deadlineAtMs = Number.isNaN(item.deadlineAtMs) ? Infinity : item.deadlineAtMs;
    const soloMs = Math.max(0, this.predictBatchMs(item.rows));
    const entry: Entry<T> = { item, deadlineAtMs, seq: this.nextSeq++, expiresAtMs: deadlineAtMs - soloMs, live: true };
    let heap = this.byShape.get(item.shapeKey);
    if (heap === undefined) {
      heap = new MinHeap<Entry<T>>(edfLess);
      this.byShape.set(item.shapeKey, heap);
    }
    heap.push(entry);
    if (entry.expiresAtMs < Infinity) this.expiry.push(entry);
    this.liveCount++;
  }

  /**
   * The head (EDF) runs now with the longest EDF-ordered run of same-shape requests behind it that keeps
   * rows ≤ maxBatchSize and `nowMs + predictBatchMs(rows) ≤ head deadline`, cut back to the shortest such run whose
   * predicted cost per row is within BATCH_GAIN_TOLERANCE of the longest one's (the rest stay queued, in order). The
   * head runs even if it alone would miss (admission and expire() deal with misses). Never 'wait': a free executor
   * is not left idle.
   */
  next(nowMs: number): BatchDecision<T> {
    const p = this.prefix(nowMs);
    if (p === undefined) return { kind: 'empty' };
    for (const e of p.entries) this.take(e);
    if (p.heap.size === 0) this.byShape.delete(p.shapeKey);
    this.compactIfSparse();
    return { kind: 'run', items: p.entries.map((e) => e.item) };
  }

  /** The rows next(nowMs) would run, without taking them (0 when empty). */
  peekRows(nowMs: number): number {
    const p = this.prefix(nowMs);
    if (p === undefined) return 0;
    for (const e of p.entries) p.heap.push(e);
    return p.rows;
  }

  /**
   * Pops the next batch off its shape heap: the head's feasible EDF prefix, less what `paying` cuts off, which goes
   * back (same keys, so the same order).
   */
  private prefix(nowMs: number): { heap: MinHeap<Entry<T>>; shapeKey: string; entries: Entry<T>[]; rows: number } | undefined {
    const heap = this.headHeap();
    const head = heap?.pop();
    if (heap === undefined || head === undefined) return undefined;
    const entries: Entry<T>[] = [head];
    const rowsAt: number[] = [head.item.rows];
    let rows = head.item.rows;
    while (rows < this.maxBatchSize) {
      const e = this.cleanTop(heap);
      if (e === undefined) break;
      const withRows = rows + e.item.rows;
      // Stop at the first request that does not fit, so the batch is an EDF prefix (never jumps the queue).
      if (withRows > this.maxBatchSize || nowMs + this.predictBatchMs(withRows) > head.deadlineAtMs) break;
      heap.pop();
      entries.push(e);
      rows = withRows;
      rowsAt.push(rows);
    }
    const run = this.paying(rowsAt);
    for (let i = entries.length - 1; i >= run; i--) heap.push(entries[i] as Entry<T>);
    entries.length = run;
    return { heap, shapeKey: head.item.shapeKey, entries, rows: rowsAt[run - 1] as number };
  }

  /** How many of the prefix's requests to run: the fewest whose cost per row is within tolerance of all of them. */
  private paying(rowsAt: readonly number[]): number {
    // A lone request (the usual case on CPU) has nothing to cut.
    if (rowsAt.length === 1) return 1;
    const all = rowsAt[rowsAt.length - 1] as number;
    const allMs = this.predictBatchMs(all);
    // Nothing known yet of how cost grows with rows: nothing to weigh, the whole prefix runs.
    if (!(allMs > 0) || !this.knowsBatchGain()) return rowsAt.length;
    const bound = (1 + BATCH_GAIN_TOLERANCE) * (allMs / all);
    for (let i = 0; i < rowsAt.length - 1; i++) {
      const r = rowsAt[i] as number;
      if (this.predictBatchMs(r) / r <= bound) return i + 1;
    }
    return rowsAt.length;
  }

  /** Removes and returns, in EDF order, the items matching `pred`. O(n). */
  remove(pred: (item: T) => boolean): T[] {
    const removed: Entry<T>[] = [];
    for (const [key, heap] of this.byShape) {
      // The same O(n) pass also drops entries that expire() already took.
      for (const e of heap.removeWhere((x) => !x.live || pred(x.item))) {
        if (!e.live) continue;
        this.take(e);
        removed.push(e);
      }
      if (heap.size === 0) this.byShape.delete(key);
    }
    this.deadInShapes = 0;
    this.compactIfSparse();
    return removed.sort((a, b) => (edfLess(a, b) ? -1 : 1)).map((e) => e.item);
  }

  /**
   * Removes and returns (earliest expiry first) every item that can no longer finish by its deadline even
   * alone: `nowMs + predictBatchMs(rows) >= deadlineAtMs`, the prediction taken at enqueue. This covers every
   * item whose deadline has passed. The boundary is inclusive so that expire(nextDeadlineAtMs()) always
   * drops at least one item and a timer armed for that instant cannot spin.
   */
  expire(nowMs: number): T[] {
    const out: T[] = [];
    for (let e = this.expiry.peek(); e !== undefined && e.expiresAtMs <= nowMs; e = this.expiry.peek()) {
      this.expiry.pop();
      if (!e.live) {
        this.deadInExpiry--;
        continue;
      }
      e.live = false;
      this.liveCount--;
      this.deadInShapes++;
      out.push(e.item);
    }
    this.compactIfSparse();
    return out;
  }

  /** The earliest instant at which expire() would drop a queued item; Infinity when none would ever be. */
  nextDeadlineAtMs(): number {
    for (let e = this.expiry.peek(); e !== undefined; e = this.expiry.peek()) {
      if (e.live) return e.expiresAtMs;
      this.expiry.pop();
      this.deadInExpiry--;
    }
    return Infinity;
  }

  /** The shape heap whose live head is least in EDF order. */
  private headHeap(): MinHeap<Entry<T>> | undefined {
    let best: MinHeap<Entry<T>> | undefined;
    let bestHead: Entry<T> | undefined;
    for (const [key, heap] of this.byShape) {
      const top = this.cleanTop(heap);
      if (top === undefined) {
        this.byShape.delete(key);
      } else if (bestHead === undefined || edfLess(top, bestHead)) {
        best = heap;
        bestHead = top;
      }
    }
    return best;
  }

  /** Pops entries expire() already took off the top of a shape heap; returns the live top. */
  private cleanTop(heap: MinHeap<Entry<T>>): Entry<T> | undefined {
    for (let e = heap.peek(); e !== undefined; e = heap.peek()) {
      if (e.live) return e;
      heap.pop();
      this.deadInShapes--;
    }
    return undefined;
  }

  /** Marks an entry taken out of its shape heap; its expiry-heap copy (if any) becomes dead. */
  private take(e: Entry<T>): void {
    e.live = false;
    this.liveCount--;
    if (e.expiresAtMs < Infinity) this.deadInExpiry++;
  }

  private compactIfSparse(): void {
    if (this.deadInExpiry > COMPACT_MIN_DEAD && this.deadInExpiry > this.expiry.size / 2) {
      this.expiry.removeWhere((e) => !e.live);
      this.deadInExpiry = 0;
    }
    if (this.deadInShapes > COMPACT_MIN_DEAD && this.deadInShapes > this.liveCount) {
      for (const [key, heap] of this.byShape) {
        heap.removeWhere((e) => !e.live);
        if (heap.size === 0) this.byShape.delete(key);
      }
      this.deadInShapes = 0;
    }
  }
}
