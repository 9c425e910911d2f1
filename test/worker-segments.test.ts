// Segmented execution through every executor (in-process, a worker over a socket, a pooled worker): segment after
// segment with the intermediates kept in the executor per job, equal to the whole model; jobs are dropped, fail
// cleanly, and do not survive a worker crash.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DirectWorker, startDirectWorker } from './helpers/direct-worker.js';
import type { Tensor } from '../src/core/tensor.js';
import type { Executor, SegmentExecutor, SegmentedLoadSpec } from '../src/executor/executor.js';
import { InProcessExecutor } from '../src/executor/in-process-executor.js';
import type { WorkerClient } from '../src/executor/worker-client.js';
import { type PooledWorker, WorkerPool } from '../src/executor/worker-pool.js';
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { SeededRandom } from '../src/onnx/seeded-random.js';
import { writeSegmentFiles } from '../src/onnx/segment-files.js';
import { segmentModel } from '../src/onnx/segment-graph.js';
import { findZooEntry } from '../src/repository/zoo/zoo-catalog.js';

const READY_TIMEOUT_MS = 20_000;
const ABS_TOLERANCE = 1e-4;
const REL_TOLERANCE = 1e-4;
const options = { intraOpThreads: 2 };
// The fair policy's session settings: threads park after each run (squeezenet) or never spin (the small graph).
const parkingOptions = { intraOpThreads: 2, stopSpinningAfterRun: true };
const noSpinOptions = { intraOpThreads: 2, allowSpinning: false };

/** 'early' = -relu(a) comes out of the first segment; 'late' is read only by the last one. */
function buildTwoOutputs(): Uint8Array {
  const b = new GraphBuilder({ name: 'two-outputs', seed: 5 });
  const h = b.op('Relu', [b.op('MatMul', [b.input('a', 'FP32', ['N', 4]), b.randomWeight('w', [4, 4], 0.5)])]);
  b.output('early', 'FP32', ['N', 4], b.op('Neg', [h]));
  let x = h;
  for (let i = 0; i < 3; i++) x = b.op('Relu', [b.op('MatMul', [x, b.randomWeight('w', [4, 4], 0.5)])]);
  b.output('y', 'FP32', ['N', 4], b.op('Add', [x, b.input('late', 'FP32', ['N', 4])]));
  return b.toBytes();
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-segments-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const squeezeBytes = (findZooEntry('squeezenet1.1') ?? assert.fail('no squeezenet in the zoo')).build();
const twoBytes = buildTwoOutputs();
const paths = { squeeze: join(dir, 'squeezenet.onnx'), two: join(dir, 'two.onnx') };
writeFileSync(paths.squeeze, squeezeBytes);
writeFileSync(paths.two, twoBytes);
const squeezeModel = segmentModel(squeezeBytes, { targetSegments: 8 });
const twoModel = segmentModel(twoBytes, { targetSegments: 3 });
const segmentDir = join(dir, 'segments');
const squeezeSpec: SegmentedLoadSpec = {
  key: 'squeezenet@seg',
  paths: await writeSegmentFiles(segmentDir, 'squeezenet@seg', squeezeModel),
  outputNames: squeezeModel.outputs,
  options: parkingOptions,
};
const twoSpec: SegmentedLoadSpec = {
  key: 'two@seg',
  paths: await writeSegmentFiles(segmentDir, 'two@seg', twoModel),
  outputNames: twoModel.outputs,
  options: noSpinOptions,
};

const image = (seed: number): Tensor => ({
  name: 'input',
  datatype: 'FP32',
  shape: [1, 3, 224, 224],
  data: new SeededRandom(seed).uniformWithStd(3 * 224 * 224, 1),
});
const twoInputs = (rows = 2): Tensor[] => [
  { name: 'a', datatype: 'FP32', shape: [rows, 4], data: new SeededRandom(1).uniformWithStd(rows * 4, 1) },
  { name: 'late', datatype: 'FP32', shape: [rows, 4], data: new SeededRandom(2).uniformWithStd(rows * 4, 1) },
];

function assertClose(actual: readonly Tensor[], expected: readonly Tensor[]): void {
  assert.deepEqual(actual.map((t) => [t.name, [...t.shape]]), expected.map((t) => [t.name, [...t.shape]]));
  actual.forEach((t, k) => {
    const a = t.data as Float32Array;
    const e = expected[k]?.data as Float32Array;
    for (let i = 0; i < e.length; i++) {
      const limit = ABS_TOLERANCE + REL_TOLERANCE * Math.abs(e[i] as number);
      assert.ok(Math.abs((a[i] as number) - (e[i] as number)) <= limit, `${t.name}[${i}]: ${a[i]} vs ${e[i]}`);
    }
  });
}

type SegmentingExecutor = Executor & SegmentExecutor;

/** Runs every segment of a job in turn; checks that only the last call reports done. */
async function runJob(ex: SegmentingExecutor, key: string, jobId: string, segments: number, inputs: readonly Tensor[], outputNames: readonly string[] = []): Promise<readonly Tensor[]> {
  let outputs: readonly Tensor[] = [];
  for (let k = 0; k < segments; k++) {
    const result = await ex.runSegment(key, jobId, k, k === 0 ? inputs : [], outputNames);
    assert.equal(result.done, k === segments - 1, `done after segment ${k}`);
    assert.ok(result.computeNs > 0);
    outputs = result.outputs;
    if (!result.done) assert.deepEqual(result.outputs, []);
  }
  return outputs;
}

function segmentContract(getExecutor: () => SegmentingExecutor): void {
  const n = squeezeModel.segments.length;

  it('loads the segments as one model reporting the whole model’s inputs and outputs', async () => {
    const ex = getExecutor();
    assert.ok(n > 1);
    const loaded = await ex.loadSegments(squeezeSpec);
    assert.equal(loaded.key, 'squeezenet@seg');
    assert.equal(loaded.segments, n);
    assert.deepEqual(loaded.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }]);
    assert.deepEqual(loaded.outputs, [{ name: 'logits', datatype: 'FP32', shape: [-1, 1000] }]);
    assert.ok(ex.loadedKeys().includes('squeezenet@seg'));
    await ex.load({ key: 'squeezenet@1', path: paths.squeeze, options });
  });

  it('runs segment after segment and ends with the whole model’s outputs', async () => {
    const ex = getExecutor();
    const whole = await ex.run('squeezenet@1', [image(1)], []);
    assertClose(await runJob(ex, 'squeezenet@seg', 'job-1', n, [image(1)]), whole.outputs);
  });

  it('keeps the intermediates of interleaved jobs apart', async () => {
    const ex = getExecutor();
    const expected = [(await ex.run('squeezenet@1', [image(2)], [])).outputs, (await ex.run('squeezenet@1', [image(3)], [])).outputs];
    const got: (readonly Tensor[])[] = [[], []];
    for (let k = 0; k < n; k++) {
      for (const j of [0, 1]) {
        const result = await ex.runSegment('squeezenet@seg', `job-${j}`, k, k === 0 ? [image(2 + j)] : [], []);
        if (result.done) got[j] = result.outputs;
      }
    }
    assertClose(got[0] as Tensor[], expected[0] as Tensor[]);
    assertClose(got[1] as Tensor[], expected[1] as Tensor[]);
  });

  it('takes inputs read only by a later segment at segment 0 and returns the selected outputs', async () => {
    const ex = getExecutor();
    const loaded = await ex.loadSegments(twoSpec);
    assert.ok(loaded.segments > 1);
    assert.deepEqual(loaded.inputs.map((s) => s.name).sort(), ['a', 'late']);
    await ex.load({ key: 'two@1', path: paths.two, options });
    const whole = await ex.run('two@1', twoInputs(), []);
    const all = await runJob(ex, 'two@seg', 'j-all', loaded.segments, twoInputs());
    assertClose(all, whole.outputs);
    const onlyY = await runJob(ex, 'two@seg', 'j-y', loaded.segments, twoInputs(), ['y']);
    assertClose(onlyY, whole.outputs.filter((t) => t.name === 'y'));
  });

  it('forgets a dropped job: continuing it is NOT_FOUND and dropping it again answers false', async () => {
    const ex = getExecutor();
    await ex.runSegment('squeezenet@seg', 'dropped', 0, [image(4)], []);
    assert.equal(await ex.dropJob('squeezenet@seg', 'dropped'), true);
    await assert.rejects(ex.runSegment('squeezenet@seg', 'dropped', 1, [], []), { code: 'NOT_FOUND', message: /dropped.*segment 0/ });
    assert.equal(await ex.dropJob('squeezenet@seg', 'dropped'), false);
  });

  it('rejects calls out of turn with clear codes and leaves the job intact', async () => {
    const ex = getExecutor();
    await assert.rejects(ex.runSegment('squeezenet@seg', 'never-started', 1, [], []), { code: 'NOT_FOUND', message: /never-started/ });
    await ex.runSegment('squeezenet@seg', 'turns', 0, [image(5)], []);
    await assert.rejects(ex.runSegment('squeezenet@seg', 'turns', 2, [], []), { code: 'FAILED_PRECONDITION', message: /segment 1 next/ });
    await assert.rejects(ex.runSegment('squeezenet@seg', 'turns', 0, [image(5)], []), { code: 'ALREADY_EXISTS' });
    await assert.rejects(ex.runSegment('squeezenet@seg', 'turns', 1, [image(5)], []), { code: 'INVALID_ARGUMENT', message: /only segment 0/ });
    await assert.rejects(ex.runSegment('squeezenet@seg', 'turns', n, [], []), { code: 'INVALID_ARGUMENT' });
    await assert.rejects(ex.runSegment('squeezenet@seg', 'turns', 1, [], ['nope']), { code: 'INVALID_ARGUMENT', message: /nope/ });
    for (let k = 1; k < n; k++) await ex.runSegment('squeezenet@seg', 'turns', k, [], []);
    await assert.rejects(ex.runSegment('no-such@seg', 'x', 0, [], []), { code: 'NOT_FOUND', message: /no-such@seg/ });
    await assert.rejects(ex.run('squeezenet@seg', [image(5)], []), { code: 'FAILED_PRECONDITION', message: /runSegment/ });
  });

  it('drops a job whose segment fails to run', async () => {
    const ex = getExecutor();
    // Rows of 5 do not fit the declared [N, 4]: onnxruntime rejects the run of segment 0.
    const bad: Tensor[] = twoInputs().map((t) => ({ ...t, shape: [1, 5], data: new Float32Array(5) }));
    await assert.rejects(ex.runSegment('two@seg', 'bad', 0, bad, []), { code: 'INVALID_ARGUMENT' });
    await assert.rejects(ex.runSegment('two@seg', 'bad', 1, [], []), { code: 'NOT_FOUND' });
  });

  it('frees a segmented model and its jobs on unload', async () => {
    const ex = getExecutor();
    await ex.runSegment('two@seg', 'pending', 0, twoInputs(), []);
    await ex.unload('two@seg');
    assert.ok(!ex.loadedKeys().includes('two@seg'));
    await assert.rejects(ex.runSegment('two@seg', 'pending', 1, [], []), { code: 'NOT_FOUND' });
  });
}

describe('InProcessExecutor running segments', () => {
  const ex = new InProcessExecutor();
  after(() => ex.close());
  segmentContract(() => ex);

  it('holds no intermediate tensors once every job finished, failed or was dropped', () => {
    assert.equal(ex.jobCount(), 0);
  });
});

describe('WorkerClient running segments in a worker process', () => {
  let worker: DirectWorker;
  let client: WorkerClient;
  before(async () => {
    worker = await startDirectWorker(join(dir, 'direct.sock'));
    client = worker.client;
  });
  after(() => worker.stop());
  segmentContract(() => client);

  it('remembers the segmented specs it loaded, for reloading', () => {
    assert.deepEqual(client.segmentedLoadSpecs().map((s) => s.key), ['squeezenet@seg']);
  });
});

describe('PooledWorker running segments', () => {
  const pool = new WorkerPool();
  before(() => pool.start(1, { runDir: join(dir, 'run'), startTimeoutMs: READY_TIMEOUT_MS, restartBackoffInitialMs: 50 }));
  after(() => pool.stop());
  const worker = (): PooledWorker => pool.executors()[0] as PooledWorker;
  segmentContract(worker);

  it('loses its jobs when the worker dies: UNAVAILABLE while it restarts, NOT_FOUND after, segments reloaded', async () => {
    const w = worker();
    const n = squeezeModel.segments.length;
    await w.runSegment('squeezenet@seg', 'doomed', 0, [image(6)], []);
    const exited = once(pool, 'worker-exit');
    process.kill(w.pid as number, 'SIGKILL');
    await exited;
    await assert.rejects(w.runSegment('squeezenet@seg', 'doomed', 1, [], []), { code: 'UNAVAILABLE', retryable: true });
    assert.equal(await w.whenReady(READY_TIMEOUT_MS), true);
    await assert.rejects(w.runSegment('squeezenet@seg', 'doomed', 1, [], []), { code: 'NOT_FOUND', message: /restarted/ });
    const whole = await w.run('squeezenet@1', [image(6)], []);
    assertClose(await runJob(w, 'squeezenet@seg', 'doomed', n, [image(6)]), whole.outputs);
  });
});
