// Load generator child: closed-loop gRPC ModelInfer clients (raw_input_contents) over one @grpc/grpc-js channel.

import { type ServiceError, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { inferenceServiceDefinition } from '../../src/frontend/grpc/inference-proto.js';
import { childTaskEntry, ownCpuUs } from '../lib/child-task-entry.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import type { LoadResult, MeasureWindow } from '../lib/load-result.js';
import { type BenchModelName, benchInputs } from './bench-models.js';

export interface GrpcLoadConfig extends MeasureWindow {
  /** host:port */
  readonly address: string;
  readonly model: BenchModelName;
  readonly concurrency: number;
}

type ModelInfer = (request: object, callback: (err: ServiceError | null) => void) => void;

/** A ResNet-50 input is 600 KB; grpc-js caps received messages at 4 MB by default, which is enough, but say so. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

childTaskEntry<GrpcLoadConfig, LoadResult>(async (c, ctx) => {
  const Ctor = makeGenericClientConstructor(inferenceServiceDefinition(), 'GRPCInferenceService');
  const client = new Ctor(c.address, credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  const modelInfer = (client['ModelInfer'] as ModelInfer).bind(client);
  const inputs = benchInputs(c.model);
  const request = {
    model_name: c.model,
    inputs: inputs.map((t) => ({ name: t.name, datatype: 'FP32', shape: t.shape })),
    raw_input_contents: inputs.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)),
  };
  const infer = (): Promise<ServiceError | null> => new Promise((resolve) => modelInfer(request, resolve));

  const hist = new LatencyHistogram();
  let failed = 0;
  let firstError: string | undefined;
  const startMs = performance.now();
  const measureFromMs = startMs + c.warmupMs;
  const endMs = measureFromMs + c.durationMs;
  let cpuAtStartUs = ownCpuUs();
  let cpuAtEndUs: number | undefined;
  // Tell the parent when the window opens and closes, so it can sample the server's CPU time over the same span.
  setTimeout(() => {
    cpuAtStartUs = ownCpuUs();
    ctx.ready(null);
  }, c.warmupMs);
  setTimeout(() => {
    cpuAtEndUs = ownCpuUs();
  }, c.warmupMs + c.durationMs);
  const loop = async (): Promise<void> => {
    while (performance.now() < endMs) {
      const t0 = performance.now();
      const err = await infer();
      const t1 = performance.now();
      if (t1 < measureFromMs || t1 > endMs) continue;
      if (err === null) hist.record((t1 - t0) * 1000);
      else {
        failed += 1;
        firstError ??= `${err.code} ${err.details}`;
      }
    }
  };
  await Promise.all(Array.from({ length: c.concurrency }, loop));
  client.close();
  return {
    completed: hist.count,
    failed,
    elapsedS: c.durationMs / 1000,
    latency: hist.toJSON(),
    cpuUs: (cpuAtEndUs ?? ownCpuUs()) - cpuAtStartUs,
    ...(firstError === undefined ? {} : { firstError }),
  };
});
