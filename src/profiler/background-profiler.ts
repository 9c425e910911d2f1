// Profiles models in the background, one at a time, on a dedicated worker process of its own, so serving continues
// and sweeps never share memory with serving sessions. Models whose stored profile matches their file are skipped.

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { toServingError } from '../core/errors.js';
import type { TensorSpec } from '../core/inference.js';
import { type PooledWorker, WorkerPool, type WorkerPoolOptions } from '../executor/worker-pool.js';
import { type GpuAvailability, probeGpu } from './gpu-provider.js';
import { modelSource, sameSource } from './model-source.js';
import type { ExecutorKind } from './profile.js';
import type { ProfileStore } from './profile-store.js';
import { type ProfileBudget, profileModel } from './profiler.js';
import { type ProfilerLogger, silentLogger } from './profiler-logger.js';
import { threadCountsUpTo } from './sweep-axes.js';
import { workerRssBytes } from './worker-rss.js';

/** Background default: enough for stable medians of small models, ~20 s at most per model and kind. */
export const BACKGROUND_BUDGET: Partial<ProfileBudget> = { maxCellMs: 2000, maxModelMs: 20_000 };
/** How long to wait for the profiler's worker to come back after it crashed, ms. */
const WORKER_RECOVERY_MS = 30_000;

export interface BackgroundTarget {
  readonly model: string;
  readonly version: string;
  /** Absolute path of the model file. */
  readonly path: string;
  /** Largest batch (0: the model does not batch). */
  readonly maxBatchSize: number;
  readonly inputs?: readonly TensorSpec[];
}

export type BackgroundState = 'queued' | 'running' | 'done' | 'skipped' | 'failed';

export interface BackgroundEntry {
  readonly model: string;
  readonly version: string;
  readonly state: BackgroundState;
  /** Why it was skipped or failed. */
  readonly reason?: string;
  /** Executor kinds profiled (done) or planned (running). */
  readonly kinds?: readonly ExecutorKind[];
  /** Epoch ms. */
  readonly queuedAtMs: number;
  readonly startedAtMs?: number;
  readonly finishedAtMs?: number;
}

export interface BackgroundProfilerOptions {
  readonly store: ProfileStore;
  /** Intra-op thread counts to sweep; default 1, 2, 4, … up to this machine's cores. */
  readonly threads?: readonly number[];
  /** Executor kinds to profile; default 'auto': cpu, plus gpu when a session loads with the CUDA provider. */
  readonly executorKinds?: readonly ExecutorKind[] | 'auto';
  /** Budget per model and kind; default BACKGROUND_BUDGET over the profiler's defaults. */
  readonly budget?: Partial<ProfileBudget>;
  readonly logger?: ProfilerLogger;
  /** Socket directory of the profiler's own worker; default a fresh temporary one, removed on stop. */
  readonly runDir?: string;
  /** Further options of the profiler's WorkerPool (ping interval, timeouts, worker script). */
  readonly pool?: Omit<WorkerPoolOptions, 'runDir'>;
  /** Profile even when a stored profile matches the model file. */
  readonly force?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class BackgroundProfiler {
  private readonly entries = new Map<string, Mutable<BackgroundEntry> & { readonly target: BackgroundTarget }>();
  private readonly logger: ProfilerLogger;
  private readonly abort = new AbortController();
  private pool: WorkerPool | undefined;
  private poolStarting: Promise<PooledWorker> | undefined;
  private ownRunDir: string | undefined;
  private gpu: GpuAvailability | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: BackgroundProfilerOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Queue a model version; ignored while the same version is already queued or running. */
  enqueue(target: BackgroundTarget): void {
    if (this.stopped) return;
    const id = `${target.model}@${target.version}`;
    const existing = this.entries.get(id);
    if (existing?.state === 'queued' || existing?.state === 'running') return;
    this.entries.delete(id); // re-queued versions go to the back
    this.entries.set(id, { model: target.model, version: target.version, state: 'queued', queuedAtMs: Date.now(), target });
    this.kick();
  }

  /** Every version queued since start, in queue order. */
  status(): BackgroundEntry[] {
    return [...this.entries.values()].map(({ target: _target, ...entry }) => ({ ...entry }));
  }

  /** Resolves when nothing is queued or running. */
  async whenIdle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** Cancel the sweep in progress, drop the queue and stop the profiler's worker. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running?.catch(() => undefined);
    for (const e of this.entries.values()) {
      if (e.state === 'queued') Object.assign(e, { state: 'failed', reason: 'the profiler stopped first', finishedAtMs: Date.now() });
    }
    await this.pool?.stop();
    if (this.ownRunDir !== undefined) rmSync(this.ownRunDir, { recursive: true, force: true });
  }

  private kick(): void {
    if (this.running !== undefined || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (!this.stopped && [...this.entries.values()].some((e) => e.state === 'queued')) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = [...this.entries.values()].find((e) => e.state === 'queued');
      if (next === undefined || this.stopped) return;
      Object.assign(next, { state: 'running', startedAtMs: Date.now() });
      try {
        const outcome = await this.profileOne(next.target);
        Object.assign(next, outcome, { finishedAtMs: Date.now() });
      } catch (err) {
        const reason = toServingError(err).message;
        Object.assign(next, { state: 'failed', reason, finishedAtMs: Date.now() });
        this.logger.warn({ model: next.model, version: next.version, err: reason }, 'background profiling failed');
        await this.recoverWorker();
      }
    }
  }

  private async profileOne(target: BackgroundTarget): Promise<Pick<BackgroundEntry, 'state' | 'reason' | 'kinds'>> {
    const source = await modelSource(target.path);
    const worker = await this.worker();
    const kinds = await this.kinds(worker, target.path);
    const todo: ExecutorKind[] = [];
    for (const kind of kinds) {
      const stored = await this.options.store.getKind(target.model, target.version, kind);
      if (this.options.force === true || !sameSource(stored?.source, source)) todo.push(kind);
    }
    if (todo.length === 0) {
      this.logger.info({ model: target.model, version: target.version }, 'stored profile is up to date; not profiling');
      return { state: 'skipped', reason: 'a stored profile matches the model file', kinds };
    }
    const threads = this.options.threads ?? threadCountsUpTo(availableParallelism());
    for (const kind of todo) {
      const t0 = performance.now();
      this.logger.info({ model: target.model, version: target.version, kind, threads }, 'background profiling started');
      const profile = await profileModel(worker, { ...target, executorKind: kind }, {
        threads,
        budget: { ...BACKGROUND_BUDGET, ...this.options.budget },
        rssBytes: () => workerRssBytes(worker),
        signal: this.abort.signal,
      });
      const saved = await this.options.store.save(profile);
      this.logger.info(
        {
          model: target.model,
          version: target.version,
          kind,
          points: profile.points.length,
          skipped: profile.skipped?.length ?? 0,
          fitMedianRelError: +profile.fit.medianRelError.toFixed(3),
          seconds: +((performance.now() - t0) / 1000).toFixed(1),
          path: saved.repositoryPath ?? saved.statePath,
        },
        'background profiling done',
      );
    }
    return { state: 'done', kinds: todo };
  }

  private async kinds(worker: PooledWorker, path: string): Promise<readonly ExecutorKind[]> {
    const wanted = this.options.executorKinds ?? 'auto';
    if (wanted !== 'auto') return wanted;
    if (this.gpu === undefined) {
      this.gpu = await probeGpu(worker, path);
      if (!this.gpu.available) this.logger.info({ reason: this.gpu.reason }, 'profiling on the CPU only');
    }
    return this.gpu.available ? ['cpu', 'gpu'] : ['cpu'];
  }

  /** The profiler's own worker, started on first use (so a fully profiled repository costs no process). */
  private worker(): Promise<PooledWorker> {
    this.poolStarting ??= (async () => {
      const pool = new WorkerPool();
      this.pool = pool;
      const runDir = this.options.runDir ?? (this.ownRunDir ??= mkdtempSync(join(tmpdir(), 'tessera-prof-')));
      await pool.start(1, { ...this.options.pool, runDir });
      const worker = pool.executors()[0];
      if (worker === undefined) throw new Error('the profiler pool started no worker');
      return worker;
    })();
    // A pool that failed to start is tried again for the next model rather than failing every one after it.
    this.poolStarting.catch(() => {
      this.poolStarting = undefined;
      this.pool = undefined;
    });
    return this.poolStarting;
  }

  /** After a failure: wait for a restarted worker and drop any sweep session it reloaded. */
  private async recoverWorker(): Promise<void> {
    if (this.pool === undefined || this.stopped) return;
    const worker = this.pool.executors()[0];
    if (worker === undefined || !(await worker.whenReady(WORKER_RECOVERY_MS))) return;
    for (const key of worker.loadedKeys()) {
      if (key.startsWith('profile:')) await worker.unload(key).catch(() => undefined);
    }
  }
}
