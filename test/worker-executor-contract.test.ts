// The Executor contract, run against every implementation: in-process, a worker over a socket, a pooled worker.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DirectWorker, startDirectWorker } from './helpers/direct-worker.js';
import type { Tensor } from '../src/core/tensor.js';
import type { Executor, LoadSpec, RunRank } from '../src/executor/executor.js';
import { InProcessExecutor } from '../src/executor/in-process-executor.js';
import type { WorkerClient } from '../src/executor/worker-client.js';
import { WorkerPool } from '../src/executor/worker-pool.js';
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';

const READY_TIMEOUT_MS = 20_000;

/** sum = a + b and diff = a - b, to select outputs from. */
function buildAddSub(): Uint8Array {
  const b = new GraphBuilder({ name: 'add-sub' });
  const x = b.input('a', 'FP32', ['N', 4]);
  const y = b.input('b', 'FP32', ['N', 4]);
  b.output('sum', 'FP32', ['N', 4], b.op('Add', [x, y]));
  b.output('diff', 'FP32', ['N', 4], b.op('Sub', [x, y]));
  return b.toBytes();
}

/** Echoes a BYTES tensor, negates an INT64 one and inverts a BOOL one. */
function buildMixedTypes(): Uint8Array {
  const b = new GraphBuilder({ name: 'mixed-types' });
  b.output('s_out', 'BYTES', ['N'], b.input('s', 'BYTES', ['N']));
  b.output('i_out', 'INT64', ['N'], b.op('Neg', [b.input('i', 'INT64', ['N'])]));
  b.output('f_out', 'BOOL', ['N'], b.op('Not', [b.input('f', 'BOOL', ['N'])]));
  return b.toBytes();
}

/** Forty 256×256 MatMuls in a row: ~10 ms or more for a 512-row batch, long enough for later calls to queue behind it. */
function buildSlowChain(): Uint8Array {
  const b = new GraphBuilder({ name: 'slow-chain' });
  let x = b.input('x', 'FP32', ['N', 256]);
  const w = b.filled('w', [256, 256], 1 / 256);
  for (let i = 0; i < 40; i++) x = b.op('MatMul', [x, w]);
  b.output('y', 'FP32', ['N', 256], x);
  return b.toBytes();
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-exec-'));
const paths = {
  tinyAdd: join(dir, 'tiny-add.onnx'),
  addSub: join(dir, 'add-sub.onnx'),
  mixed: join(dir, 'mixed.onnx'),
  corrupt: join(dir, 'corrupt.onnx'),
  slow: join(dir, 'slow.onnx'),
};
writeFileSync(paths.tinyAdd, buildTinyAdd());
writeFileSync(paths.addSub, buildAddSub());
writeFileSync(paths.mixed, buildMixedTypes());
writeFileSync(paths.corrupt, 'this is not an ONNX model');
writeFileSync(paths.slow, buildSlowChain());
after(() => rmSync(dir, { recursive: true, force: true }));

const rank = (tag: number): RunRank => ({ cls: 0, group: 'g', groupTag: tag, tag });
const spec = (key: string, path: string): LoadSpec => ({ key, path, options: { intraOpThreads: 1 } });
const fp32 = (name: string, shape: number[], fill: (i: number) => number): Tensor => ({
  name,
  datatype: 'FP32',
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => fill(i)),
});

function executorContract(getExecutor: () => Executor): void {
  it('loads a model and reports its inputs and outputs, dynamic dimensions as -1', async () => {
    const session = await getExecutor().load(spec('tiny-add@1', paths.tinyAdd));
    assert.equal(session.key, 'tiny-add@1');
    assert.deepEqual(session.inputs, [
      { name: 'a', datatype: 'FP32', shape: [-1, 16] },
      { name: 'b', datatype: 'FP32', shape: [-1, 16] },
    ]);
    assert.deepEqual(session.outputs, [{ name: 'sum', datatype: 'FP32', shape: [-1, 16] }]);
    assert.ok(session.loadMs >= 0);
    assert.ok(getExecutor().loadedKeys().includes('tiny-add@1'));
  });

  it('runs a batch and returns a + b with the time spent in session.run', async () => {
    const result = await getExecutor().run('tiny-add@1', [fp32('a', [3, 16], (i) => i), fp32('b', [3, 16], () => 0.5)], []);
    assert.equal(result.outputs.length, 1);
    const sum = result.outputs[0] as Tensor;
    assert.equal(sum.name, 'sum');
    assert.equal(sum.datatype, 'FP32');
    assert.deepEqual([...sum.shape], [3, 16]);
    assert.deepEqual([...(sum.data as Float32Array)], Array.from({ length: 48 }, (_, i) => i + 0.5));
    assert.ok(result.computeNs > 0);
  });

  it('returns only the requested outputs, in the requested order', async () => {
    const ex = getExecutor();
    await ex.load(spec('add-sub@1', paths.addSub));
    const inputs = [fp32('a', [1, 4], () => 5), fp32('b', [1, 4], () => 2)];
    const all = await ex.run('add-sub@1', inputs, []);
    assert.deepEqual(all.outputs.map((o) => o.name), ['sum', 'diff']);
    const one = await ex.run('add-sub@1', inputs, ['diff']);
    assert.deepEqual(one.outputs.map((o) => [o.name, [...(o.data as Float32Array)]]), [['diff', [3, 3, 3, 3]]]);
    const reordered = await ex.run('add-sub@1', inputs, ['diff', 'sum']);
    assert.deepEqual(reordered.outputs.map((o) => o.name), ['diff', 'sum']);
  });

  it('rejects an unknown output name or a wrong input datatype with INVALID_ARGUMENT', async () => {
    const ex = getExecutor();
    const inputs = [fp32('a', [1, 4], () => 1), fp32('b', [1, 4], () => 1)];
    await assert.rejects(ex.run('add-sub@1', inputs, ['nope']), { code: 'INVALID_ARGUMENT', message: /nope/ });
    const wrongType: Tensor = { name: 'b', datatype: 'INT32', shape: [1, 4], data: new Int32Array(4) };
    await assert.rejects(ex.run('add-sub@1', [inputs[0] as Tensor, wrongType], []), { code: 'INVALID_ARGUMENT', message: /'b'/ });
  });

  it('round trips BYTES, INT64 and BOOL tensors through a model', async () => {
    const ex = getExecutor();
    await ex.load(spec('mixed@1', paths.mixed));
    const result = await ex.run(
      'mixed@1',
      [
        { name: 's', datatype: 'BYTES', shape: [3], data: ['', 'héllo', 'x'.repeat(300)] },
        { name: 'i', datatype: 'INT64', shape: [3], data: new BigInt64Array([1n, -(2n ** 62n), 2n ** 53n + 1n]) },
        { name: 'f', datatype: 'BOOL', shape: [3], data: new Uint8Array([1, 0, 1]) },
      ],
      [],
    );
    const byName = new Map(result.outputs.map((o) => [o.name, o]));
    assert.deepEqual(byName.get('s_out')?.data, ['', 'héllo', 'x'.repeat(300)]);
    assert.equal(byName.get('s_out')?.datatype, 'BYTES');
    assert.deepEqual([...(byName.get('i_out')?.data as BigInt64Array)], [-1n, 2n ** 62n, -(2n ** 53n + 1n)]);
    assert.equal(byName.get('f_out')?.datatype, 'BOOL');
    assert.deepEqual([...(byName.get('f_out')?.data as Uint8Array)], [0, 1, 0]);
  });

  it('rejects a corrupt file with INVALID_ARGUMENT carrying ORT’s message, and keeps serving', async () => {
    const ex = getExecutor();
    await assert.rejects(ex.load(spec('corrupt@1', paths.corrupt)), { code: 'INVALID_ARGUMENT', message: /Protobuf parsing failed/ });
    assert.ok(!ex.loadedKeys().includes('corrupt@1'));
    const result = await ex.run('tiny-add@1', [fp32('a', [1, 16], () => 1), fp32('b', [1, 16], () => 2)], ['sum']);
    assert.equal((result.outputs[0]?.data as Float32Array)[0], 3);
  });

  it('rejects a missing file and an unknown session key with NOT_FOUND', async () => {
    const ex = getExecutor();
    await assert.rejects(ex.load(spec('gone@1', join(dir, 'gone.onnx'))), { code: 'NOT_FOUND' });
    await assert.rejects(ex.run('no-such@1', [], []), { code: 'NOT_FOUND', message: /no-such@1/ });
    await assert.rejects(ex.unload('no-such@1'), { code: 'NOT_FOUND' });
  });

  it('runs ranked calls waiting together in rank order, after the one running', async () => {
    const ex = getExecutor();
    await ex.load(spec('slow@1', paths.slow));
    const done: string[] = [];
    const add = [fp32('a', [1, 16], () => 1), fp32('b', [1, 16], () => 2)];
    const calls = [
      ex.run('slow@1', [fp32('x', [512, 256], () => 1)], [], { rank: rank(1) }).then(() => done.push('slow')),
      ex.run('tiny-add@1', add, [], { rank: rank(30) }).then(() => done.push('first')),
      ex.run('tiny-add@1', add, [], { rank: rank(40) }).then(() => done.push('second')),
      ex.run('tiny-add@1', add, [], { rank: rank(20) }).then(() => done.push('ranked ahead')),
    ];
    await Promise.all(calls);
    assert.deepEqual(done, ['slow', 'ranked ahead', 'first', 'second']);
    await ex.unload('slow@1');
  });

  it('forgets a session once it is unloaded', async () => {
    const ex = getExecutor();
    await ex.unload('add-sub@1');
    assert.ok(!ex.loadedKeys().includes('add-sub@1'));
    await assert.rejects(ex.run('add-sub@1', [], []), { code: 'NOT_FOUND' });
  });
}

describe('InProcessExecutor', () => {
  const ex = new InProcessExecutor();
  after(() => ex.close());
  executorContract(() => ex);
});

describe('WorkerClient talking to a worker process over a Unix socket', () => {
  let worker: DirectWorker;
  let client: WorkerClient;
  before(async () => {
    worker = await startDirectWorker(join(dir, 'direct.sock'));
    client = worker.client;
  });
  after(() => worker.stop());
  executorContract(() => client);

  it('rejects calls once the connection is closed, with UNAVAILABLE retryable', async () => {
    await client.close();
    assert.equal(client.connected, false);
    await assert.rejects(client.run('tiny-add@1', [], []), { code: 'UNAVAILABLE', retryable: true });
    assert.ok(client.loadedKeys().includes('tiny-add@1'), 'it remembers what it loaded');
    assert.deepEqual(client.loadSpecs().find((s) => s.key === 'tiny-add@1')?.path, paths.tinyAdd);
  });
});

describe('PooledWorker', () => {
  const pool = new WorkerPool();
  before(() => pool.start(1, { runDir: join(dir, 'run'), startTimeoutMs: READY_TIMEOUT_MS }));
  after(() => pool.stop());
  executorContract(() => pool.executors()[0] as Executor);
});
