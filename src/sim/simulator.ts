// Discrete-event simulator: drives the live server's batchers (DynamicBatcher, SingleBatcher, DeadlineBatcher), its
// flow selectors (WfqSelector, EdfSelector) and admission control with profile-driven executors.

import { ServingError } from '../core/errors.js';
import { SeededRandom, hashString } from '../onnx/seeded-random.js';
import type { ExecutorKind, ModelProfile } from '../profiler/profile.js';
import { AdmissionMargins } from '../scheduler/admission-margins.js';
import { DeadlineBatcher } from '../scheduler/batchers/deadline-batcher.js';
import { DynamicBatcher } from '../scheduler/batchers/dynamic-batcher.js';
import { SingleBatcher } from '../scheduler/batchers/single-batcher.js';
import type { FlowSelector, FlowView } from '../scheduler/flow-selector.js';
import { EdfSelector } from '../scheduler/selectors/edf-selector.js';
import { WfqSelector } from '../scheduler/selectors/wfq-selector.js';
import { createArrivals } from './arrivals.js';
import { DEFAULT_MAX_QUEUE_LENGTH, type SimCluster, type SimDelay, type SimPlacement, type SimSharing, placedOnEdf } from './cluster.js';
import { EventQueue } from './event-queue.js';
import { invalid } from './input-fields.js';
import { type UniformSource, gammaMeanScv } from './random-variates.js';
import { ServiceTimeSampler, type ServiceTimeOptions } from './service-time.js';
import { admitArrival, expire, learn } from './sim-admission.js';
import {
  ARRIVAL,
  BATCH_DONE,
  type SimBatch,
  type SimDeadlineState,
  SimExecutorState,
  type SimInstance,
  type SimJob,
  SimModel,
  type SimRequest,
  SimStream,
} from './sim-entities.js';
import type { SimResult } from './sim-result.js';
import { VirtualClock } from './virtual-clock.js';
import type { Workload } from './workload.js';

export interface SimOptions {
  /** Arrivals are generated in [0, durationMs). */
  readonly durationMs: number;
  /** Requests arriving before this are simulated but not measured; utilisation is measured from here too. */
  readonly warmupMs: number;
  readonly seed: number;
  /** Stop generating arrivals after this many requests (warm-up included); the measured window ends there. */
  readonly maxRequests?: number;
  /** After arrivals end, keep running at most this long so queued requests finish; the rest count as dropped. Default 60 000 ms. */
  readonly drainMs?: number;
  readonly service?: ServiceTimeOptions;
}

const DEFAULT_DRAIN_MS = 60_000;

type Entity = SimStream | SimExecutorState | SimModel;

/*
 * Mirrors VersionRuntime + the worker processes ('fifo' executors):
 *
 *  stream ──arrival──► model batcher ──next(now)──► free instance ──batch──► executor FCFS queue ──► running
 *           (reject if   (run / wait: timer            (busy until its         (one batch at a time,   │
 *            queue full)  event / empty)               batch completes)         all models)           │
 *                  ▲                                                                                   │
 *                  └───────────────────── pump() on completion ◄── completion event after sampled time ┘
 *
 * and the ExecutorScheduler of the fair and tessera policies ('wfq' and 'edf' executors): whenever the executor is
 * free, the selector (WfqSelector, EdfSelector) orders the models with work (a batch part-way through, or a queued one
 * the batcher releases) and the first runs one segment. On 'edf' executors each model's queue is a DeadlineBatcher,
 * admission control refuses at arrival what is predicted to miss its deadline, and a timer drops queued requests that
 * no longer can make it (sim-admission.ts, after VersionRuntime).
 */
export function simulate(cluster: SimCluster, workload: Workload, profiles: readonly ModelProfile[], options: SimOptions): SimResult {
  checkOptions(options);
  const clock = new VirtualClock();
  const queue = new EventQueue<Entity>();
  const warmupMs = options.warmupMs;
  let arrivalsEndMs = options.durationMs;
  const switchCostMs = cluster.switchCostMs ?? 0;
  const rng = (label: string): SeededRandom => new SeededRandom(hashString(`${options.seed}/${label}`));

  const executors = new Map(
    cluster.executors.map((e) => [e.id, new SimExecutorState(e.id, e.kind, e.cores, rng(`executor/${e.id}`), selectorFor(e.sharing ?? 'fifo'))]),
  );
  // Admission margins are learned per executor kind, shared by the models on it (Engine.sharedFor).
  const margins = new Map<ExecutorKind, AdmissionMargins>();
  const marginsFor = (kind: ExecutorKind): AdmissionMargins => {
    let m = margins.get(kind);
    if (m === undefined) margins.set(kind, (m = new AdmissionMargins()));
    return m;
  };
  const models = new Map<string, SimModel>();
  cluster.placements.forEach((p, i) =>
    models.set(p.model, buildModel(p, i, cluster, executors, profiles, options.service ?? {}, rng(`delay/${p.model}`), marginsFor)),
  );

  workload.streams.forEach((s, i) => {
    const where = `workload.streams[${i}]`;
    const model = models.get(s.model);
    if (model === undefined) invalid(`${where}.model`, `model '${s.model}' has no placement in the cluster`);
    const rows = s.rows ?? 1;
    const max = cluster.placements.find((p) => p.model === s.model)?.batching?.maxBatchSize;
    if (max !== undefined && rows > max) invalid(`${where}.rows`, `${rows} rows exceed the model's maxBatchSize ${max}`);
    const endMs = Math.min(s.endMs ?? Infinity, options.durationMs);
    const arrivals = createArrivals(s.arrival, rng(`stream/${i}/${s.model}`), s.startMs ?? 0, endMs);
    const stream = new SimStream(model, arrivals, rows, s.sloMs ?? workload.sloMs?.[s.model], s.overload === 'best-effort');
    const first = stream.arrivals.next();
    if (first < Infinity) queue.push(first, stream);
  });

  /** Busy time of [fromMs, toMs) inside the measured window. */
  const measuredOverlap = (fromMs: number, toMs: number): number => Math.max(0, Math.min(toMs, arrivalsEndMs) - Math.max(fromMs, warmupMs));

  /** Runs `batch` (or, under an arbiter, one segment of it taking `serviceMs`) on `ex` from `nowMs`. */
  function start(ex: SimExecutorState, batch: SimBatch, nowMs: number, segmentMs?: number): void {
    const model = batch.instance.model;
    let serviceMs = segmentMs ?? batch.instance.sampler.sampleMs(batch.rows, ex.rng);
    const switched = ex.lastModel !== undefined && ex.lastModel !== model;
    if (switched) serviceMs += switchCostMs;
    if (nowMs >= warmupMs && nowMs < arrivalsEndMs) {
      ex.batches += 1;
      if (switched) ex.switches += 1;
    }
    ex.lastModel = model;
    ex.running = batch;
    ex.startedAtMs = nowMs;
    queue.push(nowMs + serviceMs, ex);
  }

  function dispatch(inst: SimInstance, items: readonly SimRequest[], nowMs: number): void {
    inst.busy = true;
    let rows = 0;
    for (const r of items) {
      rows += r.rows;
      r.dispatchedAtMs = nowMs;
    }
    if (nowMs >= warmupMs && nowMs < arrivalsEndMs) inst.model.recordBatch(rows);
    const batch: SimBatch = { instance: inst, items, rows };
    const ex = inst.executor;
    if (ex.running === undefined) start(ex, batch, nowMs);
    else ex.waiting.push(batch);
  }

  // One timer per model, replaced only by an earlier one (VersionRuntime.scheduleWake).
  function wakeAt(m: SimModel, untilMs: number): void {
    if (untilMs < m.wakeAtMs) {
      m.wakeAtMs = untilMs;
      queue.push(untilMs, m);
    }
  }

  // VersionRuntime.pump: offer each free instance, in order, a batch; stop at the first 'empty' or 'wait'. Arbitrated
  // executors pull work themselves: they are offered the chance to.
  function pump(m: SimModel, nowMs: number): void {
    for (const inst of m.instances) {
      if (inst.busy || inst.executor.selector !== undefined) continue;
      const d = m.batcher.next(nowMs);
      if (d.kind === 'empty') break;
      if (d.kind === 'wait') {
        wakeAt(m, d.untilMs);
        break;
      }
      dispatch(inst, d.items, nowMs);
    }
    for (const inst of m.instances) if (inst.executor.selector !== undefined) arbitrate(inst.executor, nowMs);
  }

  function flowView(inst: SimInstance, nowMs: number): FlowView {
    const m = inst.model;
    const job = inst.job;
    const d = m.deadline;
    let headEnqueuedAtMs = 0;
    let headDeadlineAtMs = Infinity;
    let nextCostMs = job !== undefined ? job.costMs : inst.sampler.meanMs(1) / inst.segments;
    if (d !== undefined) {
      // As VersionRuntime.view: the earliest deadline among the job's requests, or else among the queued ones; the
      // cost of the batch the batcher would run now.
      const items = job !== undefined ? job.batch.items : d.queued;
      headEnqueuedAtMs = Infinity;
      for (const r of items) {
        headEnqueuedAtMs = Math.min(headEnqueuedAtMs, r.enqueuedAtMs);
        headDeadlineAtMs = Math.min(headDeadlineAtMs, r.deadlineAtMs);
      }
      if (job === undefined) nextCostMs = inst.sampler.meanMs(Math.max(1, d.batcher.peekRows(nowMs))) / inst.segments;
    }
    return {
      flow: inst.key,
      tenant: 'default',
      weight: inst.weight,
      tenantWeight: 1,
      priority: 0,
      queuedRequests: m.batcher.size,
      headEnqueuedAtMs,
      headDeadlineAtMs,
      nextCostMs,
      sloMs: Infinity,
      avgResponseMs: 0,
      inProgress: job !== undefined,
    };
  }

  // ExecutorScheduler.pump with one unit in flight: when the executor is free, the selector orders the models with
  // work; the first that has a runnable unit (its batch's next segment, or a batch its batcher releases now) runs it.
  function arbitrate(ex: SimExecutorState, nowMs: number): void {
    const selector = ex.selector;
    if (selector === undefined || ex.running !== undefined) return;
    const views: FlowView[] = [];
    const byKey = new Map<string, SimInstance>();
    for (const inst of ex.hosted) {
      if (inst.job === undefined && inst.model.batcher.size === 0) continue;
      views.push(flowView(inst, nowMs));
      byKey.set(inst.key, inst);
    }
    if (views.length === 0) return;
    const order = selector.order(views, nowMs);
    for (const key of order) {
      const inst = byKey.get(key) as SimInstance;
      let job: SimJob | undefined = inst.job;
      if (job === undefined) {
        const d = inst.model.batcher.next(nowMs);
        if (d.kind === 'wait') wakeAt(inst.model, d.untilMs);
        if (d.kind !== 'run') continue;
        let rows = 0;
        for (const r of d.items) {
          rows += r.rows;
          r.dispatchedAtMs = nowMs;
          inst.model.deadline?.queued.delete(r);
        }
        if (nowMs >= warmupMs && nowMs < arrivalsEndMs) inst.model.recordBatch(rows);
        const batch: SimBatch = { instance: inst, items: d.items, rows };
        const totalMs = inst.sampler.sampleMs(rows, ex.rng);
        job = { batch, segmentsLeft: inst.segments, segmentMs: totalMs / inst.segments, costMs: inst.sampler.meanMs(rows) / inst.segments };
        inst.job = job;
      }
      selector.charge(views.find((v) => v.flow === key) as FlowView, job.costMs, nowMs);
      start(ex, job.batch, nowMs, job.segmentMs);
      return;
    }
  }

  let requests = 0;
  let events = 0;
  const maxRequests = options.maxRequests ?? Infinity;
  const stopAtMs = (): number => arrivalsEndMs + (options.drainMs ?? DEFAULT_DRAIN_MS);

  while (queue.size > 0 && queue.peekTimeMs() <= stopAtMs()) {
    const nowMs = queue.peekTimeMs();
    const e = queue.pop() as Entity;
    clock.advanceTo(nowMs);
    events += 1;
    if (e.tag === ARRIVAL) {
      if (requests >= maxRequests) continue;
      requests += 1;
      if (requests === maxRequests) arrivalsEndMs = Math.min(arrivalsEndMs, nowMs);
      const m = e.model;
      const measured = nowMs >= warmupMs && nowMs < arrivalsEndMs;
      if (measured) {
        m.arrived += 1;
        if (e.sloMs !== undefined) m.withSlo += 1;
      }
      // The live server checks the batcher's size only; running requests do not count against the bound.
      if (m.batcher.size >= m.maxQueueLength) {
        if (measured) m.rejected += 1;
        // The server counts a full queue as a refusal too, towards its executors being overloaded.
        m.deadline?.margins.refused(nowMs);
      } else {
        const d = m.deadline;
        const deadlineAtMs = d !== undefined && e.sloMs !== undefined ? nowMs + e.sloMs : Infinity;
        const r: SimRequest = { rows: e.rows, shapeKey: '', enqueuedAtMs: nowMs, sloMs: e.sloMs, measured, dispatchedAtMs: NaN, deadlineAtMs, priority: 0, bestEffort: e.bestEffort, admitted: undefined };
        if (d === undefined) {
          m.batcher.enqueue(r);
          pump(m, nowMs);
        } else if (deadlineAtMs < Infinity && admitArrival(m, d, r, nowMs, e.bestEffort) === 'reject') {
          if (measured) m.refused += 1;
        } else {
          d.queued.add(r);
          d.batcher.enqueue(r);
          wakeAt(m, d.batcher.nextDeadlineAtMs());
          pump(m, nowMs);
        }
      }
      const next = e.arrivals.next();
      if (next < Infinity) queue.push(next, e);
    } else if (e.tag === BATCH_DONE) {
      const batch = e.running as SimBatch;
      e.busyMs += measuredOverlap(e.startedAtMs, nowMs);
      e.running = undefined;
      if (e.selector !== undefined) {
        const inst = batch.instance;
        const job = inst.job as SimJob;
        job.segmentsLeft -= 1;
        if (job.segmentsLeft === 0) {
          inst.job = undefined;
          const d = inst.model.deadline;
          for (const r of batch.items) {
            if (d !== undefined) learn(d, r, nowMs);
            inst.model.recordDone(r, nowMs);
          }
        }
        arbitrate(e, nowMs);
        continue;
      }
      // The worker starts its next queued batch before the front end even sees this response.
      const next = e.waiting.shift();
      if (next !== undefined) start(e, next, nowMs);
      const m = batch.instance.model;
      batch.instance.busy = false;
      for (const r of batch.items) m.recordDone(r, nowMs);
      pump(m, nowMs);
    } else if (nowMs === e.wakeAtMs) {
      e.wakeAtMs = Infinity;
      const d = e.deadline;
      if (d !== undefined) {
        // The expiry timer (VersionRuntime.expireNow): drop what can no longer make it, then re-arm.
        for (const r of expire(d, nowMs)) if (r.measured) e.expired += 1;
        wakeAt(e, d.batcher.nextDeadlineAtMs());
      }
      pump(e, nowMs);
    }
  }

  const endedAtMs = queue.size > 0 ? stopAtMs() : clock.nowMs();
  for (const ex of executors.values()) {
    if (ex.running !== undefined) ex.busyMs += measuredOverlap(ex.startedAtMs, endedAtMs);
    // Unfinished batches: sent to a FIFO worker, or part-way through their segments under an arbiter.
    const unfinished = ex.selector !== undefined ? ex.hosted.flatMap((i) => (i.job === undefined ? [] : [i.job.batch])) : ex.running === undefined ? [] : [ex.running, ...ex.waiting];
    for (const b of unfinished) for (const r of b.items) if (r.measured) b.instance.model.dropped += 1;
  }
  for (const m of models.values()) for (const r of m.batcher.remove(() => true)) if (r.measured) m.dropped += 1;

  const measuredMs = Math.max(0, arrivalsEndMs - warmupMs);
  return {
    seed: options.seed,
    warmupMs,
    arrivalsEndMs,
    measuredMs,
    endedAtMs,
    requests,
    events,
    models: [...models.values()].map((m) => m.result(measuredMs)),
    executors: [...executors.values()].map((ex) => ({
      id: ex.id,
      kind: ex.kind,
      utilisation: measuredMs > 0 ? ex.busyMs / measuredMs : 0,
      batches: ex.batches,
      switches: ex.switches,
    })),
  };
}

function checkOptions(o: SimOptions): void {
  if (!(o.durationMs > 0) || !Number.isFinite(o.durationMs)) invalid('options.durationMs', `expected a finite number > 0, got ${o.durationMs}`);
  if (!(o.warmupMs >= 0) || o.warmupMs >= o.durationMs) invalid('options.warmupMs', `expected 0 <= warmupMs < durationMs (${o.durationMs}), got ${o.warmupMs}`);
  if (!Number.isInteger(o.seed)) invalid('options.seed', `expected an integer, got ${o.seed}`);
  if (o.maxRequests !== undefined && !(o.maxRequests >= 1)) invalid('options.maxRequests', `expected a number >= 1, got ${o.maxRequests}`);
  if (o.drainMs !== undefined && !(o.drainMs >= 0)) invalid('options.drainMs', `expected a number >= 0, got ${o.drainMs}`);
}

function selectorFor(sharing: SimSharing): FlowSelector | undefined {
  if (sharing === 'wfq') return new WfqSelector();
  if (sharing === 'edf') return new EdfSelector();
  return undefined;
}

function buildModel(
  p: SimPlacement,
  index: number,
  cluster: SimCluster,
  executors: ReadonlyMap<string, SimExecutorState>,
  profiles: readonly ModelProfile[],
  service: ServiceTimeOptions,
  delayRng: UniformSource,
  marginsFor: (kind: ExecutorKind) => AdmissionMargins,
): SimModel {
  const where = `cluster.placements[${index}]`;
  const samplers = new Map<string, ServiceTimeSampler>();
  const placed = p.executors.map((id, j) => {
    const executor = executors.get(id);
    if (executor === undefined) invalid(`${where}.executors[${j}]`, `no executor with id '${id}'`);
    const threads = p.threads ?? executor.cores;
    const key = `${executor.kind}/${threads}`;
    let sampler = samplers.get(key);
    if (sampler === undefined) samplers.set(key, (sampler = new ServiceTimeSampler(findProfile(p, where, executor.kind, profiles), threads, service)));
    return { executor, sampler };
  });
  const first = placed[0] as { executor: SimExecutorState; sampler: ServiceTimeSampler };
  let deadline: SimDeadlineState | undefined;
  if (placedOnEdf(p, cluster.executors)) {
    // The prediction is the profile's mean on the first executor listed (the live CostEstimator starts from the profile).
    const predictMs = (rows: number): number => first.sampler.meanMs(rows);
    const maxBatchSize = Math.max(1, p.batching?.maxBatchSize ?? 1);
    deadline = { batcher: new DeadlineBatcher<SimRequest>({ maxBatchSize, predictBatchMs: predictMs }), queued: new Set(), maxBatchSize, predictMs, margins: marginsFor(first.executor.kind) };
  }
  const batcher = deadline?.batcher ?? (p.batching === undefined ? new SingleBatcher<SimRequest>() : new DynamicBatcher<SimRequest>(p.batching));
  const model = new SimModel(p.model, batcher, p.maxQueueLength ?? cluster.maxQueueLength ?? DEFAULT_MAX_QUEUE_LENGTH, delaySampler(p.delay, delayRng), deadline);
  for (const { executor, sampler } of placed) {
    const inst: SimInstance = { model, executor, sampler, busy: false, key: `${p.model}#${executor.hosted.length}`, segments: p.segments ?? 1, weight: p.weight ?? 1, job: undefined };
    model.instances.push(inst);
    executor.hosted.push(inst);
  }
  return model;
}

/** A placement's per-request delay: gamma with its mean and scv (constant when the scv is 0); undefined for none. */
function delaySampler(delay: SimDelay | undefined, rng: UniformSource): (() => number) | undefined {
  if (delay === undefined || delay.meanMs <= 0) return undefined;
  const { meanMs, scv } = delay;
  return scv > 0 ? () => gammaMeanScv(rng, meanMs, scv) : () => meanMs;
}

function findProfile(p: SimPlacement, where: string, kind: string, profiles: readonly ModelProfile[]): ModelProfile {
  const matches = profiles.filter((x) => x.model === p.model && x.executorKind === kind && (p.version === undefined || x.version === p.version));
  const version = p.version === undefined ? '' : ` version '${p.version}'`;
  if (matches.length === 0) throw new ServingError('INVALID_ARGUMENT', `${where}: no profile of model '${p.model}'${version} for a '${kind}' executor`);
  if (matches.length > 1) {
    invalid(`${where}.version`, `model '${p.model}' has profiles of several versions (${matches.map((x) => x.version).join(', ')}) for '${kind}'; choose one`);
  }
  return matches[0] as ModelProfile;
}
