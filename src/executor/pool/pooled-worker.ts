// One supervised worker process behind a stable executor id: forks it, pings it, restarts it with backoff
// and reloads its sessions. Calls while it is not ready fail at once with UNAVAILABLE (retryable).

import { type ChildProcess, fork } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import { setPriority } from 'node:os';
import { ServingError, toServingError } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import type {
  Executor,
  LoadSpec,
  LoadedSegments,
  LoadedSession,
  RunResult,
  RunOptions,
  SegmentExecutor,
  SegmentRunResult,
  SegmentedLoadSpec,
} from '../executor.js';
import { WorkerClient } from '../worker-client.js';
import { type ResolvedPoolOptions, type WorkerHeap, type WorkerPoolEvents, type WorkerState, restartDelayMs } from './pool-options.js';

export class PooledWorker implements Executor, SegmentExecutor {
  private child: ChildProcess | undefined;
  private childExited: Promise<void> = Promise.resolve();
  private client: WorkerClient | undefined;
  /** Bumped per spawned process so events of a replaced process are ignored. */
  private generation = 0;
  private status: WorkerState = 'starting';
  /** Sessions callers loaded here and did not unload; reloaded after every restart. */
  private readonly specs = new Map<string, LoadSpec>();
  /** Segmented models likewise; their jobs die with the process and are not restored. */
  private readonly segmentSpecs = new Map<string, SegmentedLoadSpec>();
  private restartCount = 0;
  private crashStreak = 0;
  private readySinceMs: number | undefined;
  private lastRssBytes: number | undefined;
  private pingSentAtMs: number | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly readyWaiters = new Set<(ready: boolean) => void>();
  private stopRequested = false;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly id: string,
    readonly socketPath: string,
    private readonly options: ResolvedPoolOptions,
    private readonly events: EventEmitter<WorkerPoolEvents>,
  ) {}

  get state(): WorkerState {
    return this.status;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resident memory the worker reported in its last ping reply. */
  get rssBytes(): number | undefined {
    return this.lastRssBytes;
  }

  get restarts(): number {
    return this.restartCount;
  }

  start(): void {
    void this.spawn();
  }

  /** Resolves true once ready, false after `timeoutMs` or when stopped. */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.status === 'ready') return Promise.resolve(true);
    if (this.status === 'stopped') return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ready: boolean): void => {
        clearTimeout(timer);
        this.readyWaiters.delete(done);
        resolve(ready);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.readyWaiters.add(done);
    });
  }

  async load(spec: LoadSpec): Promise<LoadedSession> {
    const session = await this.readyClient().load(spec);
    this.specs.set(spec.key, spec);
    this.segmentSpecs.delete(spec.key);
    return session;
  }

  async unload(key: string): Promise<void> {
    await this.readyClient().unload(key);
    this.specs.delete(key);
    this.segmentSpecs.delete(key);
  }

  async loadSegments(spec: SegmentedLoadSpec): Promise<LoadedSegments> {
    const loaded = await this.readyClient().loadSegments(spec);
    this.segmentSpecs.set(spec.key, spec);
    this.specs.delete(spec.key);
    return loaded;
  }

  runSegment(key: string, jobId: string, segmentIndex: number, inputs: readonly Tensor[], outputNames: readonly string[], options?: RunOptions): Promise<SegmentRunResult> {
    try {
      return this.readyClient().runSegment(key, jobId, segmentIndex, inputs, outputNames, options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  dropJob(key: string, jobId: string): Promise<boolean> {
    try {
      return this.readyClient().dropJob(key, jobId);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  run(key: string, inputs: readonly Tensor[], outputNames: readonly string[], options?: RunOptions): Promise<RunResult> {
    try {
      return this.readyClient().run(key, inputs, outputNames, options);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  loadedKeys(): readonly string[] {
    return [...this.specs.keys(), ...this.segmentSpecs.keys()];
  }

  /** Stop for good: SIGTERM, SIGKILL after the grace period, socket file removed. */
  close(): Promise<void> {
    this.stopRequested = true;
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private readyClient(): WorkerClient {
    const client = this.client;
    if (this.status === 'ready' && client !== undefined && client.connected) return client;
    const why = this.status === 'stopped' ? 'is stopped' : this.status === 'starting' ? 'is starting' : 'is restarting';
    throw new ServingError('UNAVAILABLE', `executor ${this.id} ${why}`, { retryable: true });
  }

  private async spawn(): Promise<void> {
    const generation = ++this.generation;
    const args = ['--socket', this.socketPath];
    if (this.options.maxFrameBytes !== undefined) args.push('--max-frame-bytes', String(this.options.maxFrameBytes));
    const child = fork(this.options.workerScript, args, {
      execArgv: [...this.options.execArgv],
      env: workerEnv(this.options.env ?? process.env, this.options.heap),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.lastRssBytes = undefined;
    lowerPriority(child.pid, this.options.nice);
    this.childExited = new Promise((resolve) => {
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        resolve();
        this.onExit(generation, code, signal);
      };
      child.once('exit', onExit);
      // A process that never started emits 'error' and maybe no 'exit'.
      child.on('error', () => {
        if (child.pid === undefined) onExit(null, null);
        else child.kill('SIGKILL');
      });
    });
    // Covers listening, connecting and reloading; a worker stuck in any of them is killed and retried.
    const startTimer = setTimeout(() => this.kill(child), this.options.startTimeoutMs);
    try {
      await readyMessage(child);
      const client = await WorkerClient.connect(this.id, { path: this.socketPath }, codecOptions(this.options));
      if (generation !== this.generation || this.stopRequested) {
        await client.close();
        return;
      }
      this.client = client;
      client.onClose(() => {
        // Usually the worker died; if not, a worker we cannot talk to is no use either: restart it cleanly.
        if (this.client === client && !this.stopRequested) this.kill(child);
      });
      await this.reloadSessions(client);
      if (generation !== this.generation || this.stopRequested) return;
      this.status = 'ready';
      this.readySinceMs = performance.now();
      this.pingTimer = setInterval(() => this.checkLiveness(client), this.options.pingIntervalMs).unref();
      this.checkLiveness(client); // first ping now, so pid and memory show up at once
      this.events.emit('worker-ready', { id: this.id });
      for (const wake of [...this.readyWaiters]) wake(true);
    } catch {
      if (generation === this.generation && !this.stopRequested) this.kill(child); // exit → restart
    } finally {
      clearTimeout(startTimer);
    }
  }

  private async reloadSessions(client: WorkerClient): Promise<void> {
    for (const spec of [...this.specs.values()]) {
      try {
        await client.load(spec);
      } catch (err) {
        const error = toServingError(err);
        if (error.code === 'UNAVAILABLE') throw error; // the worker died again; keep the spec for the next try
        this.specs.delete(spec.key);
        this.events.emit('session-reload-failed', { id: this.id, key: spec.key, error });
      }
    }
    for (const spec of [...this.segmentSpecs.values()]) {
      try {
        await client.loadSegments(spec);
      } catch (err) {
        const error = toServingError(err);
        if (error.code === 'UNAVAILABLE') throw error;
        this.segmentSpecs.delete(spec.key);
        this.events.emit('session-reload-failed', { id: this.id, key: spec.key, error });
      }
    }
  }

  private checkLiveness(client: WorkerClient): void {
    if (this.client !== client || this.status !== 'ready') return;
    const nowMs = performance.now();
    if (this.pingSentAtMs !== undefined) {
      // A worker inside session.run cannot answer until the run ends, so a busy worker gets longer.
      const limitMs = client.inFlight > 0 ? this.options.busyPingTimeoutMs : this.options.pingTimeoutMs;
      if (nowMs - Math.max(this.pingSentAtMs, client.lastReplyAtMs) > limitMs && this.child !== undefined) this.kill(this.child);
      return;
    }
    this.pingSentAtMs = nowMs;
    client.ping().then(
      (pong) => {
        if (this.client !== client) return;
        this.lastRssBytes = pong.rssBytes;
        this.pingSentAtMs = undefined;
      },
      () => undefined, // the connection closed; the exit handler takes over
    );
  }

  /** Take the worker out of service at once (calls fail fast from here on); its exit triggers the restart. */
  private kill(child: ChildProcess): void {
    if (this.status === 'ready') this.status = 'restarting';
    clearInterval(this.pingTimer);
    child.kill('SIGKILL');
  }

  private onExit(generation: number, code: number | null, signal: NodeJS.Signals | null): void {
    if (generation !== this.generation) return;
    this.generation++; // ignore anything more from this process
    this.child = undefined;
    clearInterval(this.pingTimer);
    this.pingSentAtMs = undefined;
    const client = this.client;
    this.client = undefined;
    void client?.close(); // rejects every call in flight with UNAVAILABLE
    const upMs = this.readySinceMs === undefined ? 0 : performance.now() - this.readySinceMs;
    this.readySinceMs = undefined;
    if (!this.stopRequested) this.status = 'restarting';
    this.events.emit('worker-exit', { id: this.id, code, signal });
    if (this.stopRequested) return;

    if (upMs >= this.options.restartBackoffResetMs) this.crashStreak = 0;
    const delayMs = restartDelayMs(this.crashStreak++, this.options);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restartCount++;
      this.events.emit('worker-restart', { id: this.id, restarts: this.restartCount });
      void this.spawn();
    }, delayMs);
  }

  private async shutdown(): Promise<void> {
    this.status = 'stopped';
    clearTimeout(this.restartTimer);
    clearInterval(this.pingTimer);
    for (const wake of [...this.readyWaiters]) wake(false);
    const child = this.child;
    const exited = this.childExited;
    await this.client?.close();
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs);
      await exited;
      clearTimeout(killTimer);
    }
    rmSync(this.socketPath, { force: true });
  }
}

function codecOptions(options: ResolvedPoolOptions): { maxFrameBytes?: number } {
  return options.maxFrameBytes === undefined ? {} : { maxFrameBytes: options.maxFrameBytes };
}

/** Resolves on the worker's ready message; rejects if it exits first. */
function readyMessage(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (message !== null && typeof message === 'object' && (message as { type?: unknown }).type === 'ready') {
        cleanup();
        resolve();
      }
    };
    const onExit = (): void => {
      cleanup();
      reject(new ServingError('UNAVAILABLE', 'worker exited before it was ready', { retryable: true }));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * glibc keeps large freed blocks in the heap once its mmap threshold has adapted upwards, so the buffers onnxruntime
 * frees after optimising a graph stayed resident (measured: ResNet-50 held 282 MB instead of 132 MB). 'release' fixes
 * the threshold at 128 KiB and returns them to the OS.
 *
 * The price is a page fault per 4 KiB of every large buffer allocated afterwards, and onnxruntime-node copies each
 * output into a new one. Whole models pay little (vgg16 alone: 370 faults per request); graph segments pay for every
 * activation crossing a cut: vgg16 in 11 segments took 9,252 faults and 154 ms of session.run per request against
 * 136 ms whole. 'reuse' (mmap threshold 32 MiB, glibc's largest; trim threshold 256 MiB) took 54 faults and 136 ms,
 * for about 150 MB more resident memory per worker after loading. A MALLOC_* variable set in the environment wins.
 */
export function workerEnv(base: NodeJS.ProcessEnv, heap: WorkerHeap = 'release'): NodeJS.ProcessEnv {
  const tuned = heap === 'reuse' ? { MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024), MALLOC_TRIM_THRESHOLD_: String(256 * 1024 * 1024) } : { MALLOC_MMAP_THRESHOLD_: String(128 * 1024) };
  return { ...tuned, ...base };
}

/**
 * Raises a started worker's niceness. Lowering one's own child's priority needs no privilege; where the platform
 * refuses anyway the worker simply runs at the front end's priority.
 */
function lowerPriority(pid: number | undefined, nice: number): void {
  if (pid === undefined || nice <= 0) return;
  try {
    setPriority(pid, Math.min(19, nice));
  } catch {
    // not permitted here: same priority as the front end
  }
}
