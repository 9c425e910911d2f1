// Generic binary min-heap ordered by a caller's comparator; the scheduler's queues build on it.

/*
 * One array holds the heap; slot i's children are 2i+1 and 2i+2, and no child is less than its parent.
 *
 *   items [ 1 | 4 | 2 | 7 | 5 ]            1
 *                                        /   \
 *                                       4     2
 *                                      / \
 *                                     7   5
 *
 * push: append, sift up. pop: take slot 0, move the last slot to 0, sift down. Both O(log n).
 * removeWhere: filter the array, then heapify bottom-up: O(n). The comparator must be a total order for
 * the pop order to be deterministic (break ties with a sequence number).
 */
export class MinHeap<T> {
  private items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The least item, undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.siftUp(this.items.length - 1);
  }

  /** Removes and returns the least item; undefined when empty. */
  pop(): T | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (this.items.length > 0 && last !== undefined) {
      this.items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Removes and returns (in heap-array order, not sorted) every item matching `pred`. O(n). */
  removeWhere(pred: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: T[] = [];
    for (const item of this.items) (pred(item) ? removed : kept).push(item);
    if (removed.length > 0) {
      this.items = kept;
      for (let i = (kept.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
    }
    return removed;
  }

  /** Every item, in no particular order. */
  values(): readonly T[] {
    return this.items;
  }

  private siftUp(start: number): void {
    const items = this.items;
    const item = items[start] as T;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (!this.less(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[start] as T;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.less(items[right] as T, items[child] as T)) child = right;
      const c = items[child] as T;
      if (!this.less(c, item)) break;
      items[i] = c;
      i = child;
    }
    items[i] = item;
  }
}
