// Running counts of one app (or of the whole run) while load is sent; turned into LoadTotals at the end.

import { LatencyHistogram } from '../sim/latency-histogram.js';
import type { LatencySummary, LoadTotals } from './load-report.js';
import type { SendOutcome } from './transport.js';

/** Distinct reject reasons kept per counter; further ones are counted under OTHER_REASON (bounded memory). */
const MAX_REASONS = 32;
const OTHER_REASON = '(other reasons)';

export class LoadCounters {
  sent = 0;
  droppedByClient = 0;
  ok = 0;
  okWithinSlo = 0;
  rejected = 0;
  readonly rejectsByReason = new Map<string, number>();
  readonly errorsByStatus = new Map<string, number>();
  readonly answeredBy = new Map<string, number>();
  private readonly latency = new LatencyHistogram();

  /** `withinSlo` is the caller's judgement of `latencyMs` against the app's objective. */
  record(outcome: SendOutcome, latencyMs: number, withinSlo: boolean): void {
    switch (outcome.kind) {
      case 'ok':
        this.ok++;
        if (withinSlo) this.okWithinSlo++;
        this.latency.record(latencyMs);
        if (outcome.answeredBy !== undefined) bump(this.answeredBy, outcome.answeredBy, MAX_REASONS);
        break;
      case 'rejected':
        this.rejected++;
        bump(this.rejectsByReason, outcome.reason, MAX_REASONS);
        break;
      case 'error':
        bump(this.errorsByStatus, outcome.status, MAX_REASONS);
        break;
    }
  }

  /** Requests answered so far (any outcome). */
  get done(): number {
    return this.ok + this.rejected + [...this.errorsByStatus.values()].reduce((a, b) => a + b, 0);
  }

  totals(measuredS: number): LoadTotals {
    const offered = this.sent + this.droppedByClient;
    const perS = (n: number): number => (measuredS > 0 ? n / measuredS : 0);
    return {
      sent: this.sent,
      droppedByClient: this.droppedByClient,
      ok: this.ok,
      okWithinSlo: this.okWithinSlo,
      rejected: this.rejected,
      rejectsByReason: Object.fromEntries(this.rejectsByReason),
      errorsByStatus: Object.fromEntries(this.errorsByStatus),
      sloAttainment: offered === 0 ? null : this.okWithinSlo / offered,
      offeredPerS: perS(offered),
      throughputPerS: perS(this.ok),
      goodputPerS: perS(this.okWithinSlo),
      latencyMs: this.summary(),
    };
  }

  private summary(): LatencySummary | null {
    const h = this.latency;
    if (h.count === 0) return null;
    return { p50Ms: h.quantileMs(0.5), p95Ms: h.quantileMs(0.95), p99Ms: h.quantileMs(0.99), meanMs: h.meanMs, maxMs: h.maxMs };
  }
}

function bump(map: Map<string, number>, key: string, maxKeys: number): void {
  const k = map.has(key) || map.size < maxKeys ? key : OTHER_REASON;
  map.set(k, (map.get(k) ?? 0) + 1);
}
