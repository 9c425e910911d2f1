// End to end over gRPC: a grpc-js client against the real server, worker processes and the tiny-add model.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Client, type ServiceError, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { inferenceServiceDefinition } from '../src/frontend/grpc/inference-proto.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import { type E2eServer, startE2eServer } from './helpers/e2e-server.js';
import { TempRepository } from './helpers/temp-repository.js';

type Callback = (err: ServiceError | null, res: unknown) => void;

function call<T>(client: Client, method: string, request: object): Promise<T> {
  const fn = (client as unknown as Record<string, (req: object, cb: Callback) => void>)[method];
  assert.ok(fn, `client has no method ${method}`);
  return new Promise((resolve, reject) => fn.call(client, request, (err, res) => (err === null ? resolve(res as T) : reject(err))));
}

function f32(values: number[]): Buffer {
  return Buffer.from(new Float32Array(values).buffer);
}

describe('gRPC end to end', () => {
  const repo = new TempRepository('tessera-e2e-grpc-');
  let e2e: E2eServer;
  let client: Client;

  before(async () => {
    repo.addModel('tiny-add', buildTinyAdd());
    e2e = await startE2eServer(repo, { grpcPort: 0 });
    const Ctor = makeGenericClientConstructor(inferenceServiceDefinition(), 'GRPCInferenceService');
    client = new Ctor(`127.0.0.1:${String(e2e.server.grpcPort)}`, credentials.createInsecure());
  });

  after(async () => {
    client.close();
    await e2e.server.stop();
    repo.remove();
  });

  it('reports the server live and the model ready', async () => {
    assert.equal((await call<{ live: boolean }>(client, 'ServerLive', {})).live, true);
    assert.equal((await call<{ ready: boolean }>(client, 'ModelReady', { name: 'tiny-add' })).ready, true);
  });

  it('answers ModelInfer with raw input contents through a worker process', async () => {
    const a = Array.from({ length: 16 }, (_, i) => i);
    const res = await call<{ id: string; model_name: string; raw_output_contents: Buffer[]; outputs: { name: string; shape: string[] }[] }>(
      client,
      'ModelInfer',
      {
        model_name: 'tiny-add',
        id: 'g1',
        inputs: [
          { name: 'a', datatype: 'FP32', shape: [1, 16] },
          { name: 'b', datatype: 'FP32', shape: [1, 16] },
        ],
        raw_input_contents: [f32(a), f32(new Array(16).fill(2))],
      },
    );
    assert.equal(res.id, 'g1');
    assert.equal(res.model_name, 'tiny-add');
    assert.equal(res.outputs[0]?.name, 'sum');
    const raw = res.raw_output_contents[0] as Buffer;
    const sum = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    assert.deepEqual([...sum], a.map((x) => x + 2));
  });

  it('maps a wrong input name to INVALID_ARGUMENT and an unknown model to NOT_FOUND', async () => {
    const bad = call(client, 'ModelInfer', {
      model_name: 'tiny-add',
      inputs: [{ name: 'nope', datatype: 'FP32', shape: [1, 16] }],
      raw_input_contents: [f32(new Array(16).fill(0))],
    });
    await assert.rejects(bad, (e: ServiceError) => e.code === 3 && /'nope'/.test(e.details));
    const missing = call(client, 'ModelMetadata', { name: 'missing' });
    await assert.rejects(missing, (e: ServiceError) => e.code === 5);
  });
});
