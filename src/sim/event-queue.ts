// Binary min-heap of timed events for the simulator: earliest time first, FIFO among events at the same time.

/*
 * Three parallel arrays hold one heap; slot i's children are 2i+1 and 2i+2.
 *
 *   timesMs  [ 1.0 | 2.5 | 1.0 | 7.0 | 3.0 ]     key = (timeMs, seq): seq is a push counter, so two
 *   seqs     [  0  |  3  |  4  |  1  |  2  ]     events at one time pop in the order they were pushed
 *   items    [  a  |  d  |  e  |  b  |  c  ]
 *
 *                 (1.0,0) a
 *                /         \
 *         (2.5,3) d       (1.0,4) e
 *         /      \
 *   (7.0,1) b  (3.0,2) c
 *
 * push: append, sift up. pop: take slot 0, move the last slot to 0, sift down. Both O(log n), no allocation
 * per event once the arrays have grown (items are whatever the caller reuses).
 */
export class EventQueue<T> {
  private timesMs: number[] = [];
  private seqs: number[] = [];
  private items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTimeMs(): number {
    return this.items.length === 0 ? Infinity : (this.timesMs[0] as number);
  }

  push(timeMs: number, item: T): void {
    const seq = this.nextSeq++;
    let i = this.items.length;
    this.timesMs.push(timeMs);
    this.seqs.push(seq);
    this.items.push(item);
    // Hole technique: move parents down until the new key fits, then write it once.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = this.timesMs[parent] as number;
      if (pt < timeMs || (pt === timeMs && (this.seqs[parent] as number) < seq)) break;
      this.timesMs[i] = pt;
      this.seqs[i] = this.seqs[parent] as number;
      this.items[i] = this.items[parent] as T;
      i = parent;
    }
    this.timesMs[i] = timeMs;
    this.seqs[i] = seq;
    this.items[i] = item;
  }

  /** Removes and returns the earliest event's item; undefined when empty. */
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0] as T;
    const lastTime = this.timesMs.pop() as number;
    const lastSeq = this.seqs.pop() as number;
    const lastItem = this.items.pop() as T;
    const size = n - 1;
    if (size === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && this.less(right, child)) child = right;
      const ct = this.timesMs[child] as number;
      if (lastTime < ct || (lastTime === ct && lastSeq < (this.seqs[child] as number))) break;
      this.timesMs[i] = ct;
      this.seqs[i] = this.seqs[child] as number;
      this.items[i] = this.items[child] as T;
      i = child;
    }
    this.timesMs[i] = lastTime;
    this.seqs[i] = lastSeq;
    this.items[i] = lastItem;
    return top;
  }

  private less(a: number, b: number): boolean {
    const ta = this.timesMs[a] as number;
    const tb = this.timesMs[b] as number;
    return ta < tb || (ta === tb && (this.seqs[a] as number) < (this.seqs[b] as number));
  }
}
