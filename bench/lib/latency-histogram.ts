// Mergeable log-bucket latency histogram (≈1% relative error): children record, the orchestrator merges.

/*
 * value v (µs) ──► bucket i = floor(log(v) / log(1 + PRECISION))     sparse Map<i, count>
 * percentile q ──► walk buckets in index order until q·count samples are passed; report the bucket's midpoint
 */

/** Relative width of one bucket; percentiles are exact to about half of it. */
const PRECISION = 0.01;
const LOG_BASE = Math.log1p(PRECISION);
/** Values below this (µs) share bucket 0; clock resolution makes anything smaller meaningless. */
const MIN_US = 0.1;

/** Plain-JSON form, safe to send over IPC. */
export interface LatencyHistogramJson {
  readonly buckets: readonly (readonly [number, number])[];
  readonly count: number;
  readonly sumUs: number;
  readonly maxUs: number;
}

export interface LatencySummary {
  readonly count: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

export class LatencyHistogram {
  private readonly buckets = new Map<number, number>();
  private total = 0;
  private sumUs = 0;
  private maxUs = 0;

  static fromJSON(json: LatencyHistogramJson): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const [index, n] of json.buckets) h.buckets.set(index, n);
    h.total = json.count;
    h.sumUs = json.sumUs;
    h.maxUs = json.maxUs;
    return h;
  }

  get count(): number {
    return this.total;
  }

  record(valueUs: number): void {
    const index = valueUs <= MIN_US ? 0 : Math.max(0, Math.floor(Math.log(valueUs / MIN_US) / LOG_BASE));
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
    this.total += 1;
    this.sumUs += valueUs;
    if (valueUs > this.maxUs) this.maxUs = valueUs;
  }

  merge(other: LatencyHistogram): this {
    for (const [index, n] of other.buckets) this.buckets.set(index, (this.buckets.get(index) ?? 0) + n);
    this.total += other.total;
    this.sumUs += other.sumUs;
    this.maxUs = Math.max(this.maxUs, other.maxUs);
    return this;
  }

  /** The value (µs) below which a fraction `q` (0..1) of samples lie; NaN when empty. */
  percentileUs(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index) ?? 0;
      if (seen >= rank) return Math.min(this.maxUs, MIN_US * Math.exp((index + 0.5) * LOG_BASE));
    }
    return this.maxUs;
  }

  summary(): LatencySummary {
    return {
      count: this.total,
      meanUs: this.total === 0 ? Number.NaN : this.sumUs / this.total,
      p50Us: this.percentileUs(0.5),
      p90Us: this.percentileUs(0.9),
      p99Us: this.percentileUs(0.99),
      maxUs: this.maxUs,
    };
  }

  toJSON(): LatencyHistogramJson {
    return { buckets: [...this.buckets.entries()], count: this.total, sumUs: this.sumUs, maxUs: this.maxUs };
  }
}
