// The heap flags reach every place a long-running Tessera process starts: npm scripts, the executable, the workers.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FRONT_END_NODE_FLAGS, WORKER_NODE_FLAGS } from '../src/core/heap-flags.js';
import { WorkerPool } from '../src/executor/worker-pool.js';

const ROOT = new URL('../../', import.meta.url);

test('npm start and npm run tessera pass the heap flags to node', async () => {
  const pkg = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')) as { scripts: Record<string, string> };
  for (const script of ['start', 'tessera']) {
    for (const flag of FRONT_END_NODE_FLAGS) assert.ok(pkg.scripts[script]?.includes(`node ${flag}`), `script '${script}' runs node ${flag}`);
  }
});

test("the tessera executable's shebang passes the heap flags", async () => {
  const first = (await readFile(new URL('src/cli/main.ts', ROOT), 'utf8')).split('\n')[0];
  assert.equal(first, `#!/usr/bin/env -S node ${FRONT_END_NODE_FLAGS.join(' ')}`);
});

test('workers start with the heap flags', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-heap-'));
  const pool = new WorkerPool();
  try {
    await pool.start(1, { runDir: dir });
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      pid = pool.info()[0]?.pid;
      if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(pid !== undefined, 'the worker reports its pid');
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    for (const flag of WORKER_NODE_FLAGS) assert.ok(cmdline.includes(flag), `worker command line ${cmdline.join(' ')} has ${flag}`);
  } finally {
    await pool.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
