// Predicts how long one batch of a model version holds an executor, from its profile and from what it just did.

import type { LatencyFit } from '../profiler/profile.js';
import { predictLatencyMs } from '../profiler/profile.js';
import type { SharedSlowdown } from './shared-slowdown.js';

/** Observations kept for the online fit (the most recent ones). */
const WINDOW = 64;
/** Weight of the newest observation in the profile-correction average. */
const ALPHA = 0.1;
/** Bounds of an observed / predicted ratio, and of the correction made of them. */
const MIN_RATIO = 0.5;
const MAX_RATIO = 4;

const clampRatio = (r: number): number => Math.min(MAX_RATIO, Math.max(MIN_RATIO, r));

/**
 * With a profile: the fit's latency(b, threads) times a correction factor, a moving average of observed / predicted
 * executor hold time (the profile measures session.run; the hold time adds transfer and contention).
 * With a shared slowdown (every version on the same kind of executor feeds one), the correction is split in two: the
 * shared factor, which follows the contention every version sees now, times this version's own bias against it. A
 * version that has not run for a while then inherits the current contention instead of keeping the one of its last
 * run (or none, 1.0, if it never ran).
 * Without one: a least-squares line through recent (rows, hold time) observations.
 * With neither: 0 (unknown cost is treated as free, so nothing is rejected before anything is known).
 */
export class CostEstimator {
  private fit: LatencyFit | undefined;
  private correction = 1;
  /** This version's observed / predicted ratio relative to the shared factor (with a shared slowdown). */
  private bias = 1;
  private readonly rows: number[] = [];
  private readonly holdMs: number[] = [];

  constructor(
    private readonly threads: number,
    private readonly shared?: SharedSlowdown,
  ) {}

  get hasProfile(): boolean {
    return this.fit !== undefined;
  }

  get known(): boolean {
    return this.fit !== undefined || this.rows.length > 0;
  }

  /** Whether predictions know how cost grows with rows: a profile, or recent runs of more than one batch size. */
  get knowsGrowth(): boolean {
    return this.fit !== undefined || this.rows.some((r) => r !== this.rows[0]);
  }

  setProfile(fit: LatencyFit): void {
    this.fit = fit;
  }

  observe(rows: number, holdMs: number): void {
    if (!(holdMs > 0) || rows <= 0) return;
    this.rows.push(rows);
    this.holdMs.push(holdMs);
    if (this.rows.length > WINDOW) {
      this.rows.shift();
      this.holdMs.shift();
    }
    if (this.fit !== undefined) {
      const predicted = predictLatencyMs(this.fit, rows, this.threads);
      if (predicted > 0) {
        const ratio = clampRatio(holdMs / predicted);
        if (this.shared === undefined) this.correction += ALPHA * (ratio - this.correction);
        else {
          this.bias += ALPHA * (ratio / this.shared.factor - this.bias);
          this.shared.observe(ratio);
        }
      }
    }
  }

  /** Predicted executor hold time of a batch of `rows` rows, ms. */
  predictMs(rows: number): number {
    if (this.fit !== undefined) return predictLatencyMs(this.fit, rows, this.threads) * this.factor();
    const n = this.rows.length;
    if (n === 0) return 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += this.rows[i] as number;
      sy += this.holdMs[i] as number;
    }
    const mx = sx / n;
    const my = sy / n;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const dx = (this.rows[i] as number) - mx;
      sxx += dx * dx;
      sxy += dx * ((this.holdMs[i] as number) - my);
    }
    // One batch size seen so far: assume cost proportional to rows through the observed mean.
    if (sxx === 0) return (my / mx) * rows;
    const slope = Math.max(0, sxy / sxx);
    const intercept = Math.max(0, my - slope * mx);
    return intercept + slope * rows;
  }

  /** Observed / profiled correction applied to the profile's prediction. */
  private factor(): number {
    return this.shared === undefined ? this.correction : clampRatio(this.bias * this.shared.factor);
  }
}
