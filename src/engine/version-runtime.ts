// Serves one loaded model version: admits requests, queues them in a batcher, and offers batches to the executors
// that host it (each executor's scheduler decides when this version's turn comes); drops expired work; retries once.

import type { Clock } from '../core/clock.js';
import { ServingError, toServingError } from '../core/errors.js';
import type { InferRequest, InferResponse, TensorSpec } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';
import { type RunOptions, supportsSegments } from '../executor/executor.js';
import { admit } from '../scheduler/admission.js';
import { AdmissionMargins } from '../scheduler/admission-margins.js';
import { backlogAsBatchesMs, delayAfter, slackAfterMs } from '../scheduler/admitted-queue.js';
import { RecentLeast } from '../scheduler/reservation.js';
import { startAfterMs } from '../scheduler/wait-estimate.js';
import type { BatchItem, Batcher } from '../scheduler/batcher.js';
import type { FlowView } from '../scheduler/flow-selector.js';
import { concatInputs, splitOutputs } from './batch-assembly.js';
import { batchExecuted, deviceUnit, queueChanged, requestDone, type RequestDoneEvent } from './channels.js';
import type { CostEstimator } from './cost-estimator.js';
import type { ExecutorScheduler, Flow, TakeResult } from './executor-scheduler.js';
import type { ModelStats } from './model-stats.js';
import { type InferContext, defaultContext } from './request-context.js';
import { validateRequest } from './request-validation.js';

/** Runs at most this many times in all when an executor dies under a request (the first run + one retry). */
const MAX_ATTEMPTS = 2;
/** Weight of the newest response time in the flow's moving average (ROMA's estimate). */
const RESPONSE_ALPHA = 0.2;
/** Weight of a finished job's measured segment shares in the learned cost shares. */
const FRACTION_ALPHA = 0.1;

/** An admission decision to learn from: the completion it predicted and the budget the request had. */
interface Admitted {
  /**
   * Predicted completion, clock ms (without the margin); with protectAdmitted, moved later by the delay of each
   * request admitted ahead of it since, so its lateness against this counts only what admission could not foresee.
   */
  doneAtMs: number;
  /** Time from admission to the deadline, ms: the class of margin the request's lateness is recorded in. */
  readonly budgetMs: number;
  /** The margin admission added to the prediction, ms: kept clear of later arrivals as well. */
  readonly marginMs: number;
  /** It found an executor idle and nothing queued ahead: its lateness is learned apart (AdmissionMargins). */
  readonly startsAtOnce: boolean;
}

interface Pending extends BatchItem {
  readonly req: InferRequest;
  readonly ctx: InferContext;
  /** Deadline used for ordering and expiry; best-effort requests that can no longer make it get Infinity. */
  deadlineAtMs: number;
  readonly priority: number;
  readonly outputNames: readonly string[];
  readonly startNs: bigint;
  /** What admission predicted when it admitted the request; undefined when it was not admitted on a prediction. */
  readonly admitted?: Admitted;
  attempts: number;
  resolve(res: InferResponse): void;
  reject(err: ServingError): void;
}

/** Batchers that know deadlines can drop queued work that can no longer finish in time. */
interface ExpiringBatcher<T> extends Batcher<T & BatchItem> {
  expire(nowMs: number): T[];
  nextDeadlineAtMs(): number;
}

function isExpiring<T extends BatchItem>(b: Batcher<T>): b is Batcher<T> & ExpiringBatcher<T> {
  return typeof (b as Partial<ExpiringBatcher<T>>).expire === 'function' && typeof (b as Partial<ExpiringBatcher<T>>).nextDeadlineAtMs === 'function';
}

/** A version cut into graph segments and loaded as such on its executors. */
export interface SegmentPlan {
  /** Key of the segmented session on the executors. */
  readonly key: string;
  /** Each segment's share of the model's cost, in order (sums to ~1). */
  readonly costFractions: readonly number[];
  /**
   * Start a job in segments only while another model has had work on the executor in the last second (preemption
   * points are for someone else's benefit); a model alone there runs whole batches. Otherwise always in segments.
   */
  readonly onlyWhenShared?: boolean;
}

/** How recently another model must have had work on an executor for a preemptible job to run in segments, ms. */
const SHARED_WINDOW_MS = 1000;
/** A flow's time budget for the reservation for short work is the least among requests of the last 5-10 s. */
const BUDGET_WINDOW_MS = 5000;

/** A batch moving through the segments on one executor. */
interface SegmentJob {
  readonly id: string;
  readonly items: readonly Pending[];
  /** Index of the next segment to send to the worker. */
  next: number;
  /** Segments sent and not yet answered: the worker runs them in order, so the next may wait there behind one. */
  inFlight: number;
  /** Finished (last segment answered) or failed: later answers are ignored. */
  ended: boolean;
  /** Predicted cost of the whole batch, ms (a segment costs its fraction of it). */
  readonly batchCostMs: number;
  readonly rows: number;
  computeNs: number;
  /** Measured time of each segment run so far, ns. */
  readonly segmentNs: number[];
  readonly dispatchNs: bigint;
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
  /** Schedulers of the executors that host this version. */
  readonly schedulers: readonly ExecutorScheduler[];
  readonly clock: Clock;
  readonly stats: ModelStats;
  readonly cost: CostEstimator;
  /** Reject at arrival what cannot meet its deadline; drop queued requests whose deadline passes. */
  readonly admission: boolean;
  /**
   * With admission: also refuse a request that would overtake an admitted one (due later, on the same executors) by
   * more than that one's slack, so what was admitted stays on time. Right for EDF order, where a request overtakes
   * exactly the queued requests due after it (default false).
   */
  readonly protectAdmitted?: boolean;
  /** Queued requests fail with UNAVAILABLE after waiting this long while no instance is available. */
  readonly unavailableTimeoutMs: number;
  /** Most requests queued at once; more are rejected with RESOURCE_EXHAUSTED (bounded memory). */
  readonly maxQueueLength: number;
  /**
   * Admission margins shared with the other versions on the same kind of executor (by the requests' time budget);
   * default: this version's own.
   */
  readonly margins?: AdmissionMargins;
}

export type { Pending as PendingRequest };

export class VersionRuntime implements Flow {
  readonly key: string;
  private watchdog: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private expiryAtMs = Infinity;
  private inFlight = 0;
  private accepting = true;
  private idleWaiters: (() => void)[] = [];
  /** Queued requests in arrival order (a Set keeps insertion order), for the selector's view and the backlog. */
  private readonly queued = new Set<Pending>();
  private avgResponseMs = 0;
  /** How late admitted requests finish against admission's prediction; added to the next predictions. */
  private readonly margins: AdmissionMargins;
  private retry: Pending[] = [];
  private segments: SegmentPlan | undefined;
  private fractions: number[] = [];
  /** The segmented job in progress on each executor (by scheduler id). */
  private readonly jobs = new Map<string, SegmentJob>();
  private jobSeq = 0;
  /** The tightest time budget among recent requests (the executors' reservation for short work reads it). */
  private readonly budgets = new RecentLeast(BUDGET_WINDOW_MS);

  constructor(private readonly o: VersionRuntimeOptions) {
    this.key = o.key;
    this.margins = o.margins ?? new AdmissionMargins();
    for (const s of o.schedulers) s.add(this);
  }

  get executorIds(): string[] {
    return this.o.schedulers.map((s) => s.id);
  }

  /** Requests queued or running. */
  get load(): number {
    return this.o.batcher.size + this.inFlight;
  }

  get model(): string {
    return this.o.model;
  }

  get version(): string {
    return this.o.version;
  }

  get maxBatchSize(): number {
    return this.o.maxBatchSize;
  }

  get instanceCount(): number {
    return this.o.schedulers.length;
  }

  /** Predicted executor time of one batch of `rows` rows, ms (0 when nothing is known yet). */
  predictBatchMs(rows: number): number {
    return this.o.cost.predictMs(Math.max(1, rows));
  }

  get costKnown(): boolean {
    return this.o.cost.known;
  }

  /** Predicted executor-ms of this version's queued work (split into full batches). */
  backlogMs(deadlineAtMs = Infinity): number {
    return backlogAsBatchesMs(this.queued, deadlineAtMs, this.o.maxBatchSize, (rows) => this.predictBatchMs(rows));
  }

  infer(req: InferRequest, ctx: InferContext = defaultContext()): Promise<InferResponse> {
    if (!this.accepting) {
      return Promise.reject(new ServingError('UNAVAILABLE', `model '${this.o.model}' version ${this.o.version} is unloading`));
    }
    let v: ReturnType<typeof validateRequest>;
    let deadlineAtMs = ctx.deadlineAtMs;
    let admitted: Admitted | undefined;
    const now = this.o.clock.nowMs();
    /** Label of the refusal for metrics, set before each throw below. */
    let refusal = 'invalid';
    if (Number.isFinite(deadlineAtMs)) this.budgets.observe(now, deadlineAtMs - now);
    try {
      v = validateRequest(req, this.o.inputs, this.o.outputs, this.o.maxBatchSize);
      if (this.o.batcher.size >= this.o.maxQueueLength) {
        refusal = 'queue_full';
        throw new ServingError('RESOURCE_EXHAUSTED', `queue of model '${this.o.model}' is full (${this.o.maxQueueLength} requests)`, {
          retryAfterMs: Math.max(1, Math.ceil(this.backlogMs() / Math.max(1, this.o.schedulers.length))),
        });
      }
      if (this.o.admission && Number.isFinite(deadlineAtMs) && this.o.cost.known) {
        const busy = this.executorBusyMs(now);
        const aheadMs = this.queuedAheadMs(deadlineAtMs);
        const startsAtOnce = this.startsAtOnce(aheadMs);
        const marginMs = this.margins.marginMs(now, deadlineAtMs - now, startsAtOnce);
        const serviceMs = this.predictBatchMs(v.rows);
        const delayBehindMs = serviceMs / busy.length;
        // The queues a request admitted here can overtake (protectAdmitted): read for their slack, then delayed.
        const behind = this.o.protectAdmitted === true ? this.sharingFlows() : undefined;
        const d = admit({
          nowMs: now,
          deadlineAtMs,
          serviceMs: serviceMs + marginMs,
          backlogMs: aheadMs,
          executors: busy.length,
          executorBusyMs: busy,
          overload: ctx.overload,
          ...(behind === undefined ? {} : { slackBehindMs: leastSlackAfterMs(behind, deadlineAtMs), delayBehindMs }),
        });
        if (d.kind === 'reject') {
          refusal = 'admission';
          throw new ServingError('RESOURCE_EXHAUSTED', `request rejected by admission control (${d.reason}): ${d.detail}`, { retryAfterMs: d.retryAfterMs });
        }
        // Best effort: it runs, but after every request that can still make its deadline.
        if (d.kind === 'best-effort') deadlineAtMs = Infinity;
        else {
          admitted = { doneAtMs: d.predictedCompletionMs - marginMs, budgetMs: deadlineAtMs - now, marginMs, startsAtOnce };
          if (behind !== undefined) for (const f of behind) f.delayAfter(deadlineAtMs, delayBehindMs);
        }
      }
    } catch (e) {
      const err = toServingError(e);
      if (refusal !== 'invalid') this.margins.refused(now);
      this.o.stats.recordFailure(0);
      this.publishDone(ctx, err.code, 0, 0, 0, refusal);
      return Promise.reject(err);
    }
    return new Promise<InferResponse>((resolve, reject) => {
      const item: Pending = {
        req,
        ctx,
        rows: v.rows,
        shapeKey: v.shapeKey,
        deadlineAtMs,
        priority: ctx.priority,
        outputNames: v.outputNames,
        enqueuedAtMs: now,
        startNs: process.hrtime.bigint(),
        ...(admitted === undefined ? {} : { admitted }),
        attempts: 0,
        resolve,
        reject,
      };
      this.publishQueue(1);
      this.enqueue(item);
      this.pumpAll();
    });
  }

  slackAfterMs(deadlineAtMs: number): number {
    return slackAfterMs(this.queued, deadlineAtMs);
  }

  budgetMs(nowMs: number): number {
    return this.budgets.value(nowMs);
  }

  delayAfter(deadlineAtMs: number, delayMs: number): void {
    delayAfter(this.queued, deadlineAtMs, delayMs);
  }

  /** The flows on this version's executors (itself included): the queues a request admitted here can overtake. */
  private sharingFlows(): Set<Flow> {
    const flows = new Set<Flow>();
    for (const s of this.o.schedulers) for (const f of s.hostedFlows) flows.add(f);
    return flows;
  }

  /** Queued work ahead of a request with this deadline on the executors it can use: every hosted version's queue, ms. */
  private queuedAheadMs(deadlineAtMs: number): number {
    let ms = 0;
    for (const s of this.o.schedulers) ms += s.backlogOfOthersMs(this, deadlineAtMs);
    return ms + this.backlogMs(deadlineAtMs);
  }

  /** The router refused at `nowMs` a request this version could have served: the executors count it as overload. */
  noteRefused(nowMs: number): void {
    this.margins.refused(nowMs);
  }

  /**
   * Predicted ms from `nowMs` until a new request due at `deadlineAtMs` could start on one of this version's
   * executors: what they run now finishes, then the queued work ahead of it fills whichever frees up first; plus the
   * learned margin by which admitted requests recently finished later than predicted (0 without admission control).
   */
  waitMs(nowMs: number, deadlineAtMs: number): number {
    const aheadMs = this.queuedAheadMs(deadlineAtMs);
    return startAfterMs(this.executorBusyMs(nowMs), aheadMs) + this.margins.marginMs(nowMs, deadlineAtMs - nowMs, this.startsAtOnce(aheadMs));
  }

  /**
   * Whether a request with `aheadMs` of queued work ahead of it would start at once: an executor hosting this version
   * is idle (nothing sent to it unfinished, not merely past its prediction) and no work is queued ahead of it. Its lateness is learned
   * apart from queued requests' (AdmissionMargins): after a stall has made the queued requests' margin as large as
   * the budget, a request that finds a free executor is still admitted on its own class's margin, so the class is
   * not locked out until the stall's errors expire.
   */
  private startsAtOnce(aheadMs: number): boolean {
    return aheadMs === 0 && this.o.schedulers.some((s) => s.usable && s.idle);
  }

  /**
   * Expected busy time left on each executor that is up (expectedBusyMs). With none up (a worker restarting) one idle
   * executor stands in: the request queues and runs once it is back, as admission has always assumed.
   */
  private executorBusyMs(nowMs: number): number[] {
    const usable = this.o.schedulers.filter((s) => s.usable);
    return usable.length === 0 ? [0] : usable.map((s) => s.expectedBusyMs(nowMs));
  }

  private enqueue(p: Pending): void {
    const now = this.o.clock.nowMs();
    for (const s of this.o.schedulers) s.noteWork(this.key, now);
    this.queued.add(p);
    this.o.batcher.enqueue(p);
    this.armExpiry();
  }

  /** Stop taking requests; resolves when every queued and running request has finished. */
  drain(): Promise<void> {
    this.accepting = false;
    this.pumpAll();
    if (this.load === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Fail everything still queued (used when the version is forced away). */
  failQueued(err: ServingError): void {
    for (const p of this.o.batcher.remove(() => true)) {
      this.queued.delete(p);
      this.finishFailure(p, err, 'unavailable');
    }
  }

  /** Run batches segment by segment (graph segments of bounded cost) so the executor can switch models between them. */
  enableSegments(plan: SegmentPlan): void {
    this.segments = plan;
    this.fractions = [...plan.costFractions];
  }

  /** Each segment's share of the model's time: starts from the segmenter's estimate, then follows measured runs. */
  get segmentFractions(): readonly number[] {
    return this.fractions;
  }

  /** Moves the cost shares toward what the segments of a finished job measured. */
  private learnFractions(segmentNs: readonly number[]): void {
    const total = segmentNs.reduce((a, b) => a + b, 0);
    if (total <= 0 || segmentNs.length !== this.fractions.length) return;
    this.fractions = this.fractions.map((f, i) => f + FRACTION_ALPHA * ((segmentNs[i] as number) / total - f));
  }

  get segmentCount(): number {
    return this.segments?.costFractions.length ?? 0;
  }

  view(nowMs: number, scheduler: ExecutorScheduler): FlowView | undefined {
    const job = this.jobs.get(scheduler.id);
    if (job !== undefined) {
      // One job at a time per executor: its next segment is the flow's only work there until it finishes.
      if (job.ended || job.next >= this.segmentCount) return undefined;
      return this.viewOf(job.items, nowMs, job.batchCostMs * this.fraction(job.next), true);
    }
    if (this.o.batcher.size === 0) return undefined;
    // The batch the batcher would run now; without that, the largest the queue allows.
    const rows = this.o.batcher.peekRows?.(nowMs) ?? Math.min(Math.max(1, this.o.maxBatchSize), this.queued.size);
    return this.viewOf(this.queued, nowMs, this.predictBatchMs(rows) * (this.useSegments(scheduler, nowMs) ? this.fraction(0) : 1), false);
  }

  /** Whether a new job on `scheduler` runs in segments. */
  private useSegments(scheduler: ExecutorScheduler, nowMs: number): boolean {
    const plan = this.segments;
    if (plan === undefined || !supportsSegments(scheduler.executor)) return false;
    return plan.onlyWhenShared !== true || scheduler.othersWorkedSince(this.key, nowMs - SHARED_WINDOW_MS);
  }

  private fraction(segment: number): number {
    return this.segments === undefined ? 1 : (this.fractions[segment] ?? 0);
  }

  private viewOf(items: Iterable<Pending>, nowMs: number, nextCostMs: number, inProgress: boolean): FlowView | undefined {
    let head: Pending | undefined;
    let deadline = Infinity;
    let priority = Infinity;
    let n = 0;
    for (const p of items) {
      head ??= p;
      n += 1;
      if (p.deadlineAtMs < deadline) deadline = p.deadlineAtMs;
      if (p.priority < priority) priority = p.priority;
    }
    if (head === undefined) return undefined;
    return {
      flow: this.key,
      tenant: head.ctx.tenant,
      weight: head.ctx.weight,
      tenantWeight: head.ctx.tenantWeight,
      priority,
      queuedRequests: n,
      headEnqueuedAtMs: head.enqueuedAtMs,
      headDeadlineAtMs: deadline,
      nextCostMs,
      sloMs: head.ctx.sloMs,
      avgResponseMs: this.avgResponseMs === 0 ? nowMs - head.enqueuedAtMs : this.avgResponseMs,
      inProgress,
    };
  }

  take(nowMs: number, scheduler: ExecutorScheduler): TakeResult {
    const job = this.jobs.get(scheduler.id);
    if (job !== undefined) {
      if (job.ended || job.next >= this.segmentCount) return { kind: 'none' };
      return { kind: 'unit', unit: { costMs: job.batchCostMs * this.fraction(job.next), run: (o) => this.executeSegment(scheduler, job, o) } };
    }
    const d = this.o.batcher.next(nowMs);
    if (d.kind === 'empty') return { kind: 'none' };
    if (d.kind === 'wait') return { kind: 'wait', untilMs: d.untilMs };
    for (const p of d.items) this.queued.delete(p);
    const rows = d.items.reduce((a, p) => a + p.rows, 0);
    const costMs = this.predictBatchMs(rows);
    const items = d.items;
    this.inFlight += items.length;
    for (const p of items) p.attempts += 1;
    if (this.useSegments(scheduler, nowMs)) {
      const newJob: SegmentJob = { id: `${this.key}/${++this.jobSeq}`, items, next: 0, inFlight: 0, ended: false, batchCostMs: costMs, rows, computeNs: 0, segmentNs: [], dispatchNs: process.hrtime.bigint() };
      this.jobs.set(scheduler.id, newJob);
      return { kind: 'unit', unit: { costMs: costMs * this.fraction(0), run: (o) => this.executeSegment(scheduler, newJob, o) } };
    }
    return { kind: 'unit', unit: { costMs, run: (o) => this.execute(scheduler, items, o) } };
  }

  /**
   * Sends the job's next segment; the worker keeps the intermediate tensors between segments. With room for two units
   * in the worker, the following segment can be sent before this one answers, so the worker never idles for a round
   * trip to the front end between segments; it runs them in the order sent.
   */
  private async executeSegment(sched: ExecutorScheduler, job: SegmentJob, options: RunOptions): Promise<void> {
    const plan = this.segments as SegmentPlan;
    const ex = sched.executor;
    if (!supportsSegments(ex)) return;
    const index = job.next;
    job.next += 1;
    job.inFlight += 1;
    // Every segment sent: the executor may start the flow's next job (behind this one in the worker) while the last
    // segment runs. The job object lives on in this call until its replies are in.
    if (job.next >= this.segmentCount && this.jobs.get(sched.id) === job) this.jobs.delete(sched.id);
    try {
      const inputs = index === 0 ? concatInputs(job.items.map((p) => p.req.inputs), this.o.inputs.map((s) => s.name)) : [];
      const res = await ex.runSegment(plan.key, job.id, index, inputs, this.outputNamesOf(job.items), options);
      if (job.ended) return;
      job.computeNs += res.computeNs;
      job.segmentNs.push(res.computeNs);
      if (deviceUnit.hasSubscribers) {
        deviceUnit.publish({ executor: sched.id, model: this.o.model, tenant: (job.items[0] as Pending).ctx.tenant, computeNs: res.computeNs });
      }
      if (res.done) {
        this.endJob(sched, job);
        this.learnFractions(job.segmentNs);
        this.complete(job.items, res.outputs, job.computeNs, job.dispatchNs, 0);
      }
    } catch (e) {
      // A segment sent behind a failed one fails too; the job is failed once.
      if (job.ended) return;
      this.endJob(sched, job);
      void ex.dropJob(plan.key, job.id).catch(() => false);
      const err = toServingError(e);
      // A restarted worker no longer knows the job: run it again from the first segment, like a dead executor.
      const lost = index > 0 && err.code === 'NOT_FOUND';
      this.fail(sched, job.items, lost ? new ServingError('UNAVAILABLE', `segmented job lost: ${err.message}`, { retryable: true }) : err);
    } finally {
      job.inFlight -= 1;
      // The batch's requests are released once, when the job has ended and nothing of it is left in the worker.
      if (job.ended && job.inFlight === 0) this.afterBatch(job.items);
      else this.pumpAll();
    }
  }

  private endJob(sched: ExecutorScheduler, job: SegmentJob): void {
    job.ended = true;
    if (this.jobs.get(sched.id) === job) this.jobs.delete(sched.id);
  }

  /** An executor came back or went away: its scheduler re-runs; queued work may need the watchdog. */
  executorChanged(): void {
    // A job waiting between segments on an executor that went away lost its intermediate tensors: run it again.
    for (const sched of this.o.schedulers) {
      const job = this.jobs.get(sched.id);
      if (job === undefined || job.inFlight > 0 || sched.usable) continue;
      this.endJob(sched, job);
      this.fail(sched, job.items, new ServingError('UNAVAILABLE', `executor ${sched.id} went away during a segmented job`, { retryable: true }));
      this.afterBatch(job.items);
    }
    this.pumpAll();
  }

  private pumpAll(): void {
    for (const s of this.o.schedulers) s.pump();
    if (this.o.batcher.size > 0 && !this.o.schedulers.some((s) => s.usable)) this.armWatchdog();
    this.checkIdle();
  }

  /** One timer at the earliest moment a queued request can no longer finish in time; it drops those. */
  private armExpiry(): void {
    const b = this.o.batcher;
    if (!this.o.admission || !isExpiring(b)) return;
    const at = b.nextDeadlineAtMs();
    if (!Number.isFinite(at)) return;
    if (this.expiryTimer !== undefined && this.expiryAtMs <= at) return;
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
    this.expiryAtMs = at;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = undefined;
        this.expiryAtMs = Infinity;
        this.expireNow();
      },
      Math.max(0, Math.ceil(at - this.o.clock.nowMs())),
    );
    this.expiryTimer.unref?.();
  }

  private expireNow(): void {
    const b = this.o.batcher;
    if (!isExpiring(b)) return;
    const now = this.o.clock.nowMs();
    const requeue: Pending[] = [];
    for (const p of b.expire(now)) {
      this.queued.delete(p);
      if (p.ctx.overload === 'best-effort') {
        p.deadlineAtMs = Infinity;
        requeue.push(p);
        continue;
      }
      const late = now - p.enqueuedAtMs;
      // Dropped because it cannot make its deadline: it would have finished at least that late against its prediction.
      if (p.admitted !== undefined) this.margins.observe(now, p.admitted.budgetMs, p.deadlineAtMs - p.admitted.doneAtMs, p.admitted.startsAtOnce);
      this.finishFailure(
        p,
        new ServingError('DEADLINE_EXCEEDED', `request to model '${this.o.model}' dropped before execution: it could not finish within its deadline (waited ${late.toFixed(1)} ms)`),
        'deadline',
      );
    }
    for (const p of requeue) this.enqueue(p);
    this.armExpiry();
    this.pumpAll();
  }

  /** While no instance can run, fail requests that waited past the timeout instead of letting them hang. */
  private armWatchdog(): void {
    if (this.watchdog !== undefined) return;
    const periodMs = Math.min(1000, this.o.unavailableTimeoutMs);
    this.watchdog = setInterval(() => {
      const now = this.o.clock.nowMs();
      const expired = this.o.batcher.remove((p) => now - p.enqueuedAtMs >= this.o.unavailableTimeoutMs);
      for (const p of expired) {
        this.queued.delete(p);
        this.finishFailure(
          p,
          new ServingError('UNAVAILABLE', `no instance of model '${this.o.model}' became available within ${this.o.unavailableTimeoutMs} ms`),
          'unavailable',
        );
      }
      if (this.o.batcher.size === 0 || this.o.schedulers.some((s) => s.usable)) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
        this.pumpAll();
      }
    }, periodMs);
  }

  private outputNamesOf(items: readonly Pending[]): string[] {
    const wantAll = items.some((p) => p.outputNames.length === 0);
    return wantAll ? [] : [...new Set(items.flatMap((p) => p.outputNames))];
  }

  private async execute(sched: ExecutorScheduler, items: readonly Pending[], options: RunOptions): Promise<void> {
    const dispatchNs = process.hrtime.bigint();
    try {
      const inputs = concatInputs(
        items.map((p) => p.req.inputs),
        this.o.inputs.map((s) => s.name),
      );
      const inputNs = Number(process.hrtime.bigint() - dispatchNs);
      const result = await sched.executor.run(this.o.key, inputs, this.outputNamesOf(items), options);
      if (deviceUnit.hasSubscribers) {
        deviceUnit.publish({ executor: sched.id, model: this.o.model, tenant: (items[0] as Pending).ctx.tenant, computeNs: result.computeNs });
      }
      this.complete(items, result.outputs, result.computeNs, dispatchNs, inputNs);
    } catch (e) {
      this.fail(sched, items, e);
    } finally {
      this.afterBatch(items);
    }
  }

  /** Splits a batch's outputs back to its requests and answers them. */
  private complete(items: readonly Pending[], outputs: readonly Tensor[], computeNs: number, dispatchNs: bigint, inputNs: number): void {
    const inferDoneNs = process.hrtime.bigint();
    const perRequest = this.o.maxBatchSize > 0 ? splitOutputs(outputs, items.map((p) => p.rows)) : [[...outputs]];
    const endNs = process.hrtime.bigint();
    const nowMs = this.o.clock.nowMs();
    const outputNs = Number(endNs - inferDoneNs);
    const rows = items.reduce((a, p) => a + p.rows, 0);
    this.o.cost.observe(rows, computeNs / 1e6);
    this.o.stats.recordExecution(rows, inputNs, computeNs, outputNs);
    batchExecuted.publish({ model: this.o.model, version: this.o.version, rows, requests: items.length, computeNs });
    items.forEach((p, i) => {
      const outs = perRequest[i] as Tensor[];
      const wanted = p.outputNames.length === 0 ? outs : outs.filter((t) => p.outputNames.includes(t.name));
      const totalNs = Number(endNs - p.startNs);
      const queueNs = Number(dispatchNs - p.startNs);
      this.avgResponseMs += RESPONSE_ALPHA * (totalNs / 1e6 - this.avgResponseMs);
      if (p.admitted !== undefined) this.margins.observe(nowMs, p.admitted.budgetMs, nowMs - p.admitted.doneAtMs, p.admitted.startsAtOnce);
      this.o.stats.recordSuccess(p.rows, totalNs, queueNs, inputNs, computeNs, outputNs, Date.now());
      this.publishDone(p.ctx, 'success', totalNs, queueNs, computeNs, undefined, Number.isFinite(p.ctx.sloMs) ? nowMs <= p.enqueuedAtMs + p.ctx.sloMs : undefined);
      this.publishQueue(-1);
      p.resolve({
        ...(p.req.id === undefined ? {} : { id: p.req.id }),
        model: this.o.model,
        version: this.o.version,
        outputs: wanted,
        parameters: {
          'tessera.queue_us': Math.round(queueNs / 1000),
          'tessera.compute_us': Math.round(computeNs / 1000),
          'tessera.batch_size': rows,
          ...(p.ctx.app === undefined ? {} : { 'tessera.app': p.ctx.app }),
        },
      });
    });
  }

  /** A run failed: requests whose executor died run again elsewhere (once); the rest fail with the error. */
  private fail(sched: ExecutorScheduler, items: readonly Pending[], e: unknown): void {
    const err = toServingError(e);
    if (err.retryable) sched.markDown();
    for (const p of items) {
      if (err.retryable && p.attempts < MAX_ATTEMPTS && this.accepting) this.retry.push(p);
      else {
        const final = err.retryable
          ? new ServingError('UNAVAILABLE', `model '${this.o.model}': ${err.message} (after ${p.attempts} attempt(s))`)
          : err;
        this.finishFailure(p, final, err.retryable ? 'unavailable' : 'error');
      }
    }
  }

  private afterBatch(items: readonly Pending[]): void {
    this.inFlight -= items.length;
    // Retried requests keep their arrival time and deadline, so they run next on any instance that is up.
    const retry = this.retry;
    this.retry = [];
    for (const p of retry) this.enqueue(p);
    this.pumpAll();
  }

  private finishFailure(p: Pending, err: ServingError, reason: string): void {
    const totalNs = Number(process.hrtime.bigint() - p.startNs);
    this.o.stats.recordFailure(totalNs);
    this.publishDone(p.ctx, err.code, totalNs, 0, 0, reason, Number.isFinite(p.ctx.sloMs) ? false : undefined);
    this.publishQueue(-1);
    p.reject(err);
  }

  private publishDone(ctx: InferContext, outcome: string, totalNs: number, queueNs: number, computeNs: number, reason?: string, sloMet?: boolean): void {
    if (!requestDone.hasSubscribers) return;
    const ev: RequestDoneEvent = {
      model: this.o.model,
      version: this.o.version,
      outcome,
      totalNs,
      queueNs,
      computeNs,
      ...(ctx.app === undefined ? {} : { app: ctx.app, tenant: ctx.tenant }),
      ...(sloMet === undefined ? {} : { sloMet }),
      ...(reason === undefined ? {} : { reason }),
    };
    requestDone.publish(ev);
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
    for (const s of this.o.schedulers) s.remove(this.key);
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
  }
}

/** Least slack among the admitted requests in `flows` that a request due at `deadlineAtMs` overtakes. */
function leastSlackAfterMs(flows: Iterable<Flow>, deadlineAtMs: number): number {
  let least = Infinity;
  for (const f of flows) least = Math.min(least, f.slackAfterMs(deadlineAtMs));
  return least;
}
