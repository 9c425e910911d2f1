// MinHeap: pops in comparator order, removes by predicate and keeps the heap order afterwards.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MinHeap } from './min-heap.js';

/** Deterministic pseudo-random integers (LCG) so the tests need no seed handling. */
function numbers(count: number, seed = 7): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(s % 1000);
  }
  return out;
}

function drain(h: MinHeap<number>): number[] {
  const out: number[] = [];
  for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x);
  return out;
}

test('an empty heap peeks and pops undefined', () => {
  const h = new MinHeap<number>((a, b) => a < b);
  assert.equal(h.peek(), undefined);
  assert.equal(h.pop(), undefined);
  assert.equal(h.size, 0);
});

test('a heap pops every pushed item in ascending order', () => {
  const h = new MinHeap<number>((a, b) => a < b);
  const xs = numbers(500);
  for (const x of xs) h.push(x);
  assert.equal(h.size, 500);
  assert.equal(h.peek(), Math.min(...xs));
  assert.deepEqual(
    drain(h),
    [...xs].sort((a, b) => a - b),
  );
});

test('removeWhere returns the matching items and the rest still pop in order', () => {
  const h = new MinHeap<number>((a, b) => a < b);
  const xs = numbers(300, 11);
  for (const x of xs) h.push(x);
  const removed = h.removeWhere((x) => x % 3 === 0);
  assert.deepEqual(
    [...removed].sort((a, b) => a - b),
    xs.filter((x) => x % 3 === 0).sort((a, b) => a - b),
  );
  assert.deepEqual(
    drain(h),
    xs.filter((x) => x % 3 !== 0).sort((a, b) => a - b),
  );
});

test('pushes and pops interleave correctly', () => {
  const h = new MinHeap<number>((a, b) => a < b);
  const out: number[] = [];
  for (const x of numbers(200, 3)) {
    h.push(x);
    if (x % 2 === 0) out.push(h.pop() as number);
  }
  // Each pop returned the least item present at that moment, so a reference model agrees.
  const model: number[] = [];
  const expected: number[] = [];
  for (const x of numbers(200, 3)) {
    model.push(x);
    if (x % 2 === 0) {
      model.sort((a, b) => a - b);
      expected.push(model.shift() as number);
    }
  }
  assert.deepEqual(out, expected);
});
