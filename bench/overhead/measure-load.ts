// Runs one external load generator child (autocannon over HTTP, or the gRPC closed loop) and shapes its result.

import { forkChildTask } from '../lib/child-task.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import type { LoadResult, MeasureWindow } from '../lib/load-result.js';
import type { BenchModelName } from './bench-models.js';
import type { GrpcLoadConfig } from './grpc-load-child.js';
import type { HttpLoadConfig } from './http-load-child.js';
import type { CaseResult, Protocol, ServerKind } from './measurements.js';

const HTTP_LOAD_CHILD = new URL('./http-load-child.js', import.meta.url);
const GRPC_LOAD_CHILD = new URL('./grpc-load-child.js', import.meta.url);

export interface LoadTarget {
  readonly server: ServerKind;
  readonly httpPort: number;
  /** Absent: the server has no gRPC front end. */
  readonly grpcPort?: number;
}

export async function measureLoad(
  target: LoadTarget,
  model: BenchModelName,
  protocol: Exclude<Protocol, 'ort'>,
  concurrency: number,
  window: MeasureWindow,
): Promise<CaseResult> {
  const label = `${protocol} load on ${target.server}/${model} c${concurrency}`;
  let child;
  if (protocol === 'grpc') {
    if (target.grpcPort === undefined) throw new Error(`${target.server} has no gRPC port`);
    const config: GrpcLoadConfig = { address: `127.0.0.1:${target.grpcPort}`, model, concurrency, ...window };
    child = forkChildTask<never, LoadResult>(GRPC_LOAD_CHILD, config, label);
  } else {
    const config: HttpLoadConfig = {
      url: `http://127.0.0.1:${target.httpPort}/v2/models/${model}/infer`,
      model,
      encoding: protocol === 'http-json' ? 'json' : 'binary',
      connections: concurrency,
      ...window,
    };
    child = forkChildTask<never, LoadResult>(HTTP_LOAD_CHILD, config, label);
  }
  try {
    const r = await child.result;
    return {
      server: target.server,
      model,
      protocol,
      concurrency,
      throughputPerS: r.completed / r.elapsedS,
      completed: r.completed,
      failed: r.failed,
      ...(r.firstError === undefined ? {} : { firstError: r.firstError }),
      latency: LatencyHistogram.fromJSON(r.latency).summary(),
    };
  } finally {
    child.kill();
  }
}
