// Supervision by the worker pool: crashes and hangs fail calls fast, workers restart and reload, stop cleans up.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ServingError } from '../src/core/errors.js';
import type { Tensor } from '../src/core/tensor.js';
import type { LoadSpec } from '../src/executor/executor.js';
import { type PooledWorker, WorkerPool, type WorkerPoolEvents } from '../src/executor/worker-pool.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';

const READY_TIMEOUT_MS = 20_000;
/** Rows per request in the crash test: 8 MB of input per call, so the worker is still reading when it dies. */
const BIG_BATCH_ROWS = 65_536;

const dir = mkdtempSync(join(tmpdir(), 'tessera-pool-'));
const modelPath = join(dir, 'tiny-add.onnx');
writeFileSync(modelPath, buildTinyAdd());
after(() => rmSync(dir, { recursive: true, force: true }));

const tinyAdd: LoadSpec = { key: 'tiny-add@1', path: modelPath, options: { intraOpThreads: 1 } };

function addInputs(rows: number, a: number, b: number): Tensor[] {
  return [
    { name: 'a', datatype: 'FP32', shape: [rows, 16], data: new Float32Array(rows * 16).fill(a) },
    { name: 'b', datatype: 'FP32', shape: [rows, 16], data: new Float32Array(rows * 16).fill(b) },
  ];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('WorkerPool', () => {
  const pool = new WorkerPool();
  const runDir = join(dir, 'run');
  const exits: WorkerPoolEvents['worker-exit'][0][] = [];
  const restarts: WorkerPoolEvents['worker-restart'][0][] = [];
  const readies: WorkerPoolEvents['worker-ready'][0][] = [];
  pool.on('worker-exit', (e) => exits.push(e));
  pool.on('worker-restart', (e) => restarts.push(e));
  pool.on('worker-ready', (e) => readies.push(e));
  let w0: PooledWorker;
  let w1: PooledWorker;
  const pids: number[] = [];

  before(async () => {
    await pool.start(2, {
      runDir,
      startTimeoutMs: READY_TIMEOUT_MS,
      pingIntervalMs: 100,
      pingTimeoutMs: 500,
      restartBackoffInitialMs: 50,
    });
    [w0, w1] = pool.executors() as [PooledWorker, PooledWorker];
  });
  after(() => pool.stop());

  it('starts workers with stable ids, live pids and a socket file each', () => {
    assert.deepEqual(pool.executors().map((w) => w.id), ['worker-0', 'worker-1']);
    assert.deepEqual(readies.map((r) => r.id).sort(), ['worker-0', 'worker-1']);
    for (const w of pool.executors()) {
      assert.equal(w.state, 'ready');
      assert.ok(w.pid !== undefined && isAlive(w.pid));
      pids.push(w.pid);
    }
    assert.deepEqual(readdirSync(runDir).sort(), ['worker-0.sock', 'worker-1.sock']);
  });

  it('reports each worker’s resident memory from its ping replies', async () => {
    await w0.load(tinyAdd);
    // The first ping goes out when the worker becomes ready; give its reply a moment.
    for (let i = 0; i < 50 && w0.rssBytes === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok((w0.rssBytes ?? 0) > 1024 * 1024, `rss ${w0.rssBytes}`);
    const info = pool.info().find((i) => i.id === 'worker-0');
    assert.equal(info?.pid, w0.pid);
    assert.deepEqual(info?.loadedKeys, ['tiny-add@1']);
  });

  it('fails every call in flight with UNAVAILABLE retryable when a worker is SIGKILLed, then restarts and reloads it', async () => {
    const oldPid = w0.pid as number;
    const inFlight = [1, 2, 3, 4].map(() => w0.run('tiny-add@1', addInputs(BIG_BATCH_ROWS, 1, 2), []));
    const settled = Promise.allSettled(inFlight);
    process.kill(oldPid, 'SIGKILL');
    for (const outcome of await settled) {
      assert.equal(outcome.status, 'rejected');
      const err = (outcome as PromiseRejectedResult).reason as ServingError;
      assert.ok(err instanceof ServingError);
      assert.equal(err.code, 'UNAVAILABLE');
      assert.equal(err.retryable, true);
    }
    // While it restarts, calls fail at once instead of waiting.
    assert.equal(w0.state, 'restarting');
    await assert.rejects(w0.run('tiny-add@1', addInputs(1, 1, 2), []), { code: 'UNAVAILABLE', retryable: true });
    assert.equal(await w0.whenReady(READY_TIMEOUT_MS), true);
    assert.notEqual(w0.pid, oldPid);
    pids.push(w0.pid as number);
    assert.deepEqual(exits.filter((e) => e.id === 'worker-0').map((e) => e.signal), ['SIGKILL']);
    assert.deepEqual(restarts, [{ id: 'worker-0', restarts: 1 }]);
    assert.equal(pool.restarts('worker-0'), 1);
    assert.equal(pool.restarts('worker-1'), 0);
    assert.deepEqual(w0.loadedKeys(), ['tiny-add@1']);

    const result = await w0.run('tiny-add@1', addInputs(2, 1, 2), ['sum']);
    assert.deepEqual([...(result.outputs[0]?.data as Float32Array)], new Array(32).fill(3));
  });

  it('rejects a call on a worker that is restarting at once, without waiting for the restart', async () => {
    const exited = once(pool, 'worker-exit');
    process.kill(w1.pid as number, 'SIGKILL');
    await exited;
    assert.equal(w1.state, 'restarting');
    await assert.rejects(w1.load(tinyAdd), { code: 'UNAVAILABLE', retryable: true });
    assert.equal(await w1.whenReady(READY_TIMEOUT_MS), true);
    pids.push(w1.pid as number);
    assert.equal(pool.restarts('worker-1'), 1);
  });

  it('kills and restarts a worker that stops answering pings', async () => {
    const stuckPid = w1.pid as number;
    process.kill(stuckPid, 'SIGSTOP');
    const [exit] = (await once(pool, 'worker-exit')) as WorkerPoolEvents['worker-exit'];
    assert.deepEqual(exit, { id: 'worker-1', code: null, signal: 'SIGKILL' });
    assert.equal(await w1.whenReady(READY_TIMEOUT_MS), true);
    assert.notEqual(w1.pid, stuckPid);
    pids.push(w1.pid as number);
    assert.equal(pool.restarts('worker-1'), 2);
  });

  it('drops a session that cannot be loaded again after a restart and says so', async () => {
    const copy = join(dir, 'copy.onnx');
    writeFileSync(copy, buildTinyAdd());
    await w1.load({ ...tinyAdd, key: 'copy@1', path: copy });
    rmSync(copy);
    const failed = once(pool, 'session-reload-failed');
    process.kill(w1.pid as number, 'SIGKILL');
    const [event] = (await failed) as WorkerPoolEvents['session-reload-failed'];
    assert.equal(event.key, 'copy@1');
    assert.equal(event.error.code, 'NOT_FOUND');
    assert.equal(await w1.whenReady(READY_TIMEOUT_MS), true);
    pids.push(w1.pid as number);
    assert.deepEqual(w1.loadedKeys(), []);
  });

  it('stops every worker, leaving no process and no socket file behind', async () => {
    await pool.stop();
    for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} is gone`);
    assert.deepEqual(readdirSync(runDir), []);
    assert.ok(pool.executors().every((w) => w.state === 'stopped'));
    assert.equal(await w0.whenReady(10), false);
    await assert.rejects(w0.run('tiny-add@1', addInputs(1, 1, 1), []), { code: 'UNAVAILABLE' });
    assert.ok(!existsSync(join(runDir, 'worker-0.sock')));
  });
});

it('fails to start, leaving nothing running, when a worker never becomes ready', async () => {
  const script = join(dir, 'exits-at-once.mjs');
  writeFileSync(script, 'process.exit(3);\n');
  const pool = new WorkerPool();
  const exitCodes: (number | null)[] = [];
  pool.on('worker-exit', (e) => exitCodes.push(e.code));
  await assert.rejects(pool.start(1, { runDir: join(dir, 'run-bad'), workerScript: script, startTimeoutMs: 1000 }), {
    code: 'UNAVAILABLE',
  });
  // The last attempt may be ended by the pool's own stop (code null) rather than by the script.
  assert.ok(exitCodes.filter((code) => code === 3).length >= 2, `it kept retrying with backoff: ${exitCodes.join(',')}`);
  assert.equal(pool.executors()[0]?.state, 'stopped');
  assert.equal(pool.executors()[0]?.pid, undefined);
});
