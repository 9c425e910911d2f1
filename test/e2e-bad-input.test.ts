// End to end: every kind of bad request or bad repository content gets the right status and a message naming the
// culprit, and the server keeps serving.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RepositoryIndexEntry } from '../src/core/inference.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import { type E2eServer, startE2eServer } from './helpers/e2e-server.js';
import { type ErrorBody, OipClient } from './helpers/oip-client.js';
import { TempRepository } from './helpers/temp-repository.js';
import { tinyAddRequest } from './helpers/tiny-add-request.js';

const MAX_BODY_BYTES = 64 * 1024;
const MAX_BATCH = 4;

const repo = new TempRepository('e2e-bad')
  .addModel('tiny-add', buildTinyAdd(), { configYaml: `max_batch_size: ${MAX_BATCH}\n` })
  .addModel('toggle', buildTinyAdd())
  .addModel('corrupt', new TextEncoder().encode('this is not an ONNX model'))
  .addModel('bad-config', buildTinyAdd(), { configYaml: 'max_batch_size: 4\nmax_bach_delay: 10\n' });

let e2e: E2eServer;
let client: OipClient;

before(async () => {
  e2e = await startE2eServer(repo, { maxBodyBytes: MAX_BODY_BYTES });
  client = new OipClient(e2e.url);
});
after(async () => {
  await e2e?.server.stop();
  repo.remove();
});

/** A tiny-add request with one input changed by `edit`. */
function withInputA(edit: (a: Record<string, unknown>) => Record<string, unknown>): unknown {
  const req = tinyAddRequest(1, 0, 1);
  return { inputs: [edit(req.inputs[0] as unknown as Record<string, unknown>), req.inputs[1]] };
}

async function expectError(reply: Promise<{ status: number; body: unknown }>, status: number, pattern: RegExp): Promise<void> {
  const res = await reply;
  assert.equal(res.status, status, JSON.stringify(res.body));
  const error = (res.body as Partial<ErrorBody> | undefined)?.error;
  assert.equal(typeof error, 'string', `a JSON {"error": ...} body, got ${JSON.stringify(res.body)}`);
  assert.match(error as string, pattern);
}

describe('bad requests', () => {
  it('rejects malformed JSON with 400', async () => {
    await expectError(client.post('/v2/models/tiny-add/infer', '{"inputs": ['), 400, /malformed JSON/);
  });

  it('answers 404 naming an unknown model', async () => {
    await expectError(client.infer('no-such-model', tinyAddRequest(1, 0, 1)), 404, /no-such-model/);
    await expectError(client.get('/v2/models/no-such-model'), 404, /no-such-model/);
  });

  it('answers 404 naming an unknown version', async () => {
    await expectError(client.infer('tiny-add', tinyAddRequest(1, 0, 1), '7'), 404, /version '7'/);
    await expectError(client.get('/v2/models/tiny-add/versions/7'), 404, /version '7'/);
  });

  it('rejects an input the model does not have, naming it', async () => {
    await expectError(client.infer('tiny-add', withInputA((a) => ({ ...a, name: 'c' }))), 400, /'c'/);
  });

  it('rejects a request missing an input, naming it', async () => {
    const req = tinyAddRequest(1, 0, 1);
    await expectError(client.infer('tiny-add', { inputs: [req.inputs[0]] }), 400, /missing input 'b'/);
  });

  it('rejects a wrong datatype, naming the tensor', async () => {
    await expectError(client.infer('tiny-add', withInputA((a) => ({ ...a, datatype: 'INT32' }))), 400, /'a'.*INT32/);
  });

  it('rejects a wrong shape, naming the tensor', async () => {
    const req = withInputA((a) => ({ ...a, shape: [2, 8] }));
    await expectError(client.infer('tiny-add', req), 400, /'a'.*\[2,8\]/);
  });

  it('rejects data whose element count disagrees with the shape', async () => {
    const req = withInputA((a) => ({ ...a, data: (a['data'] as number[]).slice(1) }));
    await expectError(client.infer('tiny-add', req), 400, /'a'.*16.*15|'a'.*15.*16/);
  });

  it('rejects an Inference-Header-Content-Length longer than the body', async () => {
    const header = { inputs: tinyAddRequest(1, 0, 1).inputs };
    const res = await client.inferBinary<ErrorBody>('tiny-add', header, [], 1_000_000);
    assert.equal(res.status, 400);
    assert.match(res.json.error, /Inference-Header-Content-Length/);
  });

  it('rejects binary data shorter than its binary_data_size, naming the tensor', async () => {
    const header = {
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [1, 16], parameters: { binary_data_size: 64 } },
        tinyAddRequest(1, 0, 1).inputs[1],
      ],
    };
    const res = await client.inferBinary<ErrorBody>('tiny-add', header, [new Uint8Array(32)]);
    assert.equal(res.status, 400);
    assert.match(res.json.error, /'a'.*binary_data_size 64/);
  });

  it(`rejects a body over the ${MAX_BODY_BYTES}-byte limit with 413`, async () => {
    const res = await fetch(`${e2e.url}/v2/models/tiny-add/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [], padding: 'x'.repeat(MAX_BODY_BYTES) }),
      signal: AbortSignal.timeout(15_000),
    });
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as ErrorBody).error, new RegExp(String(MAX_BODY_BYTES)));
  });

  it('rejects a batch larger than max_batch_size, naming the limit', async () => {
    await expectError(client.infer('tiny-add', tinyAddRequest(MAX_BATCH + 1, 0, 1)), 400, new RegExp(`max_batch_size ${MAX_BATCH}`));
  });

  it('rejects a request for an output the model does not have, naming it', async () => {
    const req = { ...tinyAddRequest(1, 0, 1), outputs: [{ name: 'product' }] };
    await expectError(client.infer('tiny-add', req), 400, /unknown output 'product'/);
  });

  it('answers 404 with a JSON error for a route that does not exist', async () => {
    await expectError(client.get('/v2/no/such/route'), 404, /\/v2\/no\/such\/route/);
  });
});

describe('models that cannot serve', () => {
  it('answers 503 for a model that was unloaded', async () => {
    assert.equal((await client.post('/v2/repository/models/toggle/unload', {})).status, 200);
    await expectError(client.infer('toggle', tinyAddRequest(1, 0, 1)), 503, /'toggle'.*not ready/);
  });

  it('marks a corrupt model.onnx UNAVAILABLE with a reason and answers 503 for it', async () => {
    const index = await client.post<RepositoryIndexEntry[]>('/v2/repository/index', {});
    const entry = index.body.find((e) => e.name === 'corrupt');
    assert.equal(entry?.state, 'UNAVAILABLE');
    assert.ok((entry?.reason ?? '').length > 0, `a reason in ${JSON.stringify(entry)}`);
    await expectError(client.infer('corrupt', tinyAddRequest(1, 0, 1)), 503, /'corrupt'/);
    assert.equal((await client.get('/v2/models/corrupt/ready')).status, 503);
  });

  it('marks a model with an invalid config.yaml UNAVAILABLE with a reason naming the key', async () => {
    const index = await client.post<RepositoryIndexEntry[]>('/v2/repository/index', {});
    const entry = index.body.find((e) => e.name === 'bad-config');
    assert.equal(entry?.state, 'UNAVAILABLE');
    assert.match(entry?.reason ?? '', /max_bach_delay/);
    await expectError(client.post('/v2/repository/models/bad-config/load', {}), 400, /max_bach_delay/);
  });

  it('keeps serving the other models', async () => {
    const res = await client.infer('tiny-add', tinyAddRequest(1, 0, 1));
    assert.equal(res.status, 200);
  });
});

describe('after all of it', () => {
  it('is still live and ready', async () => {
    assert.equal((await client.get('/v2/health/live')).status, 200);
    assert.equal((await client.get('/v2/health/ready')).status, 200);
  });
});
