// Admission margins by time budget: requests with about the same slack meet about the same lateness, whichever model
// version runs them.

import { ADMISSION_MARGIN_DEFAULTS, AdmissionMargin, type AdmissionMarginOptions } from './admission-margin.js';

/**
 * Budget classes are half-octaves of the time from admission to the deadline (50 ms and 75 ms fall in different
 * classes, 64–90 ms in one). Why by budget: most of the lateness admission cannot foresee comes from requests that
 * arrive later with earlier deadlines and overtake under EDF, and how many can do so grows with the budget. A
 * request due in 250 ms is routinely overtaken by 50 ms ones and finishes 100 ms after its prediction, harmlessly;
 * that error must not refuse a 50 ms request. And why not by version: the router compares the variants of a task
 * for one request, and a variant rarely chosen would have no errors of its own, so no margin, and look faster than
 * the variant that has been serving the app all along.
 */
export function budgetClass(budgetMs: number): number {
  if (!Number.isFinite(budgetMs)) return Infinity;
  return Math.floor(2 * Math.log2(Math.max(1, budgetMs)));
}

export interface AdmissionMarginsOptions extends AdmissionMarginOptions {
  /**
   * Share of the requests decided in the last `horizonMs` (refused, or admitted and finished) that were refused, at or
   * above which the executors count as overloaded (default 0.1). Then a refusal costs nothing: the capacity it frees
   * goes to a request that was waiting for it, and every class uses its overloaded margin (by default the largest
   * error remembered), not only the lateness that recurs (AdmissionMargin).
   */
  readonly overloadedShare?: number;
}

/** Default AdmissionMarginsOptions.overloadedShare. */
export const OVERLOADED_SHARE_DEFAULT = 0.1;

export class AdmissionMargins {
  private readonly byClass = new Map<string, AdmissionMargin>();
  private readonly refusals: RecentTimes;
  private readonly finished: RecentTimes;
  private readonly overloadedShare: number;

  constructor(private readonly options: AdmissionMarginsOptions = {}) {
    const horizonMs = Math.max(1, options.horizonMs ?? ADMISSION_MARGIN_DEFAULTS.horizonMs);
    this.refusals = new RecentTimes(horizonMs);
    this.finished = new RecentTimes(horizonMs);
    this.overloadedShare = Math.min(1, Math.max(0, options.overloadedShare ?? OVERLOADED_SHARE_DEFAULT));
  }

  /**
   * Margin at `nowMs` for a request whose deadline is `budgetMs` away (0 for a class with too few errors).
   * `startsAtOnce`: the request finds an executor idle and nothing queued ahead of it. Such requests keep a margin of
   * their own: they cannot be overtaken or held up by mispredicted queued work, so their lateness is only what their
   * own run costs beyond its prediction (the transfer to and from the worker, a stall of the front end).
   */
  marginMs(nowMs: number, budgetMs: number, startsAtOnce = false): number {
    const m = this.byClass.get(key(budgetMs, startsAtOnce));
    return m === undefined ? 0 : m.marginMs(nowMs, this.overloaded(nowMs));
  }

  /** A request was refused at `nowMs` (by admission, for any reason). */
  refused(nowMs: number): void {
    this.refusals.add(nowMs);
  }

  /** Whether at least `overloadedShare` of the requests decided in the last horizon were refused. */
  overloaded(nowMs: number): boolean {
    const refused = this.refusals.count(nowMs);
    const decided = refused + this.finished.count(nowMs);
    return refused > 0 && refused >= this.overloadedShare * decided;
  }

  /** An admitted request that had `budgetMs` at admission finished `errorMs` later (or earlier) than predicted. */
  observe(nowMs: number, budgetMs: number, errorMs: number, startsAtOnce = false): void {
    if (budgetClass(budgetMs) === Infinity) return;
    const k = key(budgetMs, startsAtOnce);
    let m = this.byClass.get(k);
    if (m === undefined) {
      m = new AdmissionMargin(this.options);
      this.byClass.set(k, m);
    }
    m.observe(nowMs, errorMs);
    this.finished.add(nowMs);
  }
}

function key(budgetMs: number, startsAtOnce: boolean): string {
  return `${budgetClass(budgetMs)}${startsAtOnce ? '/now' : ''}`;
}

/** How many times (added in increasing order) fall within the last `horizonMs`. */
class RecentTimes {
  private readonly at: number[] = [];
  private head = 0;

  constructor(private readonly horizonMs: number) {}

  add(ms: number): void {
    this.forget(ms);
    this.at.push(ms);
  }

  count(nowMs: number): number {
    this.forget(nowMs);
    return this.at.length - this.head;
  }

  private forget(nowMs: number): void {
    while (this.head < this.at.length && (this.at[this.head] as number) < nowMs - this.horizonMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.at.length) {
      this.at.splice(0, this.head);
      this.head = 0;
    }
  }
}
