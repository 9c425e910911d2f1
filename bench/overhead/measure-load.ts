// Runs one external load generator child (autocannon over HTTP, or the gRPC closed loop) and shapes its result,
// sampling the server processes' CPU time over the same window.

import { forkChildTask } from '../lib/child-task.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import type { LoadResult, MeasureWindow } from '../lib/load-result.js';
import { procCpuUs } from '../lib/proc-stats.js';
import type { BenchModelName } from './bench-models.js';
import type { GrpcLoadConfig } from './grpc-load-child.js';
import type { HttpLoadConfig } from './http-load-child.js';
import type { CaseResult, CpuPerRequest, Protocol, ServerKind } from './measurements.js';

const HTTP_LOAD_CHILD = new URL('./http-load-child.js', import.meta.url);
const GRPC_LOAD_CHILD = new URL('./grpc-load-child.js', import.meta.url);

export interface ServerPids {
  readonly server: number;
  readonly workers: readonly number[];
}

export interface LoadTarget {
  readonly server: ServerKind;
  readonly httpPort: number;
  /** Absent: the server has no gRPC front end. */
  readonly grpcPort?: number;
  /** The processes whose CPU time counts as the server's. */
  readonly pids: () => ServerPids;
}

interface CpuSample {
  readonly server: number;
  readonly workers: number;
}

function sampleCpu(pids: ServerPids): CpuSample {
  return {
    server: procCpuUs(pids.server) ?? Number.NaN,
    workers: pids.workers.reduce((sum, pid) => sum + (procCpuUs(pid) ?? Number.NaN), 0),
  };
}

function loadChild(target: LoadTarget, model: BenchModelName, protocol: Exclude<Protocol, 'ort'>, concurrency: number, window: MeasureWindow) {
  const label = `${protocol} load on ${target.server}/${model} c${concurrency}`;
  if (protocol === 'grpc') {
    if (target.grpcPort === undefined) throw new Error(`${target.server} has no gRPC port`);
    const config: GrpcLoadConfig = { address: `127.0.0.1:${target.grpcPort}`, model, concurrency, ...window };
    return forkChildTask<null, LoadResult>(GRPC_LOAD_CHILD, config, label);
  }
  const config: HttpLoadConfig = {
    url: `http://127.0.0.1:${target.httpPort}/v2/models/${model}/infer`,
    model,
    encoding: protocol === 'http-json' ? 'json' : 'binary',
    connections: concurrency,
    ...window,
  };
  return forkChildTask<null, LoadResult>(HTTP_LOAD_CHILD, config, label);
}

export async function measureLoad(
  target: LoadTarget,
  model: BenchModelName,
  protocol: Exclude<Protocol, 'ort'>,
  concurrency: number,
  window: MeasureWindow,
): Promise<CaseResult> {
  const child = loadChild(target, model, protocol, concurrency, window);
  try {
    // The child says when its measuring window opens; server CPU is sampled then and when the result arrives.
    await child.ready;
    const pids = target.pids();
    const start = sampleCpu(pids);
    const r = await child.result;
    const end = sampleCpu(pids);
    const perRequest = (us: number): number => us / Math.max(1, r.completed);
    const cpuUsPerRequest: CpuPerRequest = {
      server: perRequest(end.server - start.server),
      ...(pids.workers.length === 0 ? {} : { workers: perRequest(end.workers - start.workers) }),
      loadGenerator: perRequest(r.cpuUs),
    };
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
      cpuUsPerRequest,
    };
  } finally {
    child.kill();
  }
}
