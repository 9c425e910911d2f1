// End to end: stop() (what SIGTERM calls) while requests are in flight lets them finish with 200, refuses new ones,
// closes the front end and leaves no worker process behind.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IMAGENET_CLASSES, IMAGE_SIZE } from '../src/repository/zoo/image-classifier.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import { findZooEntry } from '../src/repository/zoo/zoo-catalog.js';
import { type Outcome } from './helpers/closed-loop-load.js';
import { type E2eServer, startE2eServer } from './helpers/e2e-server.js';
import { type BinaryReply, type InferResponseJson, OipClient } from './helpers/oip-client.js';
import { isProcessAlive } from './helpers/process-alive.js';
import { TempRepository } from './helpers/temp-repository.js';
import { tinyAddRequest } from './helpers/tiny-add-request.js';
import { waitUntil } from './helpers/wait-until.js';

const IN_FLIGHT_REQUESTS = 6;
/** Images per request: a few ResNet-18 runs each, so the requests are still running when stop() begins. */
const IMAGES_PER_REQUEST = 4;
const IMAGE_FLOATS = 3 * IMAGE_SIZE * IMAGE_SIZE;

const resnet18 = findZooEntry('resnet18');
if (resnet18 === undefined) throw new Error('resnet18 is missing from the zoo');
const repo = new TempRepository('e2e-drain').addModel('resnet18', resnet18.build()).addModel('tiny-add', buildTinyAdd());

let e2e: E2eServer;
let client: OipClient;

before(async () => {
  e2e = await startE2eServer(repo, { workers: 2, drainTimeoutMs: 60_000 });
  client = new OipClient(e2e.url);
});
after(async () => {
  await e2e?.server.stop();
  repo.remove();
});

function classify(seed: number): Promise<BinaryReply<InferResponseJson>> {
  const pixels = new Float32Array(IMAGES_PER_REQUEST * IMAGE_FLOATS).map((_, i) => ((i * 31 + seed) % 255) / 255);
  const header = {
    id: `img-${seed}`,
    inputs: [{ name: 'input', datatype: 'FP32', shape: [IMAGES_PER_REQUEST, 3, IMAGE_SIZE, IMAGE_SIZE], parameters: { binary_data_size: pixels.byteLength } }],
    outputs: [{ name: 'logits', parameters: { binary_data: true } }],
  };
  return client.inferBinary<InferResponseJson>('resnet18', header, [new Uint8Array(pixels.buffer)]);
}

describe('stop() while requests are in flight', () => {
  let workerPids: number[];
  let inFlight: BinaryReply<InferResponseJson>[];
  let late: Outcome;
  let afterwards: Outcome;

  before(async () => {
    workerPids = e2e.server.pool.executors().map((w) => w.pid as number);
    const requests = Array.from({ length: IN_FLIGHT_REQUESTS }, (_, i) => classify(i));
    // Stop only once the engine holds every request (queued or running), so all of them count as in flight.
    await waitUntil('every request reached the engine', () => (e2e.server.engine.pendingByModel().get('resnet18') ?? 0) === IN_FLIGHT_REQUESTS);
    const stopping = e2e.server.stop();
    late = await client.infer('tiny-add', tinyAddRequest(1, 0, 1)).then(
      (res) => ({ status: res.status, body: JSON.stringify(res.body) }),
      (e: unknown) => ({ error: String(e) }),
    );
    inFlight = await Promise.all(requests);
    await stopping;
    afterwards = await client.get('/v2/health/live').then(
      (res) => ({ status: res.status, body: JSON.stringify(res.body) }),
      (e: unknown) => ({ error: String(e) }),
    );
  });

  it('completes every request that was in flight with 200 and its logits', () => {
    inFlight.forEach((res, i) => {
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.equal(res.json.id, `img-${i}`);
      assert.deepEqual(res.json.outputs[0]?.shape, [IMAGES_PER_REQUEST, IMAGENET_CLASSES]);
      assert.equal(res.binary.byteLength, IMAGES_PER_REQUEST * IMAGENET_CLASSES * 4);
    });
  });

  it('refuses a request that arrives after stop began with 503 or a closed connection', (t) => {
    t.diagnostic(`the late request got ${JSON.stringify(late)}`);
    if ('error' in late) return; // the front end had already closed: refused at the socket
    assert.equal(late.status, 503, late.body);
    assert.match(late.body, /shutting down/);
  });

  it('closes the HTTP front end', () => {
    assert.ok('error' in afterwards, `expected a connection error, got ${JSON.stringify(afterwards)}`);
  });

  it('leaves no worker process behind', () => {
    assert.equal(workerPids.length, 2);
    for (const pid of workerPids) assert.equal(isProcessAlive(pid), false, `worker ${pid} is gone`);
    assert.ok(e2e.server.pool.executors().every((w) => w.state === 'stopped'));
  });
});
