// Admission and deadline drops for models on 'edf' executors: the live VersionRuntime's composition of the pure
// admit(), DeadlineBatcher and AdmissionMargins, over the simulator's state.

import { admit } from '../scheduler/admission.js';
import { backlogAsBatchesMs, delayAfter, slackAfterMs } from '../scheduler/admitted-queue.js';
import { expectedRemainingMs } from '../scheduler/wait-estimate.js';
import type { SimDeadlineState, SimExecutorState, SimModel, SimRequest } from './sim-entities.js';

/**
 * What admission decided: 'admit' (with its prediction recorded on the request), 'best-effort' (queued without a
 * deadline) or 'reject'.
 */
export type SimAdmission = 'admit' | 'best-effort' | 'reject';

/**
 * Expected ms left of the work `ex` has taken on: the running unit's, from its profiled cost and the time it has run
 * (expectedRemainingMs, as ExecutorScheduler.expectedBusyMs), and the rest of its job's segments (EDF finishes a
 * started job first).
 */
function expectedBusyMs(ex: SimExecutorState, nowMs: number): number {
  const job = ex.running?.instance.job;
  if (ex.running === undefined || job === undefined) return 0;
  return expectedRemainingMs(job.costMs, nowMs - ex.startedAtMs) + (job.segmentsLeft - 1) * job.costMs;
}

/** Where a model runs, which does not change during a run: its executors and the deadline states sharing them. */
interface Placement {
  readonly executors: readonly SimExecutorState[];
  /** The deadline-scheduled models on those executors, `m` included: the queues its requests wait behind or overtake. */
  readonly sharing: readonly SimDeadlineState[];
}

const placements = new WeakMap<SimModel, Placement>();

function placementOf(m: SimModel): Placement {
  let p = placements.get(m);
  if (p === undefined) {
    const executors = [...new Set(m.instances.map((i) => i.executor))];
    const sharing = new Set<SimDeadlineState>();
    for (const ex of executors) for (const h of ex.hosted) if (h.model.deadline !== undefined) sharing.add(h.model.deadline);
    p = { executors, sharing: [...sharing] };
    placements.set(m, p);
  }
  return p;
}

/**
 * Admission at arrival for a request with a deadline (VersionRuntime.infer under the tessera policy): predicted
 * completion = the executors' remaining work, then the queued work due no later than it on them (wait-estimate), then
 * its own batch-1 time plus the learned margin of its budget class; an admitted request it would overtake must keep
 * its slack (protectAdmitted). Admitted: the request carries its prediction, and those it overtakes move later.
 */
export function admitArrival(m: SimModel, d: SimDeadlineState, r: SimRequest, nowMs: number, bestEffort: boolean): SimAdmission {
  const { executors, sharing } = placementOf(m);
  const busy = executors.map((ex) => expectedBusyMs(ex, nowMs));
  let aheadMs = 0;
  for (const other of sharing) aheadMs += backlogAsBatchesMs(other.queued, r.deadlineAtMs, other.maxBatchSize, other.predictMs);
  const startsAtOnce = aheadMs === 0 && executors.some((ex) => ex.running === undefined);
  const budgetMs = r.deadlineAtMs - nowMs;
  const marginMs = d.margins.marginMs(nowMs, budgetMs, startsAtOnce);
  const serviceMs = d.predictMs(r.rows);
  const delayBehindMs = serviceMs / busy.length;
  let slackBehindMs = Infinity;
  for (const other of sharing) slackBehindMs = Math.min(slackBehindMs, slackAfterMs(other.queued, r.deadlineAtMs));
  const decision = admit({
    nowMs,
    deadlineAtMs: r.deadlineAtMs,
    serviceMs: serviceMs + marginMs,
    backlogMs: aheadMs,
    executors: busy.length,
    executorBusyMs: busy,
    overload: bestEffort ? 'best-effort' : 'reject',
    slackBehindMs,
    delayBehindMs,
  });
  if (decision.kind === 'reject') {
    d.margins.refused(nowMs);
    return 'reject';
  }
  if (decision.kind === 'best-effort') {
    r.deadlineAtMs = Infinity;
    return 'best-effort';
  }
  r.admitted = { doneAtMs: decision.predictedCompletionMs - marginMs, budgetMs, marginMs, startsAtOnce };
  for (const other of sharing) delayAfter(other.queued, r.deadlineAtMs, delayBehindMs);
  return 'admit';
}

/** A request finished at `nowMs`: if it was admitted on a prediction, its lateness against it is learned. */
export function learn(d: SimDeadlineState, r: SimRequest, nowMs: number): void {
  if (r.admitted !== undefined) d.margins.observe(nowMs, r.admitted.budgetMs, nowMs - r.admitted.doneAtMs, r.admitted.startsAtOnce);
}

/**
 * Drops what can no longer meet its deadline (VersionRuntime.expireNow): best-effort requests lose their deadline
 * and queue on; the others are returned, their lateness learned as the live server learns it (deadline − prediction).
 */
export function expire(d: SimDeadlineState, nowMs: number): SimRequest[] {
  const dropped: SimRequest[] = [];
  for (const r of d.batcher.expire(nowMs)) {
    d.queued.delete(r);
    if (r.bestEffort) {
      r.deadlineAtMs = Infinity;
      d.queued.add(r);
      d.batcher.enqueue(r);
      continue;
    }
    if (r.admitted !== undefined) d.margins.observe(nowMs, r.admitted.budgetMs, r.deadlineAtMs - r.admitted.doneAtMs, r.admitted.startsAtOnce);
    dropped.push(r);
  }
  return dropped;
}
