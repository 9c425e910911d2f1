// EventQueue: pops by time, FIFO among equal times, and matches a sort on random input.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../onnx/seeded-random.js';
import { EventQueue } from './event-queue.js';

function drain<T>(q: EventQueue<T>): T[] {
  const out: T[] = [];
  for (let x = q.pop(); x !== undefined; x = q.pop()) out.push(x);
  return out;
}

test('EventQueue pops events in time order', () => {
  const q = new EventQueue<string>();
  q.push(5, 'e');
  q.push(1, 'a');
  q.push(3, 'c');
  q.push(2, 'b');
  q.push(4, 'd');
  assert.equal(q.peekTimeMs(), 1);
  assert.deepEqual(drain(q), ['a', 'b', 'c', 'd', 'e']);
  assert.equal(q.size, 0);
  assert.equal(q.peekTimeMs(), Infinity);
  assert.equal(q.pop(), undefined);
});

test('EventQueue pops events at the same time in the order they were pushed', () => {
  const q = new EventQueue<number>();
  for (let i = 0; i < 50; i++) q.push(i % 2 === 0 ? 7 : 3, i);
  const got = drain(q);
  const odd = Array.from({ length: 25 }, (_, k) => 2 * k + 1);
  const even = Array.from({ length: 25 }, (_, k) => 2 * k);
  assert.deepEqual(got, [...odd, ...even]);
});

test('EventQueue agrees with a stable sort under interleaved pushes and pops', () => {
  const rng = new SeededRandom(42);
  const q = new EventQueue<number>();
  const reference: { t: number; id: number }[] = [];
  const popped: number[] = [];
  const expected: number[] = [];
  let now = 0;
  for (let id = 0; id < 5000; id++) {
    // Integer times make ties common, which exercises the FIFO rule.
    const t = now + rng.nextInt(20);
    q.push(t, id);
    reference.push({ t, id });
    if (rng.nextFloat() < 0.4) {
      reference.sort((a, b) => a.t - b.t || a.id - b.id);
      const first = reference.shift();
      if (first !== undefined) {
        expected.push(first.id);
        now = first.t;
      }
      popped.push(q.pop() as number);
    }
  }
  reference.sort((a, b) => a.t - b.t || a.id - b.id);
  expected.push(...reference.map((r) => r.id));
  popped.push(...drain(q));
  assert.deepEqual(popped, expected);
});
