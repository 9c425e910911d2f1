// runLoad: prepares every app (metadata, inputs, transport), drives the load for the spec's duration, reports.

import { ServingError } from '../core/errors.js';
import { SeededRandom, hashString } from '../onnx/seeded-random.js';
import { LoadCounters } from './load-counters.js';
import { type AppRun, LoadDriver } from './load-driver.js';
import type { AppReport, LoadReport } from './load-report.js';
import { LOAD_DEFAULTS, type LoadArrival, type LoadSpec, type Protocol } from './load-spec.js';
import { openArrivals } from './open-arrivals.js';
import { TransportSet, prepareApps } from './prepare-apps.js';
import { formatTarget } from './target.js';
import type { LoadTransport } from './transport.js';

export interface LoadProgress {
  readonly elapsedS: number;
  readonly durationS: number;
  readonly sent: number;
  /** Requests with an outcome so far. */
  readonly done: number;
  readonly ok: number;
  readonly rejected: number;
}

export interface RunLoadOptions {
  /** Cancels the run: sending stops, requests in flight are aborted (counted as `cancelled`), a report still comes back. */
  readonly signal?: AbortSignal;
  /** Called about every progressIntervalMs while requests are sent, and once at the end. */
  readonly onProgress?: (p: LoadProgress) => void;
  /** Default 500. */
  readonly progressIntervalMs?: number;
  /** Transports to use instead of the built-in HTTP/gRPC clients (the caller closes them). */
  readonly transports?: Partial<Record<Protocol, LoadTransport>>;
}

const DEFAULT_PROGRESS_INTERVAL_MS = 500;
const MS_PER_S = 1000;

/**
 * Runs `spec` against its server(s). Rejects only when the spec is unusable or setup fails (a model's metadata cannot
 * be read); every request failure is counted in the report instead.
 */
export async function runLoad(spec: LoadSpec, options: RunLoadOptions = {}): Promise<LoadReport> {
  checkSpec(spec);
  const transports = new TransportSet(spec, options.transports);
  const runAc = new AbortController();
  const forward = (): void => runAc.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forward, { once: true });
  try {
    const prepared = await prepareApps(spec, transports);
    if (options.signal?.aborted === true) runAc.abort(options.signal.reason);
    const durationMs = spec.durationS * MS_PER_S;
    const warmupMs = (spec.warmupS ?? LOAD_DEFAULTS.warmupS) * MS_PER_S;
    const startedAt = new Date().toISOString();
    const driver = new LoadDriver({ durationMs, warmupMs, requestTimeoutMs: spec.requestTimeoutMs ?? LOAD_DEFAULTS.requestTimeoutMs, signal: runAc.signal });
    const runs: AppRun[] = prepared.map((p) => ({
      prepared: p,
      counters: new LoadCounters(),
      maxOutstanding: p.app.maxOutstanding ?? spec.maxOutstanding ?? LOAD_DEFAULTS.maxOutstanding,
      outstanding: 0,
      maxSendLagMs: 0,
    }));
    const progress = (): void =>
      options.onProgress?.({
        elapsedS: Math.min(driver.elapsedMs(), durationMs) / MS_PER_S,
        durationS: spec.durationS,
        sent: driver.overall.sent,
        done: driver.overall.done,
        ok: driver.overall.ok,
        rejected: driver.overall.rejected,
      });
    const ticker = options.onProgress === undefined ? undefined : setInterval(progress, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
    const seed = spec.seed ?? LOAD_DEFAULTS.seed;
    await Promise.all(runs.map((run) => drive(driver, run, durationMs, seed)));
    // Open loops end at their last arrival, before the duration; only a cancelled run has a shorter window.
    const sendingEndedMs = runAc.signal.aborted ? Math.min(driver.elapsedMs(), durationMs) : durationMs;
    await driver.whenDrained();
    if (ticker !== undefined) clearInterval(ticker);
    progress();
    const measuredS = Math.max(0, sendingEndedMs - warmupMs) / MS_PER_S;
    return {
      startedAt,
      durationS: spec.durationS,
      warmupS: warmupMs / MS_PER_S,
      measuredS,
      elapsedS: driver.elapsedMs() / MS_PER_S,
      aborted: runAc.signal.aborted,
      apps: runs.map((r) => appReport(r, measuredS)),
      overall: driver.overall.totals(measuredS),
    };
  } finally {
    options.signal?.removeEventListener('abort', forward);
    transports.close();
  }
}

function drive(driver: LoadDriver, run: AppRun, durationMs: number, seed: number): Promise<unknown> {
  const a = run.prepared.app.arrival;
  if (a.kind === 'closed') return Promise.all(Array.from({ length: a.clients }, () => driver.closedClient(run, a.thinkMs ?? 0)));
  const rng = new SeededRandom(hashString(`${seed}:${run.prepared.app.name}:arrivals`));
  return driver.openLoop(run, openArrivals(a, rng, 0, durationMs));
}

function appReport(run: AppRun, measuredS: number): AppReport {
  const { app, protocol } = run.prepared;
  return {
    name: app.name,
    target: formatTarget(app.target),
    protocol,
    arrival: arrivalLabel(app.arrival),
    sloMs: app.sloMs ?? null,
    ...run.counters.totals(measuredS),
    answeredBy: Object.fromEntries(run.counters.answeredBy),
    maxSendLagMs: run.maxSendLagMs,
  };
}

function arrivalLabel(a: LoadArrival): string {
  if (a.kind === 'closed') return `closed(${a.clients})`;
  if (a.kind === 'diurnal' && a.shape === 'linear') return 'diurnal-linear';
  return a.kind;
}

function checkSpec(spec: LoadSpec): void {
  const bad = (why: string): never => {
    throw new ServingError('INVALID_ARGUMENT', `load spec: ${why}`);
  };
  if (!(spec.durationS > 0)) bad(`durationS must be > 0, got ${spec.durationS}`);
  if (spec.apps.length === 0) bad('needs at least one app');
  if (new Set(spec.apps.map((a) => a.name)).size !== spec.apps.length) bad('app names must be unique');
  if ((spec.warmupS ?? 0) >= spec.durationS) bad('warmupS must be below durationS');
}
