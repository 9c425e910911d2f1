// Admission control: admit a request only if its predicted completion meets its deadline; else reject or best-effort.

import { startAfterMs } from './wait-estimate.js';

/*
 * Rule (pure, O(executors log executors)):
 *
 *   predictedCompletionMs = nowMs + startAfterMs(executorBusyMs, backlogMs) + serviceMs
 *
 * Each executor first finishes what it is running (executorBusyMs, its remaining time); the queued backlog ahead of
 * this request (executor-ms) then fills the executors that free up first (wait-estimate.ts), and the request runs
 * alone for serviceMs. Without executorBusyMs every executor counts as free and the backlog spreads evenly:
 * backlogMs / executors.
 *
 *   predictedCompletionMs ≤ deadlineAtMs
 *     and delayBehindMs ≤ slackBehindMs   → admit
 *   otherwise, overload 'best-effort'     → best-effort (queued without a guarantee), with the reason
 *   otherwise                             → reject with a reason and retryAfterMs
 *
 * The second condition keeps the promises already made. Under EDF a request overtakes every queued request due
 * after it, and each of those then finishes later than predicted when it was admitted: by about serviceMs /
 * executors (delayBehindMs; the caller may say otherwise), since the queue ahead of them drains on every executor.
 * slackBehindMs is the least slack left among them (how much later than its own prediction the tightest can finish
 * and still make its deadline). Without this check a stream of short-deadline arrivals admitted one by one, each
 * feasible on its own, pushes a long-deadline request it overtakes past the deadline it was admitted for, and it is
 * dropped or answered late after all (the classic schedulability test of EDF admission, against predicted times).
 *
 * Retry-After: the backlog drains at `executors` executor-ms per ms, so a retry sent r ms later with the same
 * time budget (deadlineAtMs − nowMs) fits once backlogMs/executors − r + serviceMs ≤ budget, that is
 * r ≥ predictedCompletionMs − deadlineAtMs: the overshoot. When even an idle executor is too slow
 * (serviceMs > budget) no wait helps; retryAfterMs is then the time to drain the whole backlog. Either way it is
 * rounded up to whole ms and at least 1 ms. Arrivals after this one are ignored, so it is a lower bound.
 * With no executor that can serve the request it is rejected whatever the policy (nothing to queue on).
 */

export type OverloadPolicy = 'reject' | 'best-effort';

export interface AdmissionInput {
  readonly nowMs: number;
  /** Absolute deadline, ms (clock time); Infinity when the request has none. */
  readonly deadlineAtMs: number;
  /** Predicted cost of this request run alone, ms. */
  readonly serviceMs: number;
  /** Predicted executor-ms of work queued ahead of it on the executors that can serve it. */
  readonly backlogMs: number;
  /** How many executors can serve it. */
  readonly executors: number;
  /**
   * Remaining ms of the work each of those executors is running now (one entry per executor); absent = all free, and
   * running work, if any, is counted in backlogMs.
   */
  readonly executorBusyMs?: readonly number[];
  readonly overload: OverloadPolicy;
  /**
   * Least slack among the admitted requests this one would overtake (queued on the same executors, due later), ms:
   * how much later than predicted the tightest of them can still finish in time. Absent or Infinity: none to keep.
   */
  readonly slackBehindMs?: number;
  /** How much later this request makes each of those finish, ms (default serviceMs / executors). */
  readonly delayBehindMs?: number;
}

/** Why a request was not admitted with a guarantee; a small closed set so metrics can label rejects by it. */
export type AdmissionReason = 'overloaded' | 'slo-infeasible' | 'deadline-passed' | 'no-executor';

export type AdmissionDecision =
  | { readonly kind: 'admit'; readonly predictedCompletionMs: number }
  | { readonly kind: 'reject'; readonly reason: AdmissionReason; readonly detail: string; readonly retryAfterMs: number }
  | {
      readonly kind: 'best-effort';
      readonly predictedCompletionMs: number;
      readonly reason: AdmissionReason;
      readonly detail: string;
    };

/** Retry-After when no executor can serve the request: long enough for a scale-up or load to begin. */
export const NO_EXECUTOR_RETRY_AFTER_MS = 1000;

export function admit(input: AdmissionInput): AdmissionDecision {
  const { nowMs, deadlineAtMs, overload } = input;
  if (!(input.executors >= 1)) {
    return {
      kind: 'reject',
      reason: 'no-executor',
      detail: 'no executor can serve this request',
      retryAfterMs: NO_EXECUTOR_RETRY_AFTER_MS,
    };
  }
  const serviceMs = Math.max(0, input.serviceMs);
  const busy = input.executorBusyMs ?? new Array<number>(input.executors).fill(0);
  const drainMs = startAfterMs(busy, input.backlogMs);
  const predictedCompletionMs = nowMs + drainMs + serviceMs;
  const slackBehindMs = input.slackBehindMs ?? Infinity;
  const delayBehindMs = Math.max(0, input.delayBehindMs ?? serviceMs / input.executors);
  const fits = predictedCompletionMs <= deadlineAtMs;
  if (fits && delayBehindMs <= slackBehindMs) return { kind: 'admit', predictedCompletionMs };

  const budgetMs = deadlineAtMs - nowMs;
  let reason: AdmissionReason;
  let detail: string;
  let waitMs: number;
  if (fits) {
    // It would make it, but an admitted request it overtakes would not. That one's slack grows back only once it
    // runs; the queue ahead of this request (drainMs) is a lower bound on when that can be.
    reason = 'overloaded';
    detail = `admitting it would delay an admitted request due later by ${fmt(delayBehindMs)} ms, past its deadline (${fmt(Math.max(0, slackBehindMs))} ms of slack left)`;
    waitMs = drainMs;
  } else if (budgetMs <= 0) {
    reason = 'deadline-passed';
    detail = `deadline passed ${fmt(-budgetMs)} ms ago`;
    waitMs = drainMs;
  } else if (serviceMs > budgetMs) {
    reason = 'slo-infeasible';
    detail = `needs ${fmt(serviceMs)} ms even on an idle executor, deadline is ${fmt(budgetMs)} ms away`;
    waitMs = drainMs;
  } else {
    reason = 'overloaded';
    detail = `predicted completion ${fmt(drainMs + serviceMs)} ms from now misses the deadline by ${fmt(predictedCompletionMs - deadlineAtMs)} ms`;
    waitMs = predictedCompletionMs - deadlineAtMs;
  }
  if (overload === 'best-effort') return { kind: 'best-effort', predictedCompletionMs, reason, detail };
  return { kind: 'reject', reason, detail, retryAfterMs: Math.max(1, Math.ceil(waitMs)) };
}

function fmt(ms: number): string {
  return ms.toFixed(1);
}
