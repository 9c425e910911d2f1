// runLoad over gRPC against a grpc-js stub of the OIP service: app/task targets as ModelInfer with tessera.* parameters,
// bearer keys as metadata, RESOURCE_EXHAUSTED counted as a reject and other codes as errors by status.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import type { Parameters } from '../core/inference.js';
import { inferenceServiceDefinition } from '../frontend/grpc/inference-proto.js';
import { parametersFromWire } from '../frontend/grpc/parameter-convert.js';
import type { WireModelInferRequest } from '../frontend/grpc/wire-types.js';
import { runLoad } from './run-load.js';

interface Seen {
  readonly model: string;
  readonly version: string;
  readonly parameters: Parameters | undefined;
  readonly auth: unknown;
  readonly rawBytes: number;
}

describe('runLoad over gRPC against a stub', () => {
  const server = new Server();
  let address: string;
  const seen: Seen[] = [];

  before(async () => {
    server.addService(inferenceServiceDefinition(), {
      ModelMetadata: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) =>
        cb(null, { name: 'm', versions: ['1'], platform: 'stub', inputs: [{ name: 'a', datatype: 'FP32', shape: ['-1', '4'] }], outputs: [] }),
      ModelInfer: (call: ServerUnaryCall<WireModelInferRequest, unknown>, cb: sendUnaryData<unknown>) => {
        const r = call.request;
        seen.push({
          model: r.model_name,
          version: r.model_version,
          parameters: parametersFromWire(r.parameters, 'request'),
          auth: call.metadata.get('authorization')[0],
          rawBytes: r.raw_input_contents.reduce((s, b) => s + b.byteLength, 0),
        });
        if (r.model_name === 'busy') return cb({ code: status.RESOURCE_EXHAUSTED, details: 'queue of 3 requests is full' });
        if (r.model_name === 'broken') return cb({ code: status.UNAVAILABLE, details: 'worker gone' });
        return cb(null, { model_name: 'chosen', model_version: '3', outputs: [], raw_output_contents: [] });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err))),
    );
    address = `127.0.0.1:${port}`;
  });

  after(() => {
    server.forceShutdown();
  });

  test('app and task targets use ModelInfer with the name and tessera.* parameters; model targets their version', async () => {
    const report = await runLoad({
      grpcUrl: address,
      protocol: 'grpc',
      durationS: 0.3,
      apps: [
        { name: 'front', target: { kind: 'app', name: 'front' }, shapeModel: 'm', arrival: { kind: 'deterministic', ratePerS: 20 }, key: 'k2' },
        { name: 'cls', target: { kind: 'task', name: 'classify' }, shapeModel: 'm', arrival: { kind: 'closed', clients: 1, thinkMs: 50 }, sloMs: 40, minAccuracy: 0.6, rows: 2 },
        { name: 'pinned', target: { kind: 'model', name: 'm', version: '1' }, arrival: { kind: 'deterministic', ratePerS: 20 }, priority: 1 },
      ],
    });
    const front = seen.filter((s) => s.model === 'front');
    assert.equal(front.length, 5);
    assert.ok(front.every((s) => s.parameters?.['tessera.app'] === 'front' && s.auth === 'Bearer k2' && s.rawBytes === 16));
    const cls = seen.filter((s) => s.model === 'classify');
    assert.ok(cls.length > 0);
    assert.ok(cls.every((s) => s.parameters?.['tessera.task'] === 'classify' && s.parameters['tessera.slo_ms'] === 40 && s.parameters['tessera.min_accuracy'] === 0.6 && s.rawBytes === 32));
    assert.ok(seen.filter((s) => s.model === 'm').every((s) => s.version === '1' && s.parameters?.['priority'] === 1));
    assert.deepEqual(report.apps[0]?.answeredBy, { 'chosen@3': 5 });
    assert.equal(report.apps[2]?.protocol, 'grpc');
    assert.deepEqual(report.apps[2]?.answeredBy, {});
  });

  test('RESOURCE_EXHAUSTED is a reject with its reason; other codes are errors by status name', async () => {
    const report = await runLoad({
      grpcUrl: address,
      protocol: 'grpc',
      durationS: 0.2,
      apps: [
        { name: 'busy', target: { kind: 'model', name: 'busy' }, shapeModel: 'm', arrival: { kind: 'deterministic', ratePerS: 20 } },
        { name: 'broken', target: { kind: 'model', name: 'broken' }, shapeModel: 'm', arrival: { kind: 'deterministic', ratePerS: 20 } },
      ],
    });
    assert.deepEqual(report.apps[0]?.rejectsByReason, { 'queue of N requests is full': 3 });
    assert.deepEqual(report.apps[1]?.errorsByStatus, { grpc_UNAVAILABLE: 3 });
    assert.equal(report.overall.ok, 0);
  });
});
