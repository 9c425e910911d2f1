// Test-only Monte-Carlo helpers: seeded samplers and small discrete-event simulations that check the analytic models.

import { SeededRandom } from '../onnx/seeded-random.js';

/** Seeded draws: uniform in (0, 1), exponential and gamma (Marsaglia–Tsang) with a given mean and scv. */
export class Sampler {
  private readonly rng: SeededRandom;
  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
  }
  uniform(): number {
    return (this.rng.nextUint32() + 0.5) / 4294967296;
  }
  exponential(mean: number): number {
    return -mean * Math.log(this.uniform());
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
  /** Gamma with this mean and squared coefficient of variation; scv 0 returns the mean. */
  gamma(mean: number, scv: number): number {
    if (scv <= 0) return mean;
    const shape = 1 / scv;
    return mean * scv * this.unitGamma(shape);
  }
  private unitGamma(shape: number): number {
    if (shape < 1) return this.unitGamma(shape + 1) * this.uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }
}

export interface Summary {
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** Mean and empirical percentiles of the samples after dropping the first `warmupFraction` (the transient). */
export function summarize(samples: readonly number[], warmupFraction = 0.05): Summary {
  const kept = samples.slice(Math.floor(samples.length * warmupFraction)).sort((a, b) => a - b);
  const at = (p: number): number => kept[Math.min(kept.length - 1, Math.floor(p * kept.length))] as number;
  return { meanMs: kept.reduce((a, b) => a + b, 0) / kept.length, p95Ms: at(0.95), p99Ms: at(0.99) };
}

export interface SimClass {
  readonly arrivalRatePerS: number;
  readonly meanMs: number;
  readonly scv: number;
  readonly weight?: number;
}

interface Arrival {
  readonly atMs: number;
  readonly cls: number;
  readonly serviceMs: number;
}

/** Merged Poisson arrivals of all classes, in time order. */
function arrivals(classes: readonly SimClass[], count: number, sampler: Sampler): Arrival[] {
  const total = classes.reduce((a, c) => a + c.arrivalRatePerS, 0) / 1000;
  const out: Arrival[] = [];
  let t = 0;
  for (let n = 0; n < count; n++) {
    t += sampler.exponential(1 / total);
    let u = sampler.uniform() * total;
    let cls = 0;
    while (cls < classes.length - 1 && u > (classes[cls] as SimClass).arrivalRatePerS / 1000) {
      u -= (classes[cls] as SimClass).arrivalRatePerS / 1000;
      cls++;
    }
    const c = classes[cls] as SimClass;
    out.push({ atMs: t, cls, serviceMs: sampler.gamma(c.meanMs, c.scv) });
  }
  return out;
}

/** One FCFS server; a request whose class differs from the previous request's pays `switchCostMs` first (Lindley). */
export function simulateFcfs(classes: readonly SimClass[], switchCostMs: number, count: number, seed: number): number[][] {
  const out: number[][] = classes.map(() => []);
  let freeAtMs = 0;
  let last = -1;
  for (const a of arrivals(classes, count, new Sampler(seed))) {
    const start = Math.max(freeAtMs, a.atMs);
    const cost = a.serviceMs + (last !== -1 && last !== a.cls ? switchCostMs : 0);
    freeAtMs = start + cost;
    last = a.cls;
    (out[a.cls] as number[]).push(freeAtMs - a.atMs);
  }
  return out;
}

/** One processor-sharing server (all requests present share it equally). */
export function simulateProcessorSharing(classes: readonly SimClass[], count: number, seed: number): number[][] {
  const out: number[][] = classes.map(() => []);
  interface Job {
    remainingMs: number;
    readonly atMs: number;
    readonly cls: number;
  }
  const jobs: Job[] = [];
  let now = 0;
  const queue = arrivals(classes, count, new Sampler(seed));
  let next = 0;
  while (next < queue.length || jobs.length > 0) {
    const nextArrival = next < queue.length ? (queue[next] as Arrival).atMs : Infinity;
    let first = -1;
    for (let k = 0; k < jobs.length; k++) {
      if (first === -1 || (jobs[k] as Job).remainingMs < (jobs[first] as Job).remainingMs) first = k;
    }
    const finishing = first === -1 ? undefined : (jobs[first] as Job);
    const finishAt = finishing === undefined ? Infinity : now + finishing.remainingMs * jobs.length;
    if (finishing !== undefined && finishAt <= nextArrival) {
      // The job with the least remaining work completes; everyone else did the same amount of work.
      const worked = finishing.remainingMs;
      for (const j of jobs) j.remainingMs -= worked;
      now = finishAt;
      (out[finishing.cls] as number[]).push(now - finishing.atMs);
      jobs.splice(first, 1);
    } else {
      const a = queue[next++] as Arrival;
      if (jobs.length > 0) for (const j of jobs) j.remainingMs -= (a.atMs - now) / jobs.length;
      now = a.atMs;
      jobs.push({ remainingMs: a.serviceMs, atMs: a.atMs, cls: a.cls });
    }
  }
  return out;
}

/** The dynamic batcher with delay 0 and one instance: when free, run up to maxBatch queued requests as one batch. */
export function simulateBatching(
  arrivalRatePerS: number,
  maxBatch: number,
  batchMs: (b: number) => number,
  count: number,
  seed: number,
): number[] {
  const sampler = new Sampler(seed);
  const at: number[] = [];
  let t = 0;
  for (let n = 0; n < count; n++) {
    t += sampler.exponential(1000 / arrivalRatePerS);
    at.push(t);
  }
  const out: number[] = [];
  let freeAtMs = 0;
  let head = 0;
  while (head < at.length) {
    const start = Math.max(freeAtMs, at[head] as number);
    let end = head;
    while (end < at.length && end - head < maxBatch && (at[end] as number) <= start) end++;
    freeAtMs = start + batchMs(end - head);
    for (let k = head; k < end; k++) out.push(freeAtMs - (at[k] as number));
    head = end;
  }
  return out;
}

/**
 * Weighted deficit round robin over per-class FIFO queues, work-conserving and non-preemptive: a visit adds
 * weight × quantumMs to the class's deficit and runs requests while the deficit is positive (a run may overrun;
 * the overrun is carried). A run after another class's run pays `switchCostMs`.
 */
export function simulateArbiter(classes: readonly SimClass[], quantumMs: number, switchCostMs: number, count: number, seed: number): number[][] {
  const out: number[][] = classes.map(() => []);
  const queues: Arrival[][] = classes.map(() => []);
  const deficit = classes.map(() => 0);
  const all = arrivals(classes, count, new Sampler(seed));
  let next = 0;
  let now = 0;
  let turn = 0;
  let last = -1;
  const pending = (): boolean => queues.some((q) => q.length > 0);
  while (next < all.length || pending()) {
    while (next < all.length && (all[next] as Arrival).atMs <= now) {
      const a = all[next++] as Arrival;
      (queues[a.cls] as Arrival[]).push(a);
    }
    if (!pending()) {
      now = (all[next] as Arrival).atMs;
      continue;
    }
    const q = queues[turn] as Arrival[];
    if (q.length === 0 || (deficit[turn] as number) <= 0) {
      if (q.length === 0) deficit[turn] = Math.min(deficit[turn] as number, 0);
      do turn = (turn + 1) % classes.length;
      while ((queues[turn] as Arrival[]).length === 0);
      deficit[turn] = (deficit[turn] as number) + quantumMs * ((classes[turn] as SimClass).weight ?? 1);
      continue;
    }
    const job = q.shift() as Arrival;
    if (last !== -1 && last !== turn) now += switchCostMs;
    last = turn;
    now += job.serviceMs;
    deficit[turn] = (deficit[turn] as number) - job.serviceMs;
    (out[turn] as number[]).push(now - job.atMs);
  }
  return out;
}

/** |predicted − simulated| / simulated. */
export function relativeError(predicted: number, simulated: number): number {
  return Math.abs(predicted - simulated) / simulated;
}

export interface SimBatchingModel {
  readonly arrivalRatePerS: number;
  readonly maxBatch: number;
  readonly batchMs: (b: number) => number;
}

/**
 * Several models, each with a dynamic batcher (delay 0) and at most one batch in flight, sharing one worker that runs
 * batches in the order they were dispatched; a batch after another model's pays `switchCostMs`.
 */
export function simulateSharedBatching(models: readonly SimBatchingModel[], switchCostMs: number, horizonMs: number, seed: number): number[][] {
  const sampler = new Sampler(seed);
  const arrivalsOf = models.map((m) => {
    const at: number[] = [];
    for (let t = sampler.exponential(1000 / m.arrivalRatePerS); t < horizonMs; t += sampler.exponential(1000 / m.arrivalRatePerS)) at.push(t);
    return at;
  });
  const out: number[][] = models.map(() => []);
  const next = models.map(() => 0); // next arrival index not yet queued
  const head = models.map(() => 0); // oldest queued request
  const inFlight = models.map(() => false);
  const fifo: { model: number; from: number; to: number }[] = [];
  let now = 0;
  let busyUntil = 0;
  let running: { model: number; from: number; to: number } | undefined;
  let last = -1;
  const dispatch = (i: number): void => {
    const m = models[i] as SimBatchingModel;
    const to = Math.min(next[i] as number, (head[i] as number) + m.maxBatch);
    fifo.push({ model: i, from: head[i] as number, to });
    head[i] = to;
    inFlight[i] = true;
  };
  for (;;) {
    // Next event: the running batch completing, or the earliest arrival.
    let arrivalModel = -1;
    let arrivalAt = Infinity;
    models.forEach((_, i) => {
      const k = next[i] as number;
      const at = k < (arrivalsOf[i] as number[]).length ? ((arrivalsOf[i] as number[])[k] as number) : Infinity;
      if (at < arrivalAt) {
        arrivalAt = at;
        arrivalModel = i;
      }
    });
    const completeAt = running === undefined ? Infinity : busyUntil;
    if (completeAt === Infinity && arrivalAt === Infinity) break;
    if (completeAt <= arrivalAt && running !== undefined) {
      now = completeAt;
      const done = running;
      for (let k = done.from; k < done.to; k++) (out[done.model] as number[]).push(now - ((arrivalsOf[done.model] as number[])[k] as number));
      inFlight[done.model] = false;
      running = undefined;
      if ((head[done.model] as number) < (next[done.model] as number)) dispatch(done.model);
    } else {
      now = arrivalAt;
      next[arrivalModel] = (next[arrivalModel] as number) + 1;
      if (!inFlight[arrivalModel]) dispatch(arrivalModel);
    }
    if (running === undefined && fifo.length > 0) {
      running = fifo.shift() as { model: number; from: number; to: number };
      const switchMs = last !== -1 && last !== running.model ? switchCostMs : 0;
      last = running.model;
      busyUntil = now + switchMs + (models[running.model] as SimBatchingModel).batchMs(running.to - running.from);
    }
  }
  return out;
}
