// Mutable state of one simulation run: requests, per-model runtimes (batcher + stats), instances, executors, streams.

import type { ExecutorKind } from '../profiler/profile.js';
import type { AdmissionMargins } from '../scheduler/admission-margins.js';
import type { BatchItem, Batcher } from '../scheduler/batcher.js';
import type { DeadlineBatcher } from '../scheduler/batchers/deadline-batcher.js';
import type { FlowSelector } from '../scheduler/flow-selector.js';
import type { UniformSource } from './random-variates.js';
import type { ArrivalGenerator } from './arrivals.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { SimModelResult } from './sim-result.js';
import type { ServiceTimeSampler } from './service-time.js';

/** Event tags: the event queue holds the entity itself, so no event object is allocated per event. */
export const ARRIVAL = 0;
export const BATCH_DONE = 1;
export const WAKE = 2;

export interface SimRequest extends BatchItem {
  readonly sloMs: number | undefined;
  readonly measured: boolean;
  dispatchedAtMs: number;
  /** Absolute deadline on 'edf' executors: arrival + sloMs; Infinity without an SLO, or once demoted to best effort. */
  deadlineAtMs: number;
  /** Strict priority class (DeadlineItem); the simulator's streams all have 0. */
  readonly priority: number;
  /** Its stream's overload policy is best effort: past its deadline it queues on instead of being dropped. */
  readonly bestEffort: boolean;
  /** What admission predicted when it admitted the request ('edf' executors); undefined otherwise. */
  admitted: SimAdmitted | undefined;
}

/** An admission prediction to learn from (the live VersionRuntime's Admitted). */
export interface SimAdmitted {
  /** Predicted completion without the margin, moved later by each request admitted ahead of it since. */
  doneAtMs: number;
  /** Time from admission to the deadline, ms: the margin class its lateness is learned in. */
  readonly budgetMs: number;
  readonly marginMs: number;
  readonly startsAtOnce: boolean;
}

/** A model scheduled by deadline: its EDF queue and what admission reads and learns. */
export interface SimDeadlineState {
  readonly batcher: DeadlineBatcher<SimRequest>;
  /** The requests in the batcher (the live VersionRuntime's `queued`). */
  readonly queued: Set<SimRequest>;
  /** Largest batch in rows (queued work is predicted as full batches of it). */
  readonly maxBatchSize: number;
  /** Profiled mean time of a batch of `rows` rows, ms: the prediction admission and the batcher use. */
  readonly predictMs: (rows: number) => number;
  /** Shared by the models on executors of one kind, as the live server shares them (Engine.sharedFor). */
  readonly margins: AdmissionMargins;
}

export interface SimBatch {
  readonly instance: SimInstance;
  readonly items: readonly SimRequest[];
  readonly rows: number;
}

export interface SimInstance {
  readonly model: SimModel;
  readonly executor: SimExecutorState;
  readonly sampler: ServiceTimeSampler;
  busy: boolean;
  /** Flow id under an arbiter (unique on its executor). */
  readonly key: string;
  /** Graph segments per batch under an arbiter (1: whole batches). */
  readonly segments: number;
  /** Share weight under an arbiter. */
  readonly weight: number;
  /** Under an arbiter: the batch it is part-way through, if any. */
  job: SimJob | undefined;
}

/** A batch running segment by segment on an arbitrated executor. */
export interface SimJob {
  readonly batch: SimBatch;
  segmentsLeft: number;
  /** Sampled service time of one segment (the batch's sampled time / segments), ms. */
  readonly segmentMs: number;
  /** Profiled cost of one segment, charged to the model's share, ms. */
  readonly costMs: number;
}

export class SimStream {
  readonly tag = ARRIVAL;
  constructor(
    readonly model: SimModel,
    readonly arrivals: ArrivalGenerator,
    readonly rows: number,
    readonly sloMs: number | undefined,
    readonly bestEffort: boolean,
  ) {}
}

export class SimExecutorState {
  readonly tag = BATCH_DONE;
  /** Batches sent to this worker and not started yet: it runs them one at a time, first come first served. */
  readonly waiting: SimBatch[] = [];
  /** Instances placed here (used by an arbiter, which pulls work from them instead of receiving batches). */
  readonly hosted: SimInstance[] = [];
  running: SimBatch | undefined;
  startedAtMs = 0;
  lastModel: SimModel | undefined;
  busyMs = 0;
  batches = 0;
  switches = 0;
  constructor(
    readonly id: string,
    readonly kind: ExecutorKind,
    readonly cores: number,
    readonly rng: UniformSource,
    /** The device arbiter ('wfq' sharing); undefined: batches run first come first served. */
    readonly selector: FlowSelector | undefined,
  ) {}
}

export class SimModel {
  readonly tag = WAKE;
  readonly instances: SimInstance[] = [];
  /** Time of the one pending wake-up timer (as VersionRuntime keeps one), Infinity when none. */
  wakeAtMs = Infinity;
  arrived = 0;
  completed = 0;
  rejected = 0;
  dropped = 0;
  /** Refused by admission control ('edf' executors). */
  refused = 0;
  /** Dropped from the queue because they could no longer meet their deadline ('edf' executors). */
  expired = 0;
  withSlo = 0;
  sloMet = 0;
  queueMsSum = 0;
  batches = 0;
  batchRowsSum = 0;
  readonly batchRows: number[] = [];
  readonly latency = new LatencyHistogram();

  constructor(
    readonly name: string,
    readonly batcher: Batcher<SimRequest>,
    readonly maxQueueLength: number,
    /** Draws the placement's delay outside the executor (front end, reply), ms; absent: none. */
    private readonly delayMs?: () => number,
    /** Set when the model is scheduled by deadline ('edf' executors); `batcher` is then its DeadlineBatcher. */
    readonly deadline?: SimDeadlineState,
  ) {}

  recordDone(r: SimRequest, nowMs: number): void {
    if (!r.measured) return;
    const latencyMs = nowMs - r.enqueuedAtMs + (this.delayMs === undefined ? 0 : this.delayMs());
    this.completed += 1;
    this.queueMsSum += r.dispatchedAtMs - r.enqueuedAtMs;
    this.latency.record(latencyMs);
    if (r.sloMs !== undefined && latencyMs <= r.sloMs) this.sloMet += 1;
  }

  recordBatch(rows: number): void {
    this.batches += 1;
    this.batchRowsSum += rows;
    this.batchRows[rows] = (this.batchRows[rows] ?? 0) + 1;
  }

  result(measuredMs: number): SimModelResult {
    const perS = (n: number): number => (measuredMs > 0 ? (n * 1000) / measuredMs : 0);
    const h = this.latency;
    const batchRows: Record<string, number> = {};
    this.batchRows.forEach((count, rows) => {
      if (count > 0) batchRows[String(rows)] = count;
    });
    return {
      model: this.name,
      arrived: this.arrived,
      completed: this.completed,
      rejected: this.rejected,
      dropped: this.dropped,
      ...(this.deadline === undefined ? {} : { refused: this.refused, expired: this.expired }),
      offeredPerS: perS(this.arrived),
      throughputPerS: perS(this.completed),
      latency: { meanMs: h.meanMs, p50Ms: h.quantileMs(0.5), p95Ms: h.quantileMs(0.95), p99Ms: h.quantileMs(0.99), maxMs: h.maxMs },
      meanQueueMs: this.completed === 0 ? NaN : this.queueMsSum / this.completed,
      ...(this.withSlo === 0 ? {} : { sloAttainment: this.sloMet / this.withSlo }),
      batches: this.batches,
      meanBatchRows: this.batches === 0 ? NaN : this.batchRowsSum / this.batches,
      batchRows,
    };
  }
}
