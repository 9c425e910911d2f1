// Serves one loaded model version: queues requests in a batcher, runs batches on free instances, retries once.

import type { Clock } from '../core/clock.js';
import { ServingError, toServingError } from '../core/errors.js';
import type { InferRequest, InferResponse, TensorSpec } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';
import type { Executor } from '../executor/executor.js';
import type { BatchItem, Batcher } from '../scheduler/batcher.js';
import { concatInputs, splitOutputs } from './batch-assembly.js';
import { batchExecuted, queueChanged, requestDone } from './channels.js';
import type { ModelStats } from './model-stats.js';
import { validateRequest } from './request-validation.js';

/** Runs at most this many times in all when an executor dies under a request (the first run + one retry). */
const MAX_ATTEMPTS = 2;

interface Pending extends BatchItem {
  readonly req: InferRequest;
  readonly outputNames: readonly string[];
  readonly startNs: bigint;
  attempts: number;
  resolve(res: InferResponse): void;
  reject(err: ServingError): void;
}

interface Instance {
  readonly executor: Executor;
  /** Batches sent to the executor and not yet answered. */
  inFlight: number;
  /** Set when a run failed because the executor died; cleared when the pool reports it up again. */
  down: boolean;
}

export interface VersionRuntimeOptions {
  readonly model: string;
  readonly version: string;
  /** Session key on the executors. */
  readonly key: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly maxBatchSize: number;
  readonly batcher: Batcher<Pending>;
  readonly executors: readonly Executor[];
  readonly isAvailable: (executorId: string) => boolean;
  readonly clock: Clock;
  readonly stats: ModelStats;
  /** Queued requests fail with UNAVAILABLE after waiting this long while no instance is available. */
  readonly unavailableTimeoutMs: number;
  /** Most requests queued at once; more are rejected with RESOURCE_EXHAUSTED (bounded memory). */
  readonly maxQueueLength: number;
  /**
   * Batches an instance may have outstanding. 1 leaves the worker idle while the front end handles each reply;
   * 2 lets the next batch wait in the worker so it starts the moment the previous one ends.
   */
  readonly maxBatchesInFlight: number;
}

export type { Pending as PendingRequest };

export class VersionRuntime {
  private readonly instances: Instance[];
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAtMs = Infinity;
  private watchdog: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private accepting = true;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: VersionRuntimeOptions) {
    this.instances = o.executors.map((executor) => ({ executor, inFlight: 0, down: false }));
  }

  get executorIds(): string[] {
    return this.instances.map((i) => i.executor.id);
  }

  /** Requests queued or running. */
  get load(): number {
    return this.o.batcher.size + this.inFlight;
  }

  infer(req: InferRequest): Promise<InferResponse> {
    if (!this.accepting) {
      return Promise.reject(new ServingError('UNAVAILABLE', `model '${this.o.model}' version ${this.o.version} is unloading`));
    }
    let v: ReturnType<typeof validateRequest>;
    try {
      v = validateRequest(req, this.o.inputs, this.o.outputs, this.o.maxBatchSize);
      if (this.o.batcher.size >= this.o.maxQueueLength) {
        throw new ServingError('RESOURCE_EXHAUSTED', `queue of model '${this.o.model}' is full (${this.o.maxQueueLength} requests)`);
      }
    } catch (e) {
      const err = toServingError(e);
      this.o.stats.recordFailure(0);
      requestDone.publish({ model: this.o.model, version: this.o.version, outcome: err.code, totalNs: 0, queueNs: 0, computeNs: 0 });
      return Promise.reject(err);
    }
    return new Promise<InferResponse>((resolve, reject) => {
      const item: Pending = {
        req,
        rows: v.rows,
        shapeKey: v.shapeKey,
        outputNames: v.outputNames,
        enqueuedAtMs: this.o.clock.nowMs(),
        startNs: process.hrtime.bigint(),
        attempts: 0,
        resolve,
        reject,
      };
      this.publishQueue(1);
      this.o.batcher.enqueue(item);
      this.pump();
    });
  }

  /** Stop taking requests; resolves when every queued and running request has finished. */
  drain(): Promise<void> {
    this.accepting = false;
    this.pump();
    if (this.load === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Fail everything still queued (used when the version is forced away). */
  failQueued(err: ServingError): void {
    for (const p of this.o.batcher.remove(() => true)) this.finishFailure(p, err);
  }

  /** An executor came back or went away: re-run the dispatch loop. */
  executorChanged(executorId: string, up: boolean): void {
    for (const inst of this.instances) if (inst.executor.id === executorId) inst.down = !up;
    this.pump();
  }

  private usable(inst: Instance): boolean {
    return !inst.down && this.o.isAvailable(inst.executor.id);
  }

  private pump(): void {
    const now = this.o.clock.nowMs();
    let anyAvailable = false;
    for (;;) {
      // The usable instance with the fewest outstanding batches takes the next one, so idle ones fill first.
      let target: Instance | undefined;
      for (const inst of this.instances) {
        if (!this.usable(inst)) continue;
        anyAvailable = true;
        if (inst.inFlight < this.o.maxBatchesInFlight && (target === undefined || inst.inFlight < target.inFlight)) target = inst;
      }
      if (target === undefined) break;
      const d = this.o.batcher.next(now);
      if (d.kind === 'empty') break;
      if (d.kind === 'wait') {
        this.scheduleWake(d.untilMs, now);
        break;
      }
      void this.execute(target, d.items);
    }
    if (!anyAvailable && this.o.batcher.size > 0) this.armWatchdog();
    this.checkIdle();
  }

  private scheduleWake(atMs: number, nowMs: number): void {
    if (this.wakeTimer !== undefined && this.wakeAtMs <= atMs) return;
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeAtMs = atMs;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAtMs = Infinity;
      this.pump();
    }, Math.max(0, atMs - nowMs));
  }

  /** While no instance can run, fail requests that waited past the timeout instead of letting them hang. */
  private armWatchdog(): void {
    if (this.watchdog !== undefined) return;
    const periodMs = Math.min(1000, this.o.unavailableTimeoutMs);
    this.watchdog = setInterval(() => {
      const now = this.o.clock.nowMs();
      const expired = this.o.batcher.remove((p) => now - p.enqueuedAtMs >= this.o.unavailableTimeoutMs);
      for (const p of expired) {
        this.finishFailure(
          p,
          new ServingError('UNAVAILABLE', `no instance of model '${this.o.model}' became available within ${this.o.unavailableTimeoutMs} ms`),
        );
      }
      if (this.o.batcher.size === 0 || this.instances.some((i) => this.usable(i))) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
        this.pump();
      }
    }, periodMs);
  }

  private async execute(inst: Instance, items: readonly Pending[]): Promise<void> {
    inst.inFlight += 1;
    this.inFlight += items.length;
    const dispatchNs = process.hrtime.bigint();
    for (const p of items) p.attempts += 1;
    const names = this.o.inputs.map((s) => s.name);
    const wantAll = items.some((p) => p.outputNames.length === 0);
    const outputNames = wantAll ? [] : [...new Set(items.flatMap((p) => p.outputNames))];
    let retry: Pending[] = [];
    try {
      const inputs = concatInputs(
        items.map((p) => p.req.inputs),
        names,
      );
      const inputDoneNs = process.hrtime.bigint();
      const result = await inst.executor.run(this.o.key, inputs, outputNames);
      const inferDoneNs = process.hrtime.bigint();
      const perRequest = this.o.maxBatchSize > 0 ? splitOutputs(result.outputs, items.map((p) => p.rows)) : [[...result.outputs]];
      const endNs = process.hrtime.bigint();
      const inputNs = Number(inputDoneNs - dispatchNs);
      const outputNs = Number(endNs - inferDoneNs);
      const rows = items.reduce((a, p) => a + p.rows, 0);
      this.o.stats.recordExecution(rows, inputNs, result.computeNs, outputNs);
      batchExecuted.publish({ model: this.o.model, version: this.o.version, rows, requests: items.length, computeNs: result.computeNs });
      items.forEach((p, i) => {
        const outs = perRequest[i] as Tensor[];
        const wanted = p.outputNames.length === 0 ? outs : outs.filter((t) => p.outputNames.includes(t.name));
        const totalNs = Number(endNs - p.startNs);
        const queueNs = Number(dispatchNs - p.startNs);
        this.o.stats.recordSuccess(p.rows, totalNs, queueNs, inputNs, result.computeNs, outputNs, Date.now());
        requestDone.publish({ model: this.o.model, version: this.o.version, outcome: 'success', totalNs, queueNs, computeNs: result.computeNs });
        this.publishQueue(-1);
        p.resolve({
          ...(p.req.id === undefined ? {} : { id: p.req.id }),
          model: this.o.model,
          version: this.o.version,
          outputs: wanted,
        });
      });
    } catch (e) {
      const err = toServingError(e);
      if (err.retryable) inst.down = true;
      for (const p of items) {
        if (err.retryable && p.attempts < MAX_ATTEMPTS && this.accepting) retry.push(p);
        else {
          const final = err.retryable
            ? new ServingError('UNAVAILABLE', `model '${this.o.model}': ${err.message} (after ${p.attempts} attempt(s))`)
            : err;
          this.finishFailure(p, final);
        }
      }
    } finally {
      inst.inFlight -= 1;
      this.inFlight -= items.length;
      // Retried requests keep their arrival time, so the batcher runs them next on any instance that is up.
      for (const p of retry) this.o.batcher.enqueue(p);
      retry = [];
      this.pump();
    }
  }

  private finishFailure(p: Pending, err: ServingError): void {
    const totalNs = Number(process.hrtime.bigint() - p.startNs);
    this.o.stats.recordFailure(totalNs);
    requestDone.publish({ model: this.o.model, version: this.o.version, outcome: err.code, totalNs, queueNs: 0, computeNs: 0 });
    this.publishQueue(-1);
    p.reject(err);
  }

  private publishQueue(delta: number): void {
    if (queueChanged.hasSubscribers) queueChanged.publish({ model: this.o.model, version: this.o.version, delta });
  }

  private checkIdle(): void {
    if (this.load !== 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  close(): void {
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
  }
}
