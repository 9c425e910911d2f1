// Batcher contract: holds queued requests of one model version and decides which of them run together, and when.
// Pure: time comes in as an argument, so the live engine and the simulator drive the same code.

export interface BatchItem {
  /** Rows this request contributes along dimension 0 (1 for unbatched models). */
  readonly rows: number;
  /** Requests join one batch only when their shapes past dimension 0 (and datatypes) agree. */
  readonly shapeKey: string;
  readonly enqueuedAtMs: number;
}

export type BatchDecision<T> =
  | { readonly kind: 'run'; readonly items: readonly T[] }
  | { readonly kind: 'wait'; readonly untilMs: number }
  | { readonly kind: 'empty' };

export interface Batcher<T extends BatchItem> {
  enqueue(item: T): void;
  /** Called when an instance is free to run: the batch to run now, or when to ask again. */
  next(nowMs: number): BatchDecision<T>;
  /**
   * Optional: the rows of the batch next(nowMs) would run now, without taking it (0 when empty). Selectors and the
   * executors' reservation read the cost of the unit a flow would run next from it; without it they assume the
   * largest batch the queue allows.
   */
  peekRows?(nowMs: number): number;
  /** Removes and returns the items matching `pred` (cancelled or expired requests). */
  remove(pred: (item: T) => boolean): T[];
  readonly size: number;
}
