// Supervisor of local worker processes: forks them, exposes each as an Executor with a stable id
// ("worker-0", ...), restarts crashed or hung ones with backoff and reloads their sessions.

import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServingError } from '../core/errors.js';
import { POOL_DEFAULTS, type ResolvedPoolOptions, type WorkerPoolEvents, type WorkerPoolOptions, type WorkerState } from './pool/pool-options.js';
import { PooledWorker } from './pool/pooled-worker.js';
import { WORKER_NODE_FLAGS } from '../core/heap-flags.js';

export type { WorkerPoolEvents, WorkerPoolOptions, WorkerState } from './pool/pool-options.js';
export { PooledWorker } from './pool/pooled-worker.js';

/** What the front end shows about one worker. */
export interface WorkerInfo {
  readonly id: string;
  readonly state: WorkerState;
  readonly pid: number | undefined;
  readonly rssBytes: number | undefined;
  readonly restarts: number;
  readonly loadedKeys: readonly string[];
}

const DEFAULT_WORKER_SCRIPT = fileURLToPath(new URL('./worker-main.js', import.meta.url));

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private workers: PooledWorker[] = [];
  private started = false;

  /** Fork `count` workers and resolve once all are ready; rejects UNAVAILABLE (after stopping them) if one is not. */
  async start(count: number, options: WorkerPoolOptions): Promise<void> {
    if (this.started) throw new ServingError('FAILED_PRECONDITION', 'a worker pool starts once');
    this.started = true;
    const resolved: ResolvedPoolOptions = {
      ...POOL_DEFAULTS,
      workerScript: DEFAULT_WORKER_SCRIPT,
      execArgv: WORKER_NODE_FLAGS,
      ...options,
    };
    mkdirSync(resolved.runDir, { recursive: true });
    this.workers = Array.from(
      { length: count },
      (_, i) => new PooledWorker(`worker-${i}`, join(resolved.runDir, `worker-${i}.sock`), resolved, this),
    );
    for (const w of this.workers) w.start();
    const ready = await Promise.all(this.workers.map((w) => w.whenReady(resolved.startTimeoutMs)));
    if (ready.includes(false)) {
      await this.stop();
      throw new ServingError('UNAVAILABLE', `worker pool: not every worker became ready within ${resolved.startTimeoutMs} ms`);
    }
  }

  executors(): readonly PooledWorker[] {
    return this.workers;
  }

  executor(id: string): PooledWorker {
    const worker = this.workers.find((w) => w.id === id);
    if (worker === undefined) throw new ServingError('NOT_FOUND', `no worker '${id}'`);
    return worker;
  }

  /** How many times the worker with this id has been restarted. */
  restarts(id: string): number {
    return this.executor(id).restarts;
  }

  info(): WorkerInfo[] {
    return this.workers.map((w) => ({
      id: w.id,
      state: w.state,
      pid: w.pid,
      rssBytes: w.rssBytes,
      restarts: w.restarts,
      loadedKeys: w.loadedKeys(),
    }));
  }

  /** Stop every worker (SIGTERM, then SIGKILL after the grace period) and remove the socket files. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
