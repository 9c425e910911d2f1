// Tests of the executor's call queue: one at a time, arrival order, ranked calls waiting together in rank order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRank } from './executor.js';
import { SerialQueue } from './serial-queue.js';

/** A call that records when it starts and finishes only when released. */
function gate(log: string[], name: string): { fn: () => Promise<string>; release: () => void } {
  let release = (): void => undefined;
  const done = new Promise<void>((r) => {
    release = r;
  });
  return {
    fn: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    release: () => release(),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('runs calls one at a time in arrival order', async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  const a = gate(log, 'a');
  const b = gate(log, 'b');
  const pa = q.push(a.fn);
  const pb = q.push(b.fn);
  await tick();
  assert.deepEqual(log, ['start a']);
  assert.equal(q.waiting, 1);
  a.release();
  assert.equal(await pa, 'a');
  await tick();
  assert.deepEqual(log, ['start a', 'end a', 'start b']);
  b.release();
  assert.equal(await pb, 'b');
  assert.equal(q.waiting, 0);
});

const rank = (tag: number, group = 'g', groupTag = tag, cls = 0): RunRank => ({ cls, group, groupTag, tag });

/** Pushes named gated calls; returns the order they finished in once each has been released in `releaseOrder`. */
async function runGated(q: SerialQueue, calls: readonly [string, RunRank | undefined][], releaseOrder: readonly string[]): Promise<string[]> {
  const log: string[] = [];
  const g = Object.fromEntries(calls.map(([n]) => [n, gate(log, n)]));
  const order: string[] = [];
  const all = calls.map(([n, r]) => q.push((g[n] as ReturnType<typeof gate>).fn, r).then((x) => void order.push(x)));
  for (const name of releaseOrder) {
    await tick();
    (g[name] as ReturnType<typeof gate>).release();
  }
  await Promise.all(all);
  return order;
}

test('ranked calls waiting together run in rank order; the running one is not interrupted', async () => {
  const calls: [string, RunRank][] = [
    ['running', rank(9)],
    ['big', rank(40)],
    ['small1', rank(21)],
    ['small2', rank(22)],
  ];
  const order = ['running', 'small1', 'small2', 'big'];
  assert.deepEqual(await runGated(new SerialQueue(), calls, order), order);
});

test('across groups by group tag, within a group by tag, a lower class always first, ties in arrival order', async () => {
  const calls: [string, RunRank][] = [
    ['first', rank(0)],
    ['a-late', rank(1, 'a', 30)],
    ['a-early', rank(5, 'a', 31)],
    ['b', rank(1, 'b', 20)],
    ['tie1', rank(7, 'c', 40)],
    ['tie2', rank(7, 'c', 40)],
    ['urgent-class', rank(99, 'z', 99, -1)],
  ];
  // Group a's place is its lowest group tag (30), its first call its lowest tag (a-late).
  const order = ['first', 'urgent-class', 'b', 'a-late', 'a-early', 'tie1', 'tie2'];
  assert.deepEqual(await runGated(new SerialQueue(), calls, order), order);
});

test('a ranked call never passes an unranked one queued before it', async () => {
  const calls: [string, RunRank | undefined][] = [
    ['running', undefined],
    ['r-high', rank(50)],
    ['plain', undefined],
    ['r-low', rank(1)],
    ['r-mid', rank(10)],
  ];
  // r-high waited before the unranked call, so it goes first; r-low and r-mid are ordered among themselves after it.
  const order = ['running', 'r-high', 'plain', 'r-low', 'r-mid'];
  assert.deepEqual(await runGated(new SerialQueue(), calls, order), order);
});

test('a ranked call on an idle queue starts at once', async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  const u = gate(log, 'u');
  const p = q.push(u.fn, rank(5));
  await tick();
  assert.deepEqual(log, ['start u']);
  u.release();
  assert.equal(await p, 'u');
});

test('a failing or throwing call rejects its own promise and the queue goes on', async () => {
  const q = new SerialQueue();
  const failed = q.push(() => Promise.reject(new Error('boom')));
  const threw = q.push((): Promise<never> => {
    throw new Error('sync boom');
  });
  const ok = q.push(async () => 7);
  await assert.rejects(failed, /boom/);
  await assert.rejects(threw, /sync boom/);
  assert.equal(await ok, 7);
});

test('a call queued as soon as the previous one settles finds it gone, so a lower-ranked call cannot pass it', async () => {
  const q = new SerialQueue();
  await q.push(async () => 'first');
  const log: string[] = [];
  const slow = gate(log, 'slow');
  const ps = q.push(slow.fn, rank(50));
  const pu = q.push(async () => void log.push('low'), rank(1));
  await tick();
  assert.deepEqual(log, ['start slow'], 'the first call started at once; the lower-ranked one waits for it');
  slow.release();
  await Promise.all([ps, pu]);
  assert.deepEqual(log, ['start slow', 'end slow', 'low']);
});

/** Runs call a (rank 1) with b (rank 50) queued behind it; returns once a has settled, before b can start. */
async function afterFirstCall(q: SerialQueue): Promise<{ log: string[]; pb: Promise<void> }> {
  const log: string[] = [];
  const a = gate(log, 'a');
  const pa = q.push(a.fn, rank(1));
  const pb = q.push(async () => void log.push('b'), rank(50));
  await tick();
  a.release();
  await pa;
  return { log, pb };
}

test('readBeforeNext: a lower-ranked call that arrives while the previous one settles still goes first', async () => {
  const q = new SerialQueue({ readBeforeNext: true });
  const { log, pb } = await afterFirstCall(q);
  // Like a request read from the socket after a blocking run: the next call has not started yet.
  const pu = q.push(async () => void log.push('low'), rank(2));
  await Promise.all([pb, pu]);
  assert.deepEqual(log, ['start a', 'end a', 'low', 'b']);
});

test('holdWhile: the next call waits while a request is still arriving, and no longer than holdMaxMs', async () => {
  let arriving = true;
  const q = new SerialQueue({ readBeforeNext: true, holdWhile: () => arriving, holdMaxMs: 1000 });
  const { log, pb } = await afterFirstCall(q);
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(log, ['start a', 'end a'], 'b is held while a request is partly received');
  // The request arrives whole: it ranks first.
  const pl = q.push(async () => void log.push('arrived'), rank(2));
  arriving = false;
  await Promise.all([pb, pl]);
  assert.deepEqual(log, ['start a', 'end a', 'arrived', 'b']);
  // A sender that stalls holds the queue for holdMaxMs at most.
  const stalled = new SerialQueue({ readBeforeNext: true, holdWhile: () => true, holdMaxMs: 5 });
  const t0 = performance.now();
  await stalled.push(async () => 'x');
  await stalled.push(async () => 'y');
  await stalled.push(async () => 'z');
  assert.ok(performance.now() - t0 < 5000, 'the queue went on despite the stall');
});
