// Fixed-bucket log histogram of latencies: constant memory per model, percentiles within 0.5 % relative error.

/** Bucket i covers [LOW_MS·GROWTH^i, LOW_MS·GROWTH^(i+1)); 1 % wide, so the midpoint is within 0.5 % of any value in it. */
const GROWTH = 1.01;
const LOW_MS = 1e-3;
const HIGH_MS = 1e7;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(HIGH_MS / LOW_MS) / LOG_GROWTH) + 1;

/*
 *  value ms   0.001 ·1.01^0   ·1.01^1   ·1.01^2        ...          1e7
 *             ├───────┼────────┼────────┼── ... ──┼────────┤
 *  counts     │  c0   │   c1   │   c2   │   ...   │  cN    │   (values outside the range go to the end buckets;
 *                                                               min and max are kept exactly and clamp the answer)
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private n = 0;
  private sumMs = 0;
  private lo = Infinity;
  private hi = -Infinity;

  record(latencyMs: number): void {
    const i = latencyMs <= LOW_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(latencyMs / LOW_MS) / LOG_GROWTH));
    this.counts[i] = (this.counts[i] as number) + 1;
    this.n += 1;
    this.sumMs += latencyMs;
    if (latencyMs < this.lo) this.lo = latencyMs;
    if (latencyMs > this.hi) this.hi = latencyMs;
  }

  get count(): number {
    return this.n;
  }

  /** Exact mean; NaN when empty. */
  get meanMs(): number {
    return this.n === 0 ? NaN : this.sumMs / this.n;
  }

  get minMs(): number {
    return this.n === 0 ? NaN : this.lo;
  }

  get maxMs(): number {
    return this.n === 0 ? NaN : this.hi;
  }

  /** Nearest-rank quantile (q in [0, 1]): the bucket holding the ⌈q·n⌉-th smallest value, as its geometric midpoint. */
  quantileMs(q: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] as number;
      if (seen >= rank) {
        const mid = LOW_MS * Math.pow(GROWTH, i + 0.5);
        return Math.min(this.hi, Math.max(this.lo, mid));
      }
    }
    return this.hi;
  }
}
