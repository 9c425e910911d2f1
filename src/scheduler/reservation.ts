// Executor reservation for short work: long runs of a loose-deadline model are kept off the last executor free of
// long work, so a tight-deadline request never finds every executor busy with a run it cannot overtake. Pure.

/*
 * Runs are not preempted. When every executor that hosts a tight model (say a 50 ms SLO) runs a 40 ms batch of a
 * loose model (a 250 ms SLO), a tight request that arrives waits out a whole batch and misses, or admission refuses
 * it. The loose model's requests could have waited: their deadline is far. So a long unit of a loose flow is deferred
 * while it would leave no executor of the tight flow free of long work, until the latest moment it must start to
 * stay on time (or until another executor frees up); then it runs. Only loose flows defer, and only long units.
 */

/** A unit is long when it costs more than this fraction of the tightest co-hosted flow's time budget. */
export const LONG_UNIT_FRACTION = 0.25;
/** A flow is loose (its long units may wait) when its time budget is at least this multiple of the tightest one's. */
export const LOOSE_BUDGET_FACTOR = 2;
/** A deferred unit starts at the latest when its head deadline is this many unit costs away. */
export const LATEST_START_COSTS = 2;

export interface DeferralCandidate {
  /** Predicted cost of the unit the flow would run next, ms. */
  readonly costMs: number;
  /** The flow's time budget (least recent deadline − arrival), ms; Infinity when its requests have no deadline. */
  readonly ownBudgetMs: number;
  /** The tightest time budget among the other flows on the executor, ms; Infinity when none has one. */
  readonly tightBudgetMs: number;
}

/** The most predicted work an executor may have left and still count as free for a tight flow's requests, ms. */
export function shortWorkLimitMs(tightBudgetMs: number): number {
  return LONG_UNIT_FRACTION * tightBudgetMs;
}

/** Whether the unit may be deferred at all: it is long for the tightest co-hosted flow, and its own flow is loose. */
export function mayDefer(c: DeferralCandidate): boolean {
  if (!Number.isFinite(c.tightBudgetMs)) return false;
  return c.costMs > shortWorkLimitMs(c.tightBudgetMs) && c.ownBudgetMs >= LOOSE_BUDGET_FACTOR * c.tightBudgetMs;
}

/** The latest time a deferred unit whose earliest deadline is `headDeadlineAtMs` may start, ms. */
export function latestStartMs(headDeadlineAtMs: number, costMs: number): number {
  return headDeadlineAtMs - LATEST_START_COSTS * costMs;
}

/**
 * Until when the unit waits, ms, or undefined to run it now. `othersRemainingMs` holds the predicted work left on
 * each other executor (that is up) hosting the tightest flow. The unit runs now when it may not be deferred, when its
 * latest start has come, when there is no other such executor, or when one of them is free of long work (it keeps
 * the tight flow served). Otherwise it waits until one of them will be free or its latest start, whichever is first.
 */
export function deferUntilMs(c: DeferralCandidate, nowMs: number, headDeadlineAtMs: number, othersRemainingMs: readonly number[]): number | undefined {
  if (!mayDefer(c) || othersRemainingMs.length === 0) return undefined;
  const latest = latestStartMs(headDeadlineAtMs, c.costMs);
  if (nowMs >= latest) return undefined;
  const limit = shortWorkLimitMs(c.tightBudgetMs);
  let freeAt = Infinity;
  for (const rem of othersRemainingMs) {
    if (rem <= limit) return undefined;
    freeAt = Math.min(freeAt, nowMs + rem - limit);
  }
  return Math.min(latest, freeAt);
}

/** Least value seen over the last one to two windows (two buckets of `windowMs`): a flow's recent tightest budget. */
export class RecentLeast {
  private bucketStartMs = -Infinity;
  private current = Infinity;
  private previous = Infinity;

  constructor(private readonly windowMs: number) {}

  observe(nowMs: number, value: number): void {
    this.roll(nowMs);
    if (value < this.current) this.current = value;
  }

  value(nowMs: number): number {
    this.roll(nowMs);
    return Math.min(this.current, this.previous);
  }

  private roll(nowMs: number): void {
    if (nowMs < this.bucketStartMs + this.windowMs) return;
    // One window later the current bucket becomes the previous one; two or more later both are stale.
    this.previous = nowMs < this.bucketStartMs + 2 * this.windowMs ? this.current : Infinity;
    this.current = Infinity;
    this.bucketStartMs = nowMs;
  }
}
