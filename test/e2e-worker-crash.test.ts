// End to end: worker processes SIGKILLed under load. Every request gets an answer (200, or 503 with an error),
// the pool restarts the workers, they serve again, and the restarts show in /metrics.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PooledWorker } from '../src/executor/worker-pool.js';
import { BERT_SEQ_LEN } from '../src/repository/zoo/bert.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import { findZooEntry } from '../src/repository/zoo/zoo-catalog.js';
import { type LoadResult, type Outcome, closedLoopLoad } from './helpers/closed-loop-load.js';
import { type E2eServer, startE2eServer } from './helpers/e2e-server.js';
import { type InferResponseJson, OipClient } from './helpers/oip-client.js';
import { isProcessAlive } from './helpers/process-alive.js';
import { TempRepository } from './helpers/temp-repository.js';
import { tinyAddRequest, tinyAddSum } from './helpers/tiny-add-request.js';
import { waitUntil } from './helpers/wait-until.js';
import { withTimeout } from './helpers/with-timeout.js';

const UNAVAILABLE_TIMEOUT_MS = 3000;
const REQUEST_TIMEOUT_MS = 15_000;
const LOAD_CLIENTS = 8;
/** Clients (of LOAD_CLIENTS) that send bert-tiny, whose longer runs are likelier to be cut by the kill. */
const BERT_CLIENTS = 2;
const LOAD_DURATION_MS = 2000;
const KILL_AFTER_MS = 600;
const RESTART_TIMEOUT_MS = 20_000;

const bertTiny = findZooEntry('bert-tiny');
const repo = new TempRepository('e2e-crash')
  .addModel('tiny-add', buildTinyAdd())
  // On one worker only, so crash-looping that worker leaves the model with no instance at all.
  .addModel('solo', buildTinyAdd(), { configYaml: 'instance: {count: 1}\n' });
if (bertTiny !== undefined) repo.addModel('bert-tiny', bertTiny.build());

let e2e: E2eServer;
let client: OipClient;

before(async () => {
  e2e = await startE2eServer(repo, { workers: 2, unavailableTimeoutMs: UNAVAILABLE_TIMEOUT_MS });
  client = new OipClient(e2e.url);
});
after(async () => {
  await e2e?.server.stop();
  repo.remove();
});

function workers(): readonly PooledWorker[] {
  return e2e.server.pool.executors();
}

/** Resolves when the worker `id` reports ready again (listen before killing it). */
function nextReady(id: string): Promise<void> {
  return new Promise((resolve) => {
    const onReady = (e: { id: string }): void => {
      if (e.id !== id) return;
      e2e.server.pool.off('worker-ready', onReady);
      resolve();
    };
    e2e.server.pool.on('worker-ready', onReady);
  });
}

function send(c: number, seq: number, signal: AbortSignal): Promise<Response> {
  const bert = bertTiny !== undefined && c < BERT_CLIENTS;
  const body = bert
    ? { id: `bert-${c}-${seq}`, inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [1, BERT_SEQ_LEN], data: new Array<number>(BERT_SEQ_LEN).fill(seq % 1000) }] }
    : tinyAddRequest(1, c * 100 + (seq % 100), 1, `add-${c}-${seq}`);
  return fetch(`${e2e.url}/v2/models/${bert ? 'bert-tiny' : 'tiny-add'}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
}

/** Asserts every outcome is a correct 200 or a 503 with an error body; returns how many succeeded. */
function checkOutcomes(result: LoadResult): number {
  assert.equal(result.outcomes.length, result.sent);
  let ok = 0;
  const bad: Outcome[] = [];
  for (const o of result.outcomes) {
    if ('error' in o) bad.push(o);
    else if (o.status === 200) {
      ok++;
      const res = JSON.parse(o.body) as InferResponseJson;
      const m = /^add-(\d+)-(\d+)$/.exec(res.id ?? '');
      if (m !== null) {
        const base = Number(m[1]) * 100 + (Number(m[2]) % 100);
        assert.deepEqual(res.outputs[0]?.data, tinyAddSum(1, base, 1), `sum of ${res.id}`);
      } else {
        assert.deepEqual(res.outputs[0]?.shape, [1, 2], `logits of ${res.id}`);
      }
    } else if (o.status !== 503 || typeof (JSON.parse(o.body) as { error?: unknown }).error !== 'string') bad.push(o);
  }
  assert.deepEqual(bad, [], 'every request gets a 200 or a 503 with an error body, none hangs');
  return ok;
}

function restartsOf(metricsText: string, id: string): number {
  const m = new RegExp(`^tessera_worker_restarts_total\\{worker="${id}"\\} (\\d+)$`, 'm').exec(metricsText);
  return m === null ? 0 : Number(m[1]);
}

async function metricsText(): Promise<string> {
  return (await fetch(`${e2e.url}/metrics`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).text();
}

/** Runs the model on one worker directly: proves that worker holds a working session. */
async function runOn(worker: PooledWorker): Promise<Float32Array> {
  const req = tinyAddRequest(1, 7, 1);
  const inputs = req.inputs.map((t) => ({ ...t, data: new Float32Array(t.data) }));
  const result = await worker.run('tiny-add@1', inputs, []);
  return result.outputs[0]?.data as Float32Array;
}

describe('a worker killed under load', () => {
  let result: LoadResult;
  let killedPid: number;
  const victim = 'worker-0';

  before(async () => {
    const w = workers().find((x) => x.id === victim) as PooledWorker;
    killedPid = w.pid as number;
    const ready = nextReady(victim);
    const load = closedLoopLoad({ clients: LOAD_CLIENTS, durationMs: LOAD_DURATION_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, send });
    await sleep(KILL_AFTER_MS);
    process.kill(killedPid, 'SIGKILL');
    result = await load;
    await withTimeout(ready, RESTART_TIMEOUT_MS, `${victim} is ready again`);
  });

  it('answers every request with 200 or 503, and most succeed', (t) => {
    const ok = checkOutcomes(result);
    t.diagnostic(`${ok} of ${result.sent} requests succeeded, the rest got 503`);
    assert.ok(result.sent >= 20, `only ${result.sent} requests were sent`);
    assert.ok(ok > result.sent / 2, `${ok} of ${result.sent} succeeded`);
  });

  it('restarts the killed worker as a new process holding the model again', async () => {
    const w = workers().find((x) => x.id === victim) as PooledWorker;
    assert.equal(w.state, 'ready');
    assert.notEqual(w.pid, killedPid);
    assert.equal(w.restarts, 1);
    await waitUntil('the killed process is gone', () => !isProcessAlive(killedPid));
    for (const worker of workers()) {
      assert.ok(worker.loadedKeys().includes('tiny-add@1'), `${worker.id} holds tiny-add`);
      assert.deepEqual([...(await runOn(worker))], tinyAddSum(1, 7, 1), `${worker.id} computes`);
    }
  });

  it('serves requests over HTTP afterwards', async () => {
    const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => client.infer('tiny-add', tinyAddRequest(1, i, 2))));
    replies.forEach((res, i) => {
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.outputs[0]?.data, tinyAddSum(1, i, 2));
    });
  });

  it('shows the restart in /metrics', async () => {
    assert.equal(restartsOf(await metricsText(), victim), 1);
  });

  it('keeps the server itself live', async () => {
    assert.equal((await client.get('/v2/health/live')).status, 200);
  });
});

describe('both workers killed at once', () => {
  it('answers requests queued meanwhile with 200 or 503, then serves again', async (t) => {
    const restartsBefore = workers().map((w) => w.restarts);
    const pids = workers().map((w) => w.pid as number);
    const ready = Promise.all(workers().map((w) => nextReady(w.id)));
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const sent = Array.from({ length: 16 }, async (_, i): Promise<Outcome> => {
      try {
        const res = await send(LOAD_CLIENTS - 1, i, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
        return { status: res.status, body: await res.text() };
      } catch (e) {
        return { error: String(e) };
      }
    });
    const ok = checkOutcomes({ outcomes: await Promise.all(sent), sent: sent.length });
    t.diagnostic(`${ok} of ${sent.length} requests sent while both workers were down succeeded, the rest got 503`);
    await withTimeout(ready, RESTART_TIMEOUT_MS, 'both workers are ready again');
    assert.deepEqual(workers().map((w) => w.restarts), restartsBefore.map((n) => n + 1));
    for (const pid of pids) await waitUntil(`process ${pid} is gone`, () => !isProcessAlive(pid));

    const res = await client.infer('tiny-add', tinyAddRequest(1, 3, 1));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.outputs[0]?.data, tinyAddSum(1, 3, 1));
    const text = await metricsText();
    assert.equal(restartsOf(text, 'worker-0'), 2);
    assert.equal(restartsOf(text, 'worker-1'), 1);
  });
});

describe('a worker that stays down', () => {
  it(`fails queued requests with 503 after unavailableTimeoutMs, then serves once the worker is back`, async () => {
    const pool = e2e.server.pool;
    const host = workers().find((w) => w.loadedKeys().includes('solo@1'));
    assert.ok(host !== undefined, 'one worker holds solo');
    // Kill every replacement process as soon as it is forked, so the worker cannot come back while this runs.
    const crashLoop = (e: { id: string }): void => {
      if (e.id !== host.id) return;
      setImmediate(() => {
        if (host.pid !== undefined) process.kill(host.pid, 'SIGKILL');
      });
    };
    pool.on('worker-restart', crashLoop);
    try {
      process.kill(host.pid as number, 'SIGKILL');
      await waitUntil(`${host.id} is out of service`, () => host.state !== 'ready');
      const replies = await Promise.all(Array.from({ length: 4 }, () => client.infer<{ error: string }>('solo', tinyAddRequest(1, 0, 1))));
      for (const res of replies) {
        assert.equal(res.status, 503);
        assert.match(res.body.error, new RegExp(`'solo'.*${UNAVAILABLE_TIMEOUT_MS} ms`));
      }
    } finally {
      pool.off('worker-restart', crashLoop);
    }
    await withTimeout(nextReady(host.id), RESTART_TIMEOUT_MS, `${host.id} is ready again`);
    const res = await client.infer('solo', tinyAddRequest(1, 4, 1));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.outputs[0]?.data, tinyAddSum(1, 4, 1));
  });
});
