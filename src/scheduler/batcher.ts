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
  /** Removes and returns the items matching `pred` (cancelled or expired requests). */
  remove(pred: (item: T) => boolean): T[];
  readonly size: number;
}
