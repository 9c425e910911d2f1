// The workers' C-heap setting: which policies keep freed memory for reuse, what each setting puts in a worker's
// environment, that a MALLOC_* variable set by the operator wins, and that a forked worker really gets it.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { workerHeapFor } from '../src/cli/server.js';
import { segmentQuantumOf, schedulingPolicy } from '../src/engine/scheduling-policy.js';
import { workerEnv } from '../src/executor/pool/pooled-worker.js';
import { WorkerPool } from '../src/executor/worker-pool.js';

const quanta = { segmentQuantumMs: 2, preemptQuantumMs: 0 };

it('segments models only under the fair policy, or under tessera with a preemption quantum', () => {
  assert.equal(segmentQuantumOf(schedulingPolicy('fair'), quanta), 2);
  assert.equal(segmentQuantumOf(schedulingPolicy('fair'), { ...quanta, segmentQuantumMs: 0 }), 0);
  assert.equal(segmentQuantumOf(schedulingPolicy('tessera'), quanta), 0);
  assert.equal(segmentQuantumOf(schedulingPolicy('tessera'), { ...quanta, preemptQuantumMs: 5 }), 5);
  for (const baseline of ['fifo', 'triton', 'infaas', 'roma']) assert.equal(segmentQuantumOf(schedulingPolicy(baseline), { segmentQuantumMs: 2, preemptQuantumMs: 5 }), 0);
});

it("'auto' reuses freed heap exactly when the policy segments models; an explicit choice stands", () => {
  assert.equal(workerHeapFor({ workerHeap: 'auto', policy: 'fair', ...quanta }), 'reuse');
  assert.equal(workerHeapFor({ workerHeap: 'auto', policy: 'fair', ...quanta, segmentQuantumMs: 0 }), 'release');
  assert.equal(workerHeapFor({ workerHeap: 'auto', policy: 'tessera', ...quanta }), 'release');
  assert.equal(workerHeapFor({ workerHeap: 'auto', policy: 'tessera', ...quanta, preemptQuantumMs: 20 }), 'reuse');
  assert.equal(workerHeapFor({ workerHeap: 'auto', policy: 'fifo', ...quanta }), 'release');
  assert.equal(workerHeapFor({ workerHeap: 'release', policy: 'fair', ...quanta }), 'release');
  assert.equal(workerHeapFor({ workerHeap: 'reuse', policy: 'fifo', ...quanta }), 'reuse');
});

it('puts glibc malloc thresholds in the environment; a MALLOC_* variable already set wins', () => {
  const base = { PATH: '/bin' };
  assert.deepEqual(workerEnv(base), { PATH: '/bin', MALLOC_MMAP_THRESHOLD_: String(128 * 1024) });
  assert.deepEqual(workerEnv(base, 'reuse'), { PATH: '/bin', MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024), MALLOC_TRIM_THRESHOLD_: String(256 * 1024 * 1024) });
  const operator = { PATH: '/bin', MALLOC_TRIM_THRESHOLD_: '0' };
  assert.equal(workerEnv(operator, 'reuse')['MALLOC_TRIM_THRESHOLD_'], '0');
  assert.equal(workerEnv(operator, 'reuse')['MALLOC_MMAP_THRESHOLD_'], String(32 * 1024 * 1024));
});

it("a worker forked with heap 'reuse' runs with those variables", { skip: !existsSync('/proc/self/environ') && 'no /proc here' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-heap-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pool = new WorkerPool();
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MALLOC_')));
  await pool.start(1, { runDir: join(dir, 'run'), heap: 'reuse', env, startTimeoutMs: 20_000 });
  try {
    const pid = pool.executors()[0]?.pid ?? assert.fail('no worker pid');
    const vars = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    assert.ok(vars.includes(`MALLOC_MMAP_THRESHOLD_=${32 * 1024 * 1024}`), vars.filter((v) => v.startsWith('MALLOC_')).join(' '));
    assert.ok(vars.includes(`MALLOC_TRIM_THRESHOLD_=${256 * 1024 * 1024}`));
  } finally {
    await pool.stop();
  }
});
