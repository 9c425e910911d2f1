// Result of a load run: per-app and overall counts, SLO attainment, goodput and latency percentiles (JSON-ready).

export interface LatencySummary {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

export interface LoadTotals {
  /** Requests put on the wire in the measured window. */
  readonly sent: number;
  /** Open-loop arrivals not sent because the app already had maxOutstanding requests awaiting a response. */
  readonly droppedByClient: number;
  readonly ok: number;
  /** OK responses within the app's SLO (all OK responses when the app has none). */
  readonly okWithinSlo: number;
  /** HTTP 429 / gRPC RESOURCE_EXHAUSTED. */
  readonly rejected: number;
  /** Reject reasons (numbers folded to N) and their counts. */
  readonly rejectsByReason: Readonly<Record<string, number>>;
  /** Other failures by status: http_503, grpc_UNAVAILABLE, timeout, cancelled, transport_ECONNREFUSED, ... */
  readonly errorsByStatus: Readonly<Record<string, number>>;
  /** okWithinSlo / (sent + droppedByClient); null when nothing was offered. */
  readonly sloAttainment: number | null;
  /** (sent + droppedByClient) per second of the measured window. */
  readonly offeredPerS: number;
  /** OK responses per second. */
  readonly throughputPerS: number;
  /** OK responses within the SLO per second. */
  readonly goodputPerS: number;
  /** Of OK responses, from the scheduled send time; null when there were none. */
  readonly latencyMs: LatencySummary | null;
}

export interface AppReport extends LoadTotals {
  readonly name: string;
  /** app:<name>, task:<task> or model:<name>[@version]. */
  readonly target: string;
  readonly protocol: 'http' | 'grpc';
  /** open-loop process kind, or closed. */
  readonly arrival: string;
  readonly sloMs: number | null;
  /** model@version → OK responses it gave (app and task targets). */
  readonly answeredBy: Readonly<Record<string, number>>;
  /** Largest delay between an open-loop arrival's scheduled time and its send, ms (client saturation shows here). */
  readonly maxSendLagMs: number;
}

export interface LoadReport {
  /** ISO time the run started. */
  readonly startedAt: string;
  readonly durationS: number;
  readonly warmupS: number;
  /** Seconds the statistics cover: durationS − warmupS, or less when the run was cancelled. */
  readonly measuredS: number;
  /** Wall seconds of the whole run, including waiting for the last responses. */
  readonly elapsedS: number;
  /** True when the run was cancelled through its AbortSignal. */
  readonly aborted: boolean;
  readonly apps: readonly AppReport[];
  readonly overall: LoadTotals;
}
