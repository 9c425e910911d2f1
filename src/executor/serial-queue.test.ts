// Tests of the executor's call queue: one at a time, arrival order, urgent calls ahead of ordinary waiting ones.

import assert from 'node:assert/strict';
import { test } from 'node:test';
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

test('an urgent call waits for the running one and earlier urgent calls, then goes ahead of ordinary ones', async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  const g = Object.fromEntries(['a', 'b', 'c', 'u1', 'u2'].map((n) => [n, gate(log, n)]));
  const order: string[] = [];
  const push = (name: string, urgent: boolean): Promise<void> => q.push((g[name] as ReturnType<typeof gate>).fn, urgent).then((n) => void order.push(n));
  const all = [push('a', false), push('b', false), push('c', false), push('u1', true), push('u2', true)];
  for (const name of ['a', 'u1', 'u2', 'b', 'c']) {
    await tick();
    (g[name] as ReturnType<typeof gate>).release();
  }
  await Promise.all(all);
  assert.deepEqual(order, ['a', 'u1', 'u2', 'b', 'c']);
  assert.deepEqual(log.filter((l) => l.startsWith('start')), ['start a', 'start u1', 'start u2', 'start b', 'start c']);
});

test('an urgent call on an idle queue starts at once', async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  const u = gate(log, 'u');
  const p = q.push(u.fn, true);
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

test('a call queued as soon as the previous one settles finds it gone, so an urgent call cannot pass it', async () => {
  const q = new SerialQueue();
  await q.push(async () => 'first');
  const log: string[] = [];
  const slow = gate(log, 'slow');
  const ps = q.push(slow.fn);
  const pu = q.push(async () => void log.push('urgent'), true);
  await tick();
  assert.deepEqual(log, ['start slow'], 'the ordinary call started at once; the urgent one waits for it');
  slow.release();
  await Promise.all([ps, pu]);
  assert.deepEqual(log, ['start slow', 'end slow', 'urgent']);
});

test('readBeforeNext: a call that arrives while the previous one settles, urgent, still goes first', async () => {
  const q = new SerialQueue({ readBeforeNext: true });
  const log: string[] = [];
  const a = gate(log, 'a');
  const pa = q.push(a.fn);
  const pb = q.push(async () => void log.push('b'));
  await tick();
  a.release();
  await pa;
  // Like a request read from the socket after a blocking run: the next call has not started yet.
  const pu = q.push(async () => void log.push('urgent'), true);
  await Promise.all([pb, pu]);
  assert.deepEqual(log, ['start a', 'end a', 'urgent', 'b']);
});
