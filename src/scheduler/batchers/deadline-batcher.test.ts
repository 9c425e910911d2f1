// DeadlineBatcher: contract suite plus EDF order, deadline-aware batch size, expiry and a reference-model check.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchDecision, Batcher } from '../batcher.js';
import { type Item, runBatcherContract } from '../batcher.case.js';
import { BATCH_GAIN_TOLERANCE, type DeadlineItem, DeadlineBatcher } from './deadline-batcher.js';

interface Req extends DeadlineItem {
  readonly id: number;
}

function req(id: number, deadlineAtMs: number, opts: Partial<Omit<Req, 'id' | 'deadlineAtMs'>> = {}): Req {
  return { id, deadlineAtMs, priority: 0, rows: 1, shapeKey: 'a', enqueuedAtMs: 0, ...opts };
}

/** 10 ms fixed cost plus 2 ms per row. */
const linearMs = (rows: number): number => 10 + 2 * rows;

function ids(d: BatchDecision<Req>): number[] {
  assert.equal(d.kind, 'run');
  return d.kind === 'run' ? d.items.map((x) => x.id) : [];
}

function drain(b: DeadlineBatcher<Req>, nowMs = 0): number[][] {
  const out: number[][] = [];
  for (let d = b.next(nowMs); d.kind === 'run'; d = b.next(nowMs)) out.push(d.items.map((x) => x.id));
  return out;
}

/** The contract suite's items carry no deadline: they enter as deadline Infinity, priority 0. */
class NoDeadlineAdapter implements Batcher<Item> {
  private readonly inner = new DeadlineBatcher<Item & DeadlineItem>({ maxBatchSize: 4, predictBatchMs: linearMs });
  get size(): number {
    return this.inner.size;
  }
  enqueue(item: Item): void {
    this.inner.enqueue({ ...item, deadlineAtMs: Infinity, priority: 0 });
  }
  next(nowMs: number): BatchDecision<Item> {
    return this.inner.next(nowMs);
  }
  remove(pred: (item: Item) => boolean): Item[] {
    return this.inner.remove(pred);
  }
}

runBatcherContract('DeadlineBatcher', () => new NoDeadlineAdapter());

test('DeadlineBatcher orders by deadline, then priority, then age, with deadline-free items last', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 1, predictBatchMs: linearMs });
  b.enqueue(req(0, Infinity, { enqueuedAtMs: 1 }));
  b.enqueue(req(1, 500, { enqueuedAtMs: 5 }));
  b.enqueue(req(2, 300, { enqueuedAtMs: 9 }));
  b.enqueue(req(3, 500, { enqueuedAtMs: 2, priority: 1 }));
  b.enqueue(req(4, 500, { enqueuedAtMs: 3 }));
  b.enqueue(req(5, Infinity, { enqueuedAtMs: 0 }));
  b.enqueue(req(6, Infinity, { enqueuedAtMs: 4, priority: 0 }));
  assert.deepEqual(drain(b).flat(), [2, 4, 1, 3, 5, 0, 6]);
});

test('DeadlineBatcher runs the largest batch whose predicted completion meets the head deadline', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 8, predictBatchMs: linearMs });
  // At now = 100 a batch of n rows completes at 110 + 2n: 3 rows → 116 meets 117, 4 rows → 118 does not.
  for (let i = 0; i < 6; i++) b.enqueue(req(i, 117 + i * 100));
  assert.deepEqual(ids(b.next(100)), [0, 1, 2]);
  // The new head (deadline 417) has room for everything left.
  assert.deepEqual(ids(b.next(100)), [3, 4, 5]);
});

test('DeadlineBatcher grows the batch as slack grows, up to the max batch size in rows', () => {
  const tight = new DeadlineBatcher<Req>({ maxBatchSize: 4, predictBatchMs: linearMs });
  const loose = new DeadlineBatcher<Req>({ maxBatchSize: 4, predictBatchMs: linearMs });
  for (let i = 0; i < 6; i++) {
    tight.enqueue(req(i, 13));
    loose.enqueue(req(i, 1000, { rows: i === 1 ? 2 : 1 }));
  }
  assert.deepEqual(ids(tight.next(0)), [0]);
  // Rows: 1 + 2 + 1 = 4 reaches the max.
  assert.deepEqual(ids(loose.next(0)), [0, 1, 2]);
});

test('DeadlineBatcher adds no rows that save nothing per row: they stay queued, in order, for the next batch', () => {
  // 0.5 ms fixed + 5 ms per row: a batch of 4 costs 5.125 ms a row, one row alone 5.5 ms (7% more): no batch pays.
  const proportional = new DeadlineBatcher<Req>({ maxBatchSize: 8, predictBatchMs: (r) => 0.5 + 5 * r });
  // 3 ms fixed + 5 ms per row: 8, 6.5, 6.0 and 5.75 ms a row for 1-4 rows; three are within 10% of four (4%), two not (13%).
  const fixed = new DeadlineBatcher<Req>({ maxBatchSize: 8, predictBatchMs: (r) => 3 + 5 * r });
  for (let i = 0; i < 4; i++) {
    proportional.enqueue(req(i, 1000));
    fixed.enqueue(req(i, 1000));
  }
  assert.deepEqual(drain(proportional), [[0], [1], [2], [3]]);
  assert.deepEqual(ids(fixed.next(0)), [0, 1, 2]);
  assert.deepEqual(ids(fixed.next(0)), [3]);
});

test('DeadlineBatcher runs every feasible row while the cost model does not yet know how cost grows with rows', () => {
  let known = false;
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 3, predictBatchMs: (r) => 5 * r, knowsBatchGain: () => known });
  for (let i = 0; i < 6; i++) b.enqueue(req(i, 1000));
  assert.deepEqual(ids(b.next(0)), [0, 1, 2]);
  known = true;
  assert.deepEqual(ids(b.next(0)), [3]);
});

test('DeadlineBatcher peekRows gives the rows next() runs and leaves the queue as it was', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 8, predictBatchMs: (r) => 3 + 5 * r });
  assert.equal(b.peekRows(0), 0);
  b.enqueue(req(0, 1000, { rows: 2 }));
  b.enqueue(req(1, 1000, { rows: 2 }));
  b.enqueue(req(2, 30));
  b.enqueue(req(3, 1000, { shapeKey: 'other' }));
  // Head: request 2 (due at 30). With 0 and 1 the batch takes 28 ms and still fits, but a row alone costs 8, 3 rows
  // 6 and 5 rows 5.6 ms a row: 3 rows are within 10% of 5, so 2 and 0 run and 1 waits.
  assert.equal(b.peekRows(0), 3);
  assert.equal(b.peekRows(0), 3);
  assert.equal(b.size, 4);
  assert.deepEqual(ids(b.next(0)), [2, 0]);
  assert.equal(b.peekRows(0), 2);
  assert.deepEqual(drain(b), [[1], [3]]);
});

test('DeadlineBatcher runs the head alone even when it will miss its deadline', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 8, predictBatchMs: linearMs });
  b.enqueue(req(0, 5));
  b.enqueue(req(1, 1000));
  assert.deepEqual(ids(b.next(50)), [0]);
  assert.deepEqual(ids(b.next(50)), [1]);
});

test('DeadlineBatcher never waits while work is queued', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 64, predictBatchMs: linearMs });
  b.enqueue(req(0, Infinity, { enqueuedAtMs: 10 }));
  assert.equal(b.next(10).kind, 'run');
  assert.equal(b.next(10).kind, 'empty');
});

test('DeadlineBatcher stops a batch at the first request that does not fit instead of jumping the queue', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 4, predictBatchMs: linearMs });
  b.enqueue(req(0, 100, { rows: 3 }));
  b.enqueue(req(1, 200, { rows: 3 }));
  b.enqueue(req(2, 300, { rows: 1 }));
  assert.deepEqual(drain(b), [[0], [1, 2]]);
});

test('DeadlineBatcher batches only the head shape and keeps other shapes queued in EDF order', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 8, predictBatchMs: linearMs });
  b.enqueue(req(0, 100, { shapeKey: 'x' }));
  b.enqueue(req(1, 150, { shapeKey: 'y' }));
  b.enqueue(req(2, 200, { shapeKey: 'x' }));
  b.enqueue(req(3, 120, { shapeKey: 'y' }));
  assert.deepEqual(drain(b), [
    [0, 2],
    [3, 1],
  ]);
});

test('DeadlineBatcher expire drops items past their deadline or unable to finish alone, and they never run', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 8, predictBatchMs: linearMs });
  b.enqueue(req(0, 40)); // passed at 50
  b.enqueue(req(1, 61)); // alone needs 12 ms: 50 + 12 > 61
  b.enqueue(req(2, 62)); // 50 + 12 = 62: zero slack counts as expired
  b.enqueue(req(3, 63)); // still feasible
  b.enqueue(req(4, Infinity));
  assert.deepEqual(
    b.expire(50).map((x) => x.id),
    [0, 1, 2],
  );
  assert.equal(b.size, 2);
  assert.deepEqual(drain(b, 50).flat(), [3, 4]);
  assert.deepEqual(b.expire(1e12), []);
});

test('DeadlineBatcher nextDeadlineAtMs names the instant expire drops the next item', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 1, predictBatchMs: linearMs });
  assert.equal(b.nextDeadlineAtMs(), Infinity);
  b.enqueue(req(0, Infinity));
  assert.equal(b.nextDeadlineAtMs(), Infinity);
  b.enqueue(req(1, 100, { rows: 5 })); // 100 − 20
  b.enqueue(req(2, 90)); // 90 − 12
  assert.equal(b.nextDeadlineAtMs(), 78);
  assert.deepEqual(b.expire(77.9), []);
  assert.deepEqual(
    b.expire(b.nextDeadlineAtMs()).map((x) => x.id),
    [2],
  );
  assert.equal(b.nextDeadlineAtMs(), 80);
  // Once the item runs, its timer disappears too.
  assert.deepEqual(ids(b.next(0)), [1]);
  assert.equal(b.nextDeadlineAtMs(), Infinity);
});

test('DeadlineBatcher remove returns matching items in EDF order and skips already expired ones', () => {
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 8, predictBatchMs: linearMs });
  b.enqueue(req(0, 300));
  b.enqueue(req(1, 100));
  b.enqueue(req(2, 5));
  b.enqueue(req(3, 200));
  assert.deepEqual(
    b.expire(0).map((x) => x.id),
    [2],
  );
  assert.deepEqual(
    b.remove(() => true).map((x) => x.id),
    [1, 3, 0],
  );
  assert.equal(b.size, 0);
  assert.equal(b.next(0).kind, 'empty');
  assert.equal(b.nextDeadlineAtMs(), Infinity);
});

/** Deterministic pseudo-random numbers in [0, 1) (LCG). */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** The rules written as plainly as possible over an array: the reference the heaps must agree with. */
class ReferenceBatcher {
  private q: { r: Req; seq: number }[] = [];
  private seq = 0;
  constructor(
    private readonly maxBatchSize: number,
    private readonly predict: (rows: number) => number,
  ) {}
  get size(): number {
    return this.q.length;
  }
  enqueue(r: Req): void {
    this.q.push({ r, seq: this.seq++ });
  }
  private sorted(): { r: Req; seq: number }[] {
    return [...this.q].sort(
      (a, b) =>
        (a.r.deadlineAtMs === b.r.deadlineAtMs ? 0 : a.r.deadlineAtMs < b.r.deadlineAtMs ? -1 : 1) ||
        a.r.priority - b.r.priority ||
        a.r.enqueuedAtMs - b.r.enqueuedAtMs ||
        a.seq - b.seq,
    );
  }
  next(nowMs: number): number[] {
    const order = this.sorted().filter((x, _, all) => x.r.shapeKey === all[0]?.r.shapeKey);
    const head = order[0];
    if (head === undefined) return [];
    const taken = [head];
    let rows = head.r.rows;
    for (const x of order.slice(1)) {
      const withRows = rows + x.r.rows;
      if (withRows > this.maxBatchSize || nowMs + this.predict(withRows) > head.r.deadlineAtMs) break;
      taken.push(x);
      rows = withRows;
    }
    // Then the shortest prefix whose cost per row is within the tolerance of the whole one's.
    const perRow = (n: number): number => {
      const r = taken.slice(0, n).reduce((a, x) => a + x.r.rows, 0);
      return this.predict(r) / r;
    };
    let n = 1;
    while (n < taken.length && perRow(n) > (1 + BATCH_GAIN_TOLERANCE) * perRow(taken.length)) n++;
    taken.length = n;
    this.q = this.q.filter((x) => !taken.includes(x));
    return taken.map((x) => x.r.id);
  }
  expire(nowMs: number): number[] {
    const dead = this.q.filter((x) => nowMs + this.predict(x.r.rows) >= x.r.deadlineAtMs);
    this.q = this.q.filter((x) => !dead.includes(x));
    return dead.map((x) => x.r.id).sort((a, b) => a - b);
  }
  remove(pred: (r: Req) => boolean): number[] {
    const out = this.sorted().filter((x) => pred(x.r));
    this.q = this.q.filter((x) => !out.includes(x));
    return out.map((x) => x.r.id);
  }
}

test('DeadlineBatcher agrees with a plain reference model over thousands of random operations', () => {
  const rand = rng(42);
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 6, predictBatchMs: linearMs });
  const ref = new ReferenceBatcher(6, linearMs);
  let nowMs = 0;
  let id = 0;
  for (let step = 0; step < 6000; step++) {
    const op = rand();
    if (op < 0.6) {
      const r = req(id++, rand() < 0.15 ? Infinity : nowMs + Math.floor(rand() * 400), {
        priority: Math.floor(rand() * 3),
        rows: 1 + Math.floor(rand() * 3),
        shapeKey: rand() < 0.7 ? 'a' : 'b',
        enqueuedAtMs: nowMs,
      });
      b.enqueue(r);
      ref.enqueue(r);
    } else if (op < 0.85) {
      const d = b.next(nowMs);
      assert.deepEqual(d.kind === 'run' ? d.items.map((x) => x.id) : [], ref.next(nowMs), `next at step ${step}`);
    } else if (op < 0.97) {
      const got = b.expire(nowMs).map((x) => x.id);
      assert.deepEqual(
        got.sort((x, y) => x - y),
        ref.expire(nowMs),
        `expire at step ${step}`,
      );
    } else {
      const m = Math.floor(rand() * 7) + 2;
      const pred = (r: Req): boolean => r.id % m === 0;
      assert.deepEqual(
        b.remove(pred).map((x) => x.id),
        ref.remove(pred),
        `remove at step ${step}`,
      );
    }
    assert.equal(b.size, ref.size);
    nowMs += Math.floor(rand() * 4);
  }
  assert.ok(id > 3000);
});

test('DeadlineBatcher drains a queue of 10,000 requests in EDF order', () => {
  const rand = rng(7);
  const b = new DeadlineBatcher<Req>({ maxBatchSize: 1, predictBatchMs: () => 1 });
  const all: Req[] = [];
  for (let i = 0; i < 10_000; i++) {
    const r = req(i, Math.floor(rand() * 1e6), { enqueuedAtMs: i });
    all.push(r);
    b.enqueue(r);
  }
  const expected = [...all].sort((x, y) => x.deadlineAtMs - y.deadlineAtMs || x.id - y.id).map((x) => x.id);
  assert.deepEqual(drain(b).flat(), expected);
});
