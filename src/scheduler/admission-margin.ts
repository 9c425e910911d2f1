// Learned safety margin for admission: how late admitted requests finish relative to their predicted completion.

/**
 * Admission predicts a completion from the queue ahead and the executors' remaining work, but it cannot see what
 * will happen after the decision: requests arriving later with earlier deadlines overtake this one under EDF, batches
 * run slower when cores are shared, a worker restarts. Each admitted request that finishes reports
 * `actual − predicted` completion (one dropped at its deadline reports at least `deadline − predicted`); the margin
 * is a high quantile of the errors of the last `horizonMs` (none until there are `minSamples`), never below 0, and is added to the next predictions.
 * It is feedback: if admitted requests run late the margin grows and fewer are admitted, so the queue shortens and
 * the errors shrink. Errors expire with time, not only with new ones: a margin so large that nothing is admitted
 * (so nothing reports) falls back to 0 after the horizon instead of locking the flow out.
 *
 * One event is not a trend. A stall (a GC pause, another process taking the core) makes every request in flight
 * late together, and the quantile of the errors then equals the stall for the whole horizon, though it is over: the
 * requests it refuses would have made it. So, unless the caller says refusing costs nothing now (`marginMs(now,
 * true)`: the executors are overloaded and the capacity a refusal frees goes to a request waiting for it), the margin
 * is at most the error reached in `recurrence` distinct windows of `windowMs`: lateness that recurs.
 */
export interface AdmissionMarginOptions {
  /** Errors older than this are forgotten, ms (default 2000). */
  readonly horizonMs?: number;
  /**
   * Fewer remembered errors than this give no margin (default 16): at a light load one hiccup (a GC pause, another
   * process) delays a handful of requests together, and their errors alone must not refuse the next second's traffic.
   * It does not apply while refusals are free (`marginMs(now, true)`): under overload an app with a tight SLO gets few
   * requests admitted, often fewer than 16 in the horizon, and without this exception they were admitted on no
   * margin at all exactly when the executors were most contended. In bench:slo scratch runs at 3x capacity (3 pairs)
   * that raised admitted attainment from 96.2 / 96.6 / 96.3% to 97.0 / 97.1 / 97.3%, most of it in the 50 ms app.
   */
  readonly minSamples?: number;
  /** Most errors kept (default 256). */
  readonly maxSamples?: number;
  /**
   * Quantile of the errors used as the margin (default 0.98; with the errors of 2 s that is about the largest). A margin
   * that lets a tenth of the errors through lets up to a tenth of the requests admitted close to their deadline run
   * late, and under overload nearly every admitted request is planned close to it.
   */
  readonly quantile?: number;
  /**
   * Quantile used while refusals are free (`marginMs(now, true)`; default 1: the largest error remembered). Then a
   * refusal costs nothing, the capacity it frees goes to a waiting request, while a request admitted late costs its
   * SLO and the compute it used; at the 0.98 quantile about 2% of the requests admitted close to their deadline run
   * late, more than a p99 SLO allows. In interleaved bench:slo runs (3 pairs) the largest error raised admitted
   * attainment at 3x capacity from 94.4 / 97.0 / 96.1% to 97.7 / 98.2 / 97.0%, and goodput at 1.5x from
   * 119.9 / 118.8 / 109.8 to 136.6 / 133.2 / 130.1 requests/s (fewer requests run only to finish late).
   */
  readonly overloadedQuantile?: number;
  /** Errors recorded within one window of this many ms count as one event (default 100). */
  readonly windowMs?: number;
  /**
   * Unless refusals are free, the margin is at most the largest error reached in this many distinct windows (default 3;
   * 1 turns the limit off): a stall that spans a window boundary is still one event.
   */
  readonly recurrence?: number;
}

/** The defaults of AdmissionMarginOptions (the server's `--admission-*` flags start from these). */
export const ADMISSION_MARGIN_DEFAULTS = {
  horizonMs: 2000,
  minSamples: 16,
  maxSamples: 256,
  quantile: 0.98,
  overloadedQuantile: 1,
  windowMs: 100,
  recurrence: 3,
} as const;

/** The margins are recomputed after this many new errors at most (the recurrence check walks every error). */
const RECOMPUTE_EVERY = 8;

export class AdmissionMargin {
  private readonly at: number[] = [];
  private readonly errors: number[] = [];
  /** The same errors in ascending order, kept so that a quantile is a lookup, not a sort per admission. */
  private readonly sorted: number[] = [];
  private fresh = 0;
  private cachedRecurring = 0;
  private cachedOverloaded = 0;
  private readonly horizonMs: number;
  private readonly minSamples: number;
  private readonly maxSamples: number;
  private readonly quantile: number;
  private readonly overloadedQuantile: number;
  private readonly windowMs: number;
  private readonly recurrence: number;

  constructor(o: AdmissionMarginOptions = {}) {
    const d = ADMISSION_MARGIN_DEFAULTS;
    this.horizonMs = Math.max(1, o.horizonMs ?? d.horizonMs);
    this.minSamples = Math.max(1, Math.floor(o.minSamples ?? d.minSamples));
    this.maxSamples = Math.max(1, Math.floor(o.maxSamples ?? d.maxSamples));
    this.quantile = Math.min(1, Math.max(0, o.quantile ?? d.quantile));
    this.overloadedQuantile = Math.min(1, Math.max(0, o.overloadedQuantile ?? d.overloadedQuantile));
    this.windowMs = Math.max(1, o.windowMs ?? d.windowMs);
    this.recurrence = Math.max(1, Math.floor(o.recurrence ?? d.recurrence));
  }

  /** Records at `nowMs` how late (positive) or early (negative) an admitted request finished against its prediction. */
  observe(nowMs: number, errorMs: number): void {
    if (!Number.isFinite(errorMs)) return;
    this.at.push(nowMs);
    this.errors.push(errorMs);
    this.sorted.splice(lowerBound(this.sorted, errorMs), 0, errorMs);
    if (this.errors.length > this.maxSamples) {
      this.at.shift();
      this.forget(this.errors.shift() as number);
    }
    this.fresh += 1;
    if (this.fresh >= RECOMPUTE_EVERY || this.errors.length <= RECOMPUTE_EVERY) this.recompute();
  }

  /**
   * Milliseconds to add to a completion predicted at `nowMs` before comparing it with the deadline (>= 0).
   * `refusalsFree`: the executors are overloaded, so `overloadedQuantile` of every error applies, not only the
   * lateness that recurs.
   */
  marginMs(nowMs: number, refusalsFree = false): number {
    let expired = 0;
    while (expired < this.at.length && (this.at[expired] as number) < nowMs - this.horizonMs) expired++;
    if (expired > 0) {
      this.at.splice(0, expired);
      for (const e of this.errors.splice(0, expired)) this.forget(e);
      this.recompute();
    }
    return refusalsFree ? this.cachedOverloaded : this.cachedRecurring;
  }

  /** Errors currently remembered. */
  get samples(): number {
    return this.errors.length;
  }

  private recompute(): void {
    this.fresh = 0;
    const sorted = this.sorted;
    const at = (q: number): number => Math.max(0, sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number);
    // While refusals are free, a few errors are enough: minSamples guards light loads, where a refusal costs a request.
    this.cachedOverloaded = sorted.length > 0 ? at(this.overloadedQuantile) : 0;
    // Otherwise the quantile, capped at the lateness that recurs; nothing below minSamples errors.
    this.cachedRecurring = this.errors.length < this.minSamples ? 0 : Math.min(at(this.quantile), Math.max(0, this.recurringMs()));
  }

  /** Removes one occurrence of `errorMs` from the sorted copy. */
  private forget(errorMs: number): void {
    this.sorted.splice(lowerBound(this.sorted, errorMs), 1);
  }

  /** The largest error reached in `recurrence` distinct windows (-Infinity with errors in fewer windows). */
  private recurringMs(): number {
    const worstByWindow = new Map<number, number>();
    for (let j = 0; j < this.errors.length; j++) {
      const w = Math.floor((this.at[j] as number) / this.windowMs);
      const e = this.errors[j] as number;
      const worst = worstByWindow.get(w);
      if (worst === undefined || e > worst) worstByWindow.set(w, e);
    }
    const worst = [...worstByWindow.values()].sort((a, b) => b - a);
    return worst[this.recurrence - 1] ?? -Infinity;
  }
}

/** First index of `sorted` (ascending) whose value is not below `x`. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
