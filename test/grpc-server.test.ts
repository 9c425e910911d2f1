// Integration test of the OIP V2 gRPC front end: a real grpc-js client against the server over a fake EngineApi.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Client, credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { ServingError } from '../src/core/errors.js';
import type {
  InferRequest,
  InferResponse,
  ModelMetadata,
  ModelStatistics,
  RepositoryIndexEntry,
  ServerMetadata,
} from '../src/core/inference.js';
import type { Tensor } from '../src/core/tensor.js';
import type { EngineApi } from '../src/engine/engine-api.js';
import { type GrpcServerHandle, startGrpcServer } from '../src/frontend/grpc/grpc-server.js';
import { inferenceServiceDefinition } from '../src/frontend/grpc/inference-proto.js';

/** Fake engine: "add" sums/subtracts two FP32 vectors, "identity" echoes its inputs, "broken" throws an Error. */
class FakeEngine implements EngineApi {
  async modelProfile(): Promise<never> {
    throw new ServingError('NOT_FOUND', 'no profiles in the fake engine');
  }

  async inferApp(_tenant: string, app: string, request: Omit<InferRequest, 'model'>): Promise<InferResponse> {
    return this.infer({ ...request, model: app });
  }

  async inferTask(task: string, request: Omit<InferRequest, 'model'>): Promise<InferResponse> {
    return this.infer({ ...request, model: task });
  }

  refuseAppEarly(): undefined {
    return undefined;
  }

  lastRequest: InferRequest | undefined;
  readonly loaded = new Set(['add', 'identity', 'broken']);
  readonly known = new Set(['add', 'identity', 'broken', 'cold']);
  readonly unloads: { name: string; unloadDependents: boolean }[] = [];

  isLive(): boolean {
    return true;
  }
  isReady(): boolean {
    return true;
  }
  serverMetadata(): ServerMetadata {
    return { name: 'tessera', version: '0.1.0', extensions: ['model_repository', 'statistics'] };
  }
  modelMetadata(name: string, version?: string): ModelMetadata {
    this.check(name, version);
    return {
      name,
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'A', datatype: 'FP32', shape: [-1] },
        { name: 'B', datatype: 'FP32', shape: [-1] },
      ],
      outputs: [{ name: 'SUM', datatype: 'FP32', shape: [-1] }],
    };
  }
  isModelReady(name: string, version?: string): boolean {
    this.check(name, version);
    return this.loaded.has(name);
  }
  async infer(request: InferRequest): Promise<InferResponse> {
    this.lastRequest = request;
    this.check(request.model, request.version);
    if (request.model === 'broken') throw new Error('kaboom');
    let outputs: Tensor[] = [...request.inputs];
    if (request.model === 'add') {
      const a = this.input(request, 'A');
      const b = this.input(request, 'B');
      const sum = a.map((v, i) => v + (b[i] ?? 0));
      const diff = a.map((v, i) => v - (b[i] ?? 0));
      outputs = [
        { name: 'SUM', datatype: 'FP32', shape: [sum.length], data: sum },
        { name: 'DIFF', datatype: 'FP32', shape: [diff.length], data: diff },
      ];
    }
    const wanted = request.outputs?.map((o) => o.name);
    return {
      model: request.model,
      version: '1',
      ...(request.id === undefined ? {} : { id: request.id }),
      outputs: wanted === undefined ? outputs : outputs.filter((o) => wanted.includes(o.name)),
      parameters: { echoed: request.parameters?.['tag'] ?? 'none', ratio: 0.5, big: 7, ok: true },
    };
  }
  repositoryIndex(readyOnly: boolean): RepositoryIndexEntry[] {
    const all: RepositoryIndexEntry[] = [...this.known].map((name) =>
      this.loaded.has(name)
        ? { name, version: '1', state: 'READY' }
        : { name, state: 'UNAVAILABLE', reason: 'unloaded' },
    );
    return readyOnly ? all.filter((e) => e.state === 'READY') : all;
  }
  async loadModel(name: string): Promise<void> {
    this.check(name);
    this.loaded.add(name);
  }
  async unloadModel(name: string, options?: { unloadDependents?: boolean }): Promise<void> {
    this.check(name);
    this.loaded.delete(name);
    this.unloads.push({ name, unloadDependents: options?.unloadDependents ?? false });
  }
  statistics(name?: string): ModelStatistics[] {
    if (name !== undefined) this.check(name);
    const d = (count: number, ns: number) => ({ count, ns });
    const stats = (model: string): ModelStatistics => ({
      name: model,
      version: '1',
      last_inference: 1_700_000_000_000,
      inference_count: 12,
      execution_count: 4,
      inference_stats: {
        success: d(12, 9_000_000_000_123),
        fail: d(1, 50),
        queue: d(12, 1200.7),
        compute_input: d(4, 40),
        compute_infer: d(4, 4000),
        compute_output: d(4, 40),
      },
      batch_stats: [{ batch_size: 3, compute_input: d(4, 40), compute_infer: d(4, 4000), compute_output: d(4, 40) }],
    });
    return name === undefined ? ['add', 'identity'].map(stats) : [stats(name)];
  }

  private check(name: string, version?: string): void {
    if (!this.known.has(name) || (version !== undefined && version !== '1')) {
      const what = version === undefined ? `model '${name}'` : `model '${name}' version ${version}`;
      throw new ServingError('NOT_FOUND', `${what} not found`);
    }
  }
  private input(request: InferRequest, name: string): Float32Array {
    const t = request.inputs.find((i) => i.name === name);
    if (t === undefined || !(t.data instanceof Float32Array)) {
      throw new ServingError('INVALID_ARGUMENT', `input '${name}' is missing or not FP32`);
    }
    return t.data;
  }
}

type UnaryMethod = (request: object, callback: (err: ServiceError | null, response: unknown) => void) => void;

function call<T = Record<string, unknown>>(client: Client, method: string, request: object = {}): Promise<T> {
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  assert.ok(fn, `client has no method ${method}`);
  return new Promise((resolve, reject) => {
    fn.call(client, request, (err, response) => (err === null ? resolve(response as T) : reject(err)));
  });
}

async function callError(client: Client, method: string, request: object): Promise<ServiceError> {
  try {
    await call(client, method, request);
  } catch (err) {
    return err as ServiceError;
  }
  assert.fail(`${method} unexpectedly succeeded`);
}

const f32Bytes = (values: number[]): Buffer => Buffer.from(new Float32Array(values).buffer);
/** Copy first: the received Buffer may sit at an offset not aligned for the element size. */
const f32 = (bytes: Uint8Array): number[] => [...new Float32Array(new Uint8Array(bytes).buffer)];

interface InferReply {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Record<string, Record<string, unknown>>;
  outputs: { name: string; datatype: string; shape: string[] }[];
  raw_output_contents: Buffer[];
}

const ServiceClient = makeGenericClientConstructor(inferenceServiceDefinition(), 'GRPCInferenceService');
const MAX_MESSAGE_BYTES = 1 << 20;

describe('gRPC front end', () => {
  const engine = new FakeEngine();
  let server: GrpcServerHandle;
  let client: Client;

  before(async () => {
    server = await startGrpcServer(engine, { host: '127.0.0.1', port: 0, maxMessageBytes: MAX_MESSAGE_BYTES });
    client = new ServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  });

  after(async () => {
    client.close();
    await server.close();
  });

  test('an ephemeral port is bound when port 0 is asked for', () => {
    assert.ok(server.port > 0);
  });

  test('the server reports live, ready and its metadata', async () => {
    assert.deepEqual(await call(client, 'ServerLive'), { live: true });
    assert.deepEqual(await call(client, 'ServerReady'), { ready: true });
    assert.deepEqual(await call(client, 'ServerMetadata'), {
      name: 'tessera',
      version: '0.1.0',
      extensions: ['model_repository', 'statistics'],
    });
  });

  test('model metadata lists tensors with -1 for dynamic dimensions', async () => {
    const m = await call<{ name: string; platform: string; inputs: { name: string; shape: string[] }[] }>(
      client,
      'ModelMetadata',
      { name: 'add' },
    );
    assert.equal(m.name, 'add');
    assert.equal(m.platform, 'onnxruntime_onnx');
    assert.deepEqual(
      m.inputs.map((i) => [i.name, i.shape]),
      [
        ['A', ['-1']],
        ['B', ['-1']],
      ],
    );
  });

  test('model readiness is reported and an unknown model is NOT_FOUND', async () => {
    assert.deepEqual(await call(client, 'ModelReady', { name: 'add', version: '1' }), { ready: true });
    assert.deepEqual(await call(client, 'ModelReady', { name: 'cold' }), { ready: false });
    const err = await callError(client, 'ModelReady', { name: 'nope' });
    assert.equal(err.code, 5);
    assert.match(err.details, /nope/);
  });

  test('inference with raw_input_contents returns raw outputs and echoes the id', async () => {
    const reply = await call<InferReply>(client, 'ModelInfer', {
      model_name: 'add',
      id: 'req-42',
      inputs: [
        { name: 'A', datatype: 'FP32', shape: [3] },
        { name: 'B', datatype: 'FP32', shape: [3] },
      ],
      raw_input_contents: [f32Bytes([1, 2, 3]), f32Bytes([10, 20, 30])],
    });
    assert.equal(reply.id, 'req-42');
    assert.equal(reply.model_name, 'add');
    assert.equal(reply.model_version, '1');
    assert.deepEqual(
      reply.outputs.map((o) => [o.name, o.datatype, o.shape]),
      [
        ['SUM', 'FP32', ['3']],
        ['DIFF', 'FP32', ['3']],
      ],
    );
    assert.deepEqual(reply.raw_output_contents.map(f32), [
      [11, 22, 33],
      [-9, -18, -27],
    ]);
  });

  test('inference with typed fp32_contents gives the same result', async () => {
    const reply = await call<InferReply>(client, 'ModelInfer', {
      model_name: 'add',
      model_version: '1',
      inputs: [
        { name: 'A', datatype: 'FP32', shape: [2], contents: { fp32_contents: [1.5, 2] } },
        { name: 'B', datatype: 'FP32', shape: [2], contents: { fp32_contents: [0.5, 3] } },
      ],
    });
    assert.equal(reply.id, '');
    assert.deepEqual(f32(reply.raw_output_contents[0] ?? Buffer.alloc(0)), [2, 5]);
  });

  test('typed INT64, BYTES and BOOL contents arrive as core tensors and return as raw bytes', async () => {
    const reply = await call<InferReply>(client, 'ModelInfer', {
      model_name: 'identity',
      inputs: [
        { name: 'I', datatype: 'INT64', shape: [2], contents: { int64_contents: ['-9007199254740993', '5'] } },
        {
          name: 'S',
          datatype: 'BYTES',
          shape: [2],
          contents: { bytes_contents: [Buffer.from('hé'), Buffer.alloc(0)] },
        },
        { name: 'F', datatype: 'BOOL', shape: [1, 3], contents: { bool_contents: [true, false, true] } },
      ],
    });
    const seen = engine.lastRequest?.inputs ?? [];
    assert.deepEqual([...(seen[0]?.data as BigInt64Array)], [-9007199254740993n, 5n]);
    assert.deepEqual(seen[1]?.data, ['hé', '']);
    assert.deepEqual([...(seen[2]?.data as Uint8Array)], [1, 0, 1]);
    assert.deepEqual(
      reply.outputs.map((o) => [o.name, o.datatype, o.shape]),
      [
        ['I', 'INT64', ['2']],
        ['S', 'BYTES', ['2']],
        ['F', 'BOOL', ['1', '3']],
      ],
    );
    const [i64, bytes, bools] = reply.raw_output_contents.map((b) => new Uint8Array(b));
    assert.deepEqual([...new BigInt64Array(i64?.buffer ?? new ArrayBuffer(0))], [-9007199254740993n, 5n]);
    // BYTES raw form: a 4-byte little-endian length before each element.
    assert.deepEqual([...(bytes ?? [])], [3, 0, 0, 0, 0x68, 0xc3, 0xa9, 0, 0, 0, 0]);
    assert.deepEqual([...(bools ?? [])], [1, 0, 1]);
  });

  test('FP16 travels in raw_input_contents but is refused in typed contents', async () => {
    const half = Buffer.from(new Uint16Array([0x3c00, 0xc000]).buffer);
    const reply = await call<InferReply>(client, 'ModelInfer', {
      model_name: 'identity',
      inputs: [{ name: 'H', datatype: 'FP16', shape: [2] }],
      raw_input_contents: [half],
    });
    assert.deepEqual([...(reply.raw_output_contents[0] ?? [])], [...half]);
    const err = await callError(client, 'ModelInfer', {
      model_name: 'identity',
      inputs: [{ name: 'H', datatype: 'FP16', shape: [1], contents: { fp32_contents: [1] } }],
    });
    assert.equal(err.code, 3);
    assert.match(err.details, /'H'.*raw_input_contents/);
  });

  test('a requested output subset is passed to the engine and only those outputs return', async () => {
    const reply = await call<InferReply>(client, 'ModelInfer', {
      model_name: 'add',
      inputs: [
        { name: 'A', datatype: 'FP32', shape: [1] },
        { name: 'B', datatype: 'FP32', shape: [1] },
      ],
      outputs: [{ name: 'DIFF' }],
      raw_input_contents: [f32Bytes([5]), f32Bytes([2])],
    });
    assert.deepEqual(engine.lastRequest?.outputs, [{ name: 'DIFF' }]);
    assert.deepEqual(
      reply.outputs.map((o) => o.name),
      ['DIFF'],
    );
    assert.deepEqual(reply.raw_output_contents.map(f32), [[3]]);
  });

  test('parameters convert both ways between InferParameter and core values', async () => {
    const reply = await call<InferReply>(client, 'ModelInfer', {
      model_name: 'identity',
      inputs: [],
      parameters: {
        tag: { string_param: 'blue' },
        priority: { int64_param: 3 },
        urgent: { bool_param: true },
        weight: { double_param: 0.25 },
      },
    });
    assert.deepEqual(engine.lastRequest?.parameters, { tag: 'blue', priority: 3, urgent: true, weight: 0.25 });
    assert.deepEqual(reply.parameters, {
      echoed: { string_param: 'blue', parameter_choice: 'string_param' },
      ratio: { double_param: 0.5, parameter_choice: 'double_param' },
      big: { int64_param: '7', parameter_choice: 'int64_param' },
      ok: { bool_param: true, parameter_choice: 'bool_param' },
    });
  });

  test('a raw input of the wrong length is INVALID_ARGUMENT naming the tensor', async () => {
    const err = await callError(client, 'ModelInfer', {
      model_name: 'add',
      inputs: [
        { name: 'A', datatype: 'FP32', shape: [2] },
        { name: 'B', datatype: 'FP32', shape: [2] },
      ],
      raw_input_contents: [f32Bytes([1, 2]), f32Bytes([1])],
    });
    assert.equal(err.code, 3);
    assert.match(err.details, /'B'.*4 bytes.*needs 8/);
  });

  test('mixing raw_input_contents with typed contents is INVALID_ARGUMENT', async () => {
    const err = await callError(client, 'ModelInfer', {
      model_name: 'add',
      inputs: [
        { name: 'A', datatype: 'FP32', shape: [1] },
        { name: 'B', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } },
      ],
      raw_input_contents: [f32Bytes([1]), f32Bytes([1])],
    });
    assert.equal(err.code, 3);
    assert.match(err.details, /'B'/);
  });

  test('typed contents whose count does not match the shape are INVALID_ARGUMENT', async () => {
    const err = await callError(client, 'ModelInfer', {
      model_name: 'add',
      inputs: [{ name: 'A', datatype: 'FP32', shape: [2, 2], contents: { fp32_contents: [1, 2, 3] } }],
    });
    assert.equal(err.code, 3);
    assert.match(err.details, /'A'.*3 values.*needs 4/);
  });

  test('an unknown datatype is INVALID_ARGUMENT', async () => {
    const err = await callError(client, 'ModelInfer', {
      model_name: 'identity',
      inputs: [{ name: 'X', datatype: 'FP8', shape: [1] }],
      raw_input_contents: [Buffer.alloc(1)],
    });
    assert.equal(err.code, 3);
    assert.match(err.details, /'X'.*FP8/);
  });

  test('inference on an unknown model is NOT_FOUND', async () => {
    const err = await callError(client, 'ModelInfer', { model_name: 'nope', inputs: [] });
    assert.equal(err.code, 5);
    assert.match(err.details, /nope/);
  });

  test('an engine error without a code becomes INTERNAL', async () => {
    const err = await callError(client, 'ModelInfer', { model_name: 'broken', inputs: [] });
    assert.equal(err.code, 13);
    assert.match(err.details, /kaboom/);
  });

  test('the repository index lists models with version, state and reason', async () => {
    const all = await call<{ models: unknown[] }>(client, 'RepositoryIndex', {});
    assert.deepEqual(all.models, [
      { name: 'add', version: '1', state: 'READY', reason: '' },
      { name: 'identity', version: '1', state: 'READY', reason: '' },
      { name: 'broken', version: '1', state: 'READY', reason: '' },
      { name: 'cold', version: '', state: 'UNAVAILABLE', reason: 'unloaded' },
    ]);
    const ready = await call<{ models: { name: string }[] }>(client, 'RepositoryIndex', { ready: true });
    assert.deepEqual(
      ready.models.map((m) => m.name),
      ['add', 'identity', 'broken'],
    );
  });

  test('models load and unload through the repository extension', async () => {
    assert.deepEqual(await call(client, 'RepositoryModelLoad', { model_name: 'cold' }), {});
    assert.ok(engine.loaded.has('cold'));
    assert.deepEqual(
      await call(client, 'RepositoryModelUnload', {
        model_name: 'cold',
        parameters: { unload_dependents: { bool_param: true } },
      }),
      {},
    );
    assert.ok(!engine.loaded.has('cold'));
    assert.deepEqual(engine.unloads.at(-1), { name: 'cold', unloadDependents: true });
    assert.equal((await callError(client, 'RepositoryModelLoad', { model_name: 'nope' })).code, 5);
    assert.equal((await callError(client, 'RepositoryModelLoad', { model_name: '' })).code, 3);
  });

  test('statistics map to the Triton message with uint64 counters', async () => {
    const all = await call<{ model_stats: { name: string }[] }>(client, 'ModelStatistics', {});
    assert.deepEqual(
      all.model_stats.map((s) => s.name),
      ['add', 'identity'],
    );
    const one = await call<{ model_stats: Record<string, unknown>[] }>(client, 'ModelStatistics', { name: 'add' });
    const stats = one.model_stats[0];
    assert.equal(stats?.['last_inference'], '1700000000000');
    assert.equal(stats?.['inference_count'], '12');
    assert.deepEqual((stats?.['inference_stats'] as Record<string, unknown>)['success'], {
      count: '12',
      ns: '9000000000123',
    });
    // Fractional nanoseconds are truncated: uint64 holds whole numbers.
    assert.deepEqual((stats?.['inference_stats'] as Record<string, unknown>)['queue'], { count: '12', ns: '1200' });
    assert.deepEqual(stats?.['batch_stats'], [
      {
        batch_size: '3',
        compute_input: { count: '4', ns: '40' },
        compute_infer: { count: '4', ns: '4000' },
        compute_output: { count: '4', ns: '40' },
      },
    ]);
    assert.equal((await callError(client, 'ModelStatistics', { name: 'nope' })).code, 5);
  });
});

describe('gRPC front end message size limit', () => {
  test('a request larger than maxMessageBytes is RESOURCE_EXHAUSTED', async () => {
    const engine = new FakeEngine();
    const server = await startGrpcServer(engine, { host: '127.0.0.1', port: 0, maxMessageBytes: 1024 });
    const client = new ServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
    try {
      const err = await callError(client, 'ModelInfer', {
        model_name: 'identity',
        inputs: [{ name: 'X', datatype: 'UINT8', shape: [4096] }],
        raw_input_contents: [Buffer.alloc(4096)],
      });
      assert.equal(err.code, 8);
      assert.equal(engine.lastRequest, undefined);
    } finally {
      client.close();
      await server.close();
    }
  });
});
