// Admission margins by time budget: requests with about the same slack meet about the same lateness, whichever model
// version runs them.

import { AdmissionMargin, type AdmissionMarginOptions } from './admission-margin.js';

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

export class AdmissionMargins {
  private readonly byClass = new Map<string, AdmissionMargin>();

  constructor(private readonly options: AdmissionMarginOptions = {}) {}

  /**
   * Margin at `nowMs` for a request whose deadline is `budgetMs` away (0 for a class with too few errors).
   * `startsAtOnce`: the request finds an executor idle and nothing queued ahead of it. Such requests keep a margin of
   * their own: they cannot be overtaken or held up by mispredicted queued work, so their lateness is only what their
   * own run costs beyond its prediction (the transfer to and from the worker, a stall of the front end).
   */
  marginMs(nowMs: number, budgetMs: number, startsAtOnce = false): number {
    return this.byClass.get(key(budgetMs, startsAtOnce))?.marginMs(nowMs) ?? 0;
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
  }
}

function key(budgetMs: number, startsAtOnce: boolean): string {
  return `${budgetClass(budgetMs)}${startsAtOnce ? '/now' : ''}`;
}
