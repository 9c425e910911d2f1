// runLoad against a small fastify stub of the OIP routes (app, task and model): routing, parameters, keys, rejects,
// errors, the outstanding cap, timeouts, warm-up and cancellation.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Parameters } from '../core/inference.js';
import { decodeInferRequest } from '../frontend/http/codec/decode-infer-request.js';
import type { AppLoad, LoadSpec } from './load-spec.js';
import { runLoad } from './run-load.js';

interface Seen {
  readonly route: string;
  readonly auth: string | undefined;
  readonly parameters: Parameters | undefined;
  readonly shape: readonly number[];
}

const SLOW_HOLD_MS = 300;
const METADATA = {
  name: 'm',
  versions: ['1'],
  platform: 'onnxruntime_onnx',
  inputs: [{ name: 'a', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 4] }],
};

describe('runLoad against a stub OIP server', () => {
  let app: FastifyInstance;
  let url: string;
  const seen: Seen[] = [];
  let frontCalls = 0;
  let slowInFlight = 0;
  let slowPeak = 0;
  /** Called with the number of slow requests the stub holds, each time one arrives. */
  let onSlow: (inFlight: number) => void = () => undefined;

  before(async () => {
    app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    const record = (route: string, req: { headers: Record<string, unknown>; body: unknown }): void => {
      const h = req.headers['inference-header-content-length'];
      const decoded = decodeInferRequest('m', undefined, req.body as Buffer, typeof h === 'string' ? h : undefined);
      const auth = req.headers['authorization'];
      seen.push({ route, auth: typeof auth === 'string' ? auth : undefined, parameters: decoded.parameters, shape: decoded.inputs[0]?.shape ?? [] });
    };
    app.get('/v2/models/m', async () => METADATA);
    app.get('/v2/apps/front', async () => ({ name: 'front', model: 'm' }));
    app.post('/v2/apps/:app/infer', async (req, reply) => {
      record('app', req);
      // Every third request is turned away, with a reason carrying numbers.
      if (++frontCalls % 3 === 0) return reply.code(429).send({ error: `predicted ${frontCalls} ms exceeds 5 ms` });
      return { model_name: 'm-small', model_version: '1', outputs: [] };
    });
    app.post('/v2/tasks/:task/infer', async (req) => {
      record('task', req);
      return { model_name: 'm-large', model_version: '2', outputs: [] };
    });
    app.post('/v2/models/m/infer', async (req, reply) => {
      record('model', req);
      return reply.code(503).send({ error: 'model m is unavailable' });
    });
    app.post('/v2/models/ok/infer', async (req) => {
      record('ok', req);
      return { model_name: 'ok', model_version: '1', outputs: [] };
    });
    app.post('/v2/models/slow/infer', async () => {
      slowPeak = Math.max(slowPeak, ++slowInFlight);
      onSlow(slowInFlight);
      await new Promise((r) => setTimeout(r, SLOW_HOLD_MS));
      slowInFlight--;
      return { model_name: 'slow', model_version: '1', outputs: [] };
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await app.close();
  });

  const spec = (apps: AppLoad[], extra: Partial<LoadSpec> = {}): LoadSpec => ({ url, durationS: 0.5, apps, ...extra });

  test('app and task targets reach their routes with the SLO parameters and the bearer key', async () => {
    seen.length = 0;
    const report = await runLoad(
      spec([
        { name: 'front', target: { kind: 'app', name: 'front' }, arrival: { kind: 'deterministic', ratePerS: 100 }, sloMs: 10_000, key: 'k1' },
        { name: 'cls', target: { kind: 'task', name: 'classify' }, arrival: { kind: 'closed', clients: 2, thinkMs: 20 }, sloMs: 50, minAccuracy: 0.7, shapeModel: 'm', rows: 3 },
      ]),
    );
    const appSeen = seen.filter((s) => s.route === 'app');
    const taskSeen = seen.filter((s) => s.route === 'task');
    assert.equal(appSeen.length, 49);
    assert.ok(appSeen.every((s) => s.auth === 'Bearer k1' && s.parameters?.['tessera.slo_ms'] === undefined));
    assert.ok(taskSeen.length > 0);
    assert.ok(taskSeen.every((s) => s.auth === undefined && s.parameters?.['tessera.slo_ms'] === 50 && s.parameters['tessera.min_accuracy'] === 0.7));
    assert.deepEqual(taskSeen[0]?.shape, [3, 4]);
    const front = report.apps.find((a) => a.name === 'front');
    assert.ok(front !== undefined);
    assert.equal(front.sent, 49);
    assert.equal(front.ok + front.rejected, 49);
    assert.deepEqual(front.rejectsByReason, { 'predicted N ms exceeds N ms': front.rejected });
    assert.deepEqual(front.answeredBy, { 'm-small@1': front.ok });
    assert.equal(front.sloAttainment, front.okWithinSlo / 49);
    assert.equal(front.okWithinSlo, front.ok);
    const cls = report.apps.find((a) => a.name === 'cls');
    assert.deepEqual(cls?.answeredBy, { 'm-large@2': cls?.ok });
    assert.equal(cls?.arrival, 'closed(2)');
    assert.equal(report.overall.sent, front.sent + (cls?.sent ?? 0));
  });

  test('model targets send OIP timeout and priority, and server errors are counted by status, not thrown', async () => {
    seen.length = 0;
    const report = await runLoad(
      spec([{ name: 'm', target: { kind: 'model', name: 'm' }, arrival: { kind: 'deterministic', ratePerS: 40 }, timeoutUs: 5000, priority: 2, encoding: 'binary' }]),
    );
    const r = report.apps[0];
    assert.equal(r?.sent, 19);
    assert.deepEqual(r?.errorsByStatus, { http_503: 19 });
    assert.equal(r?.ok, 0);
    assert.equal(r?.sloAttainment, 0);
    assert.ok(seen.every((s) => s.parameters?.['timeout'] === 5000 && s.parameters['priority'] === 2 && s.parameters['binary_data_output'] === true));
  });

  test('an open-loop app at its outstanding cap drops arrivals and counts them instead of queueing them', async () => {
    slowPeak = 0;
    const report = await runLoad(
      spec([{ name: 's', target: { kind: 'model', name: 'slow' }, shapeModel: 'm', arrival: { kind: 'deterministic', ratePerS: 200 }, maxOutstanding: 5 }]),
    );
    const r = report.apps[0];
    assert.ok(r !== undefined);
    assert.equal(r.sent + r.droppedByClient, 99);
    assert.ok(r.droppedByClient > 0);
    assert.ok(slowPeak <= 5, `server saw ${slowPeak} at once`);
    assert.ok(r.sloAttainment !== null && r.sloAttainment < 1);
  });

  test('a request unanswered within the request timeout counts as a timeout', async () => {
    const report = await runLoad(
      spec([{ name: 's', target: { kind: 'model', name: 'slow' }, shapeModel: 'm', arrival: { kind: 'closed', clients: 1 } }], { durationS: 0.2, requestTimeoutMs: 50 }),
    );
    const r = report.apps[0];
    assert.ok((r?.errorsByStatus['timeout'] ?? 0) >= 1);
    assert.equal(r?.ok, 0);
  });

  test('requests scheduled during the warm-up are sent but not counted', async () => {
    seen.length = 0;
    const report = await runLoad(spec([{ name: 'ok', target: { kind: 'model', name: 'ok' }, shapeModel: 'm', arrival: { kind: 'deterministic', ratePerS: 100 } }], { durationS: 1, warmupS: 0.5 }));
    assert.equal(seen.length, 99);
    assert.equal(report.apps[0]?.sent, 50);
    assert.equal(report.measuredS, 0.5);
    assert.equal(report.overall.ok, 50);
  });

  test('cancelling through the signal stops sending, cancels requests in flight and still returns a report', async () => {
    const ac = new AbortController();
    // Cancel once all three clients have a request held by the server.
    onSlow = (n) => {
      if (n === 3) ac.abort();
    };
    const report = await runLoad(spec([{ name: 's', target: { kind: 'model', name: 'slow' }, shapeModel: 'm', arrival: { kind: 'closed', clients: 3 } }], { durationS: 30 }), {
      signal: ac.signal,
    });
    assert.equal(report.aborted, true);
    assert.ok(report.measuredS < 30);
    onSlow = () => undefined;
    assert.equal(report.apps[0]?.errorsByStatus['cancelled'], 3);
  });

  test('progress is reported while the load runs and once at the end', async () => {
    const updates: number[] = [];
    await runLoad(spec([{ name: 'ok', target: { kind: 'model', name: 'ok' }, shapeModel: 'm', arrival: { kind: 'poisson', ratePerS: 50 } }], { durationS: 0.3 }), {
      progressIntervalMs: 50,
      onProgress: (p) => updates.push(p.sent),
    });
    assert.ok(updates.length >= 2);
    for (let i = 1; i < updates.length; i++) assert.ok((updates[i] as number) >= (updates[i - 1] as number));
  });

  test('setup failures reject with a ServingError: unknown shape model, no shape model for a task, server down', async () => {
    await assert.rejects(runLoad(spec([{ name: 'x', target: { kind: 'model', name: 'nope' }, arrival: { kind: 'poisson', ratePerS: 1 } }])), { code: 'NOT_FOUND' });
    await assert.rejects(runLoad(spec([{ name: 'x', target: { kind: 'task', name: 't' }, arrival: { kind: 'poisson', ratePerS: 1 } }])), { code: 'INVALID_ARGUMENT' });
    await assert.rejects(
      runLoad({ url: 'http://127.0.0.1:1', durationS: 1, apps: [{ name: 'x', target: { kind: 'model', name: 'm' }, arrival: { kind: 'poisson', ratePerS: 1 } }] }),
      { code: 'UNAVAILABLE' },
    );
  });
});
