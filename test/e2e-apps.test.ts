// End to end with API keys: tenants, apps, app and task inference over HTTP and gRPC, isolation between tenants.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, type IncomingMessage, request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type Client, Metadata, type ServiceError, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { inferenceServiceDefinition } from '../src/frontend/grpc/inference-proto.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import { type E2eServer, startE2eServer } from './helpers/e2e-server.js';
import { TempRepository } from './helpers/temp-repository.js';
import { tinyAddRequest, tinyAddSum } from './helpers/tiny-add-request.js';

const ADMIN_KEY = 'tsa_test-admin-key-0123456789';

type Json = Record<string, unknown>;

async function http(url: string, method: string, path: string, key: string | undefined, body?: unknown): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Json), headers: res.headers };
}

describe('apps and tenants end to end (auth on)', () => {
  const repo = new TempRepository('tessera-e2e-apps-')
    .addModel('add-small', buildTinyAdd(), { configYaml: 'task: adding\naccuracy: 0.6\nmax_batch_size: 8\n' })
    .addModel('add-large', buildTinyAdd(), { configYaml: 'task: adding\naccuracy: 0.9\nmax_batch_size: 8\n' });
  let e2e: E2eServer;
  let acmeKey = '';
  let globexKey = '';
  let grpcClient: Client;

  before(async () => {
    process.env['TESSERA_ADMIN_KEY'] = ADMIN_KEY;
    e2e = await startE2eServer(repo, { auth: true, grpcPort: 0 });
    for (const t of ['acme', 'globex']) {
      assert.equal((await http(e2e.url, 'POST', '/v2/tenants', ADMIN_KEY, { name: t })).status, 201);
    }
    acmeKey = (await http(e2e.url, 'POST', '/v2/tenants/acme/keys', ADMIN_KEY)).body['key'] as string;
    globexKey = (await http(e2e.url, 'POST', '/v2/tenants/globex/keys', ADMIN_KEY)).body['key'] as string;
    const Ctor = makeGenericClientConstructor(inferenceServiceDefinition(), 'GRPCInferenceService');
    grpcClient = new Ctor(`127.0.0.1:${String(e2e.server.grpcPort)}`, credentials.createInsecure());
  });

  after(async () => {
    delete process.env['TESSERA_ADMIN_KEY'];
    grpcClient.close();
    await e2e.server.stop();
    repo.remove();
  });

  it('refuses inference without a key (401 with a challenge) and with a wrong key', async () => {
    const none = await http(e2e.url, 'POST', '/v2/models/add-small/infer', undefined, tinyAddRequest(1, 0, 1));
    assert.equal(none.status, 401);
    assert.match(String(none.body['error']), /key|auth/i);
    assert.match(none.headers.get('www-authenticate') ?? '', /Bearer/);
    assert.equal((await http(e2e.url, 'POST', '/v2/models/add-small/infer', 'tsk_wrong', tinyAddRequest(1, 0, 1))).status, 401);
  });

  it('registers an app for a tenant and answers it through the router, naming the variant and its times', async () => {
    const put = await http(e2e.url, 'PUT', '/v2/apps/summer', acmeKey, { task: 'adding', slo: { latency_ms: 5000 }, min_accuracy: 0.8 });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const res = await http(e2e.url, 'POST', '/v2/apps/summer/infer', acmeKey, tinyAddRequest(2, 1, 3));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body['model_name'], 'add-large', 'only add-large meets the 0.8 accuracy floor');
    const params = res.body['parameters'] as Json;
    assert.equal(params['tessera.app'], 'summer');
    assert.equal(typeof params['tessera.queue_us'], 'number');
    assert.equal(typeof params['tessera.compute_us'], 'number');
    const out = (res.body['outputs'] as { data: number[] }[])[0];
    assert.deepEqual(out?.data, tinyAddSum(2, 1, 3));
  });

  it('hides one tenant\'s app from another: 404 exactly like a missing app', async () => {
    const other = await http(e2e.url, 'POST', '/v2/apps/summer/infer', globexKey, tinyAddRequest(1, 0, 1));
    const missing = await http(e2e.url, 'POST', '/v2/apps/nothing-here/infer', globexKey, tinyAddRequest(1, 0, 1));
    assert.equal(other.status, 404);
    assert.equal(missing.status, 404);
    assert.equal(other.body['error'], String(missing.body['error']).replace('nothing-here', 'summer'));
    assert.equal((await http(e2e.url, 'GET', '/v2/apps/summer', globexKey)).status, 404);
  });

  it('answers a model-less task request and refuses an impossible accuracy floor with a clear error', async () => {
    const ok = await http(e2e.url, 'POST', '/v2/tasks/adding/infer', acmeKey, { ...tinyAddRequest(1, 0, 1), parameters: { 'tessera.min_accuracy': 0.5, 'tessera.slo_ms': 5000 } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.ok(['add-small', 'add-large'].includes(ok.body['model_name'] as string));
    const none = await http(e2e.url, 'POST', '/v2/tasks/adding/infer', acmeKey, { ...tinyAddRequest(1, 0, 1), parameters: { 'tessera.min_accuracy': 0.99 } });
    assert.equal(none.status, 404);
    assert.match(String(none.body['error']), /adding/);
    const bad = await http(e2e.url, 'POST', '/v2/tasks/adding/infer', acmeKey, { ...tinyAddRequest(1, 0, 1), parameters: { 'tessera.min_accuracy': 'high' } });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body['error']), /min_accuracy/);
  });

  it('refuses an app whose task no model serves', async () => {
    const res = await http(e2e.url, 'PUT', '/v2/apps/bad', acmeKey, { task: 'flying', slo: { latency_ms: 50 } });
    assert.equal(res.status, 400);
    assert.match(String(res.body['error']), /flying/);
  });

  it('keeps repository control for the admin key only', async () => {
    assert.equal((await http(e2e.url, 'POST', '/v2/repository/index', acmeKey, {})).status, 403);
    assert.equal((await http(e2e.url, 'POST', '/v2/repository/index', ADMIN_KEY, {})).status, 200);
  });

  it('serves the app over gRPC with the tessera.app parameter and the key in metadata; refuses a call without a key', async () => {
    const request = {
      model_name: '',
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [1, 16] },
        { name: 'b', datatype: 'FP32', shape: [1, 16] },
      ],
      raw_input_contents: [Buffer.from(new Float32Array(16).fill(1).buffer), Buffer.from(new Float32Array(16).fill(2).buffer)],
      parameters: { 'tessera.app': { string_param: 'summer' } },
    };
    const call = (md: Metadata) =>
      new Promise<{ model_name: string }>((resolve, reject) => {
        const fn = (grpcClient as unknown as Record<string, (r: object, m: Metadata, cb: (e: ServiceError | null, r: unknown) => void) => void>)['ModelInfer'];
        fn?.call(grpcClient, request, md, (e, r) => (e === null ? resolve(r as { model_name: string }) : reject(e)));
      });
    const md = new Metadata();
    md.set('authorization', `Bearer ${acmeKey}`);
    assert.equal((await call(md)).model_name, 'add-large');
    await assert.rejects(call(new Metadata()), (e: ServiceError) => e.code === 16);
  });

  it('counts app requests and SLO results in the metrics', async () => {
    const text = await (await fetch(`${e2e.url}/metrics`)).text();
    assert.match(text, /tessera_app_requests_total\{tenant="acme",app="summer",outcome="success"\} [1-9]/);
    assert.match(text, /tessera_app_slo_total\{tenant="acme",app="summer",result="met"\} [1-9]/);
  });
});

describe('admission control end to end (auth off)', () => {
  const repo = new TempRepository('tessera-e2e-admission-').addModel('add', buildTinyAdd(), { configYaml: 'task: adding\nmax_batch_size: 8\n' });
  let e2e: E2eServer;

  before(async () => {
    e2e = await startE2eServer(repo, { workers: 1 });
  });

  after(async () => {
    await e2e.server.stop();
    repo.remove();
  });

  it('answers 429 with Retry-After when a request cannot meet its timeout, and 504 never reaches the client for admitted work', async () => {
    // Teach the cost estimator what a run costs, then ask for the impossible: a 1 µs timeout.
    for (let i = 0; i < 3; i++) assert.equal((await http(e2e.url, 'POST', '/v2/models/add/infer', undefined, tinyAddRequest(1, 0, 1))).status, 200);
    const res = await http(e2e.url, 'POST', '/v2/models/add/infer', undefined, { ...tinyAddRequest(1, 0, 1), parameters: { timeout: 1 } });
    assert.equal(res.status, 429, JSON.stringify(res.body));
    assert.match(String(res.body['error']), /admission/);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
  });

  it('refuses an app request that cannot be admitted before its body arrives, and the connection serves on', async () => {
    const put = await http(e2e.url, 'PUT', '/v2/apps/rushed', undefined, { task: 'adding', slo: { latency_ms: 0.001 } });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    for (let i = 0; i < 3; i++) assert.equal((await http(e2e.url, 'POST', '/v2/models/add/infer', undefined, tinyAddRequest(1, 0, 1))).status, 200);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = Buffer.alloc(256 * 1024, 0x20);
      const req = httpRequest(`${e2e.url}/v2/apps/rushed/infer`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.byteLength) } });
      req.write(body.subarray(0, 1024));
      // The answer comes while 255 KiB of the body are still unsent: the refusal did not wait for the body.
      const [res] = (await once(req, 'response', { signal: AbortSignal.timeout(5000) })) as [IncomingMessage];
      assert.equal(res.statusCode, 429);
      assert.ok(Number(res.headers['retry-after']) >= 1);
      req.end(body.subarray(1024));
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      assert.match(String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json)['error']), /admission control/);
      // The rest of the body is read and dropped; the same keep-alive connection answers the next request.
      const next = httpRequest(`${e2e.url}/v2/health/ready`, { agent });
      next.end();
      const [res2] = (await once(next, 'response')) as [IncomingMessage];
      res2.resume();
      assert.equal(res2.statusCode, 200);
      assert.equal(next.reusedSocket, true);
    } finally {
      agent.destroy();
    }
  });

  it('rejects a malformed priority parameter with 400 naming it', async () => {
    const res = await http(e2e.url, 'POST', '/v2/models/add/infer', undefined, { ...tinyAddRequest(1, 0, 1), parameters: { priority: 1.5 } });
    assert.equal(res.status, 400);
    assert.match(String(res.body['error']), /priority/);
  });
});
