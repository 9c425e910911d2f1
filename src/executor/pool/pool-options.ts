// Tunables and events of the worker pool (supervisor), with their defaults and units.

import type { ServingError } from '../../core/errors.js';

/**
 * 'release': blocks of 128 KiB and more are mapped for each allocation and unmapped when freed, so memory freed after
 * loading a model goes back to the OS. 'reuse': blocks up to 32 MiB come from the heap and up to 256 MiB of free heap
 * is kept, so tensors allocated per run land in pages already mapped (no page fault per 4 KiB).
 */
export type WorkerHeap = 'release' | 'reuse';

export interface WorkerPoolOptions {
  /** Directory for the workers' Unix socket files (created if missing). */
  readonly runDir: string;
  /** Compiled worker entry; default: worker-main.js beside the pool. */
  readonly workerScript?: string;
  /** Node flags for the workers; default WORKER_NODE_FLAGS (a test runner's flags are not inherited). */
  readonly execArgv?: readonly string[];
  /** Niceness given to each worker process when it starts, 0-19 (0: left as this process's; default 0). */
  readonly nice?: number;
  /** Environment of the workers; default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * How the workers' C heap (glibc malloc) treats large freed blocks (default 'release'); a MALLOC_* variable set in
   * the environment wins. See workerEnv.
   */
  readonly heap?: WorkerHeap;
  /** How often each worker is pinged (default 1000 ms). */
  readonly pingIntervalMs?: number;
  /** An idle worker that does not answer a ping within this is killed and restarted (default 3000 ms). */
  readonly pingTimeoutMs?: number;
  /** The same while the worker runs a batch, which blocks its event loop (default 60000 ms). */
  readonly busyPingTimeoutMs?: number;
  /** First restart delay; doubles per consecutive crash (default 100 ms). */
  readonly restartBackoffInitialMs?: number;
  /** Upper bound of the restart delay (default 5000 ms). */
  readonly restartBackoffMaxMs?: number;
  /** A worker up this long counts as healthy again: the backoff resets (default 30000 ms). */
  readonly restartBackoffResetMs?: number;
  /** How long a worker may take to listen and reload its sessions (default 30000 ms). */
  readonly startTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL on stop (default 5000 ms). */
  readonly stopTimeoutMs?: number;
  /** Largest frame exchanged with a worker (default 1 GiB). */
  readonly maxFrameBytes?: number;
}

export type ResolvedPoolOptions = Required<Omit<WorkerPoolOptions, 'env' | 'maxFrameBytes'>> &
  Pick<WorkerPoolOptions, 'env' | 'maxFrameBytes'>;

export const POOL_DEFAULTS = {
  heap: 'release',
  pingIntervalMs: 1000,
  pingTimeoutMs: 3000,
  busyPingTimeoutMs: 60_000,
  restartBackoffInitialMs: 100,
  restartBackoffMaxMs: 5000,
  restartBackoffResetMs: 30_000,
  startTimeoutMs: 30_000,
  stopTimeoutMs: 5000,
  nice: 0,
} as const;

/** Delay before restart number `streak` (0-based) of a run of consecutive crashes. */
export function restartDelayMs(streak: number, options: Pick<ResolvedPoolOptions, 'restartBackoffInitialMs' | 'restartBackoffMaxMs'>): number {
  return Math.min(options.restartBackoffInitialMs * 2 ** streak, options.restartBackoffMaxMs);
}

export type WorkerState = 'starting' | 'ready' | 'restarting' | 'stopped';

export interface WorkerPoolEvents {
  'worker-exit': [{ readonly id: string; readonly code: number | null; readonly signal: NodeJS.Signals | null }];
  /** A replacement process is being started; `restarts` counts them for this worker id. */
  'worker-restart': [{ readonly id: string; readonly restarts: number }];
  /** The worker accepts calls: listening, and every session it held is loaded again. */
  'worker-ready': [{ readonly id: string }];
  /** A session could not be loaded again after a restart and was dropped from the worker. */
  'session-reload-failed': [{ readonly id: string; readonly key: string; readonly error: ServingError }];
}
