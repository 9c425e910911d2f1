// Worker processes run at the niceness the pool is given, so the front end is scheduled first on shared cores.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WorkerPool } from '../src/executor/worker-pool.js';

async function workerPid(pool: WorkerPool): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const pid = pool.info()[0]?.pid;
    if (pid !== undefined) return pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the worker never reported its pid');
}

async function withPool(nice: number | undefined, check: (pid: number) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-nice-'));
  const pool = new WorkerPool();
  try {
    await pool.start(1, { runDir: dir, ...(nice === undefined ? {} : { nice }) });
    await check(await workerPid(pool));
  } finally {
    await pool.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

test('a pool given a niceness starts its workers at it', async () => {
  await withPool(7, async (pid) => {
    assert.equal(getPriority(pid), 7);
    // /proc agrees (field 19 of stat is the nice value).
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    assert.equal(Number(fields[16]), 7);
  });
});

test('by default workers keep the front end’s priority', async () => {
  await withPool(undefined, async (pid) => {
    assert.equal(getPriority(pid), getPriority());
  });
});
