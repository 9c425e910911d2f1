// One measured point: registered apps driven by the load generator, device metrics read at the warm-up's end and at the end.

import type { AppReport, LoadArrival } from '../../src/loadgen/index.js';
import { runLoad } from '../../src/loadgen/index.js';
import { type DeviceSnapshot, fetchDeviceSnapshot, snapshotDelta } from './device-metrics.js';

export interface PointFlow {
  /** Registered app the requests go to (its weight applies to its model's flow). */
  readonly app: string;
  readonly model: string;
  readonly weight: number;
  readonly arrival: LoadArrival;
}

export interface PointTiming {
  readonly durationS: number;
  readonly warmupS: number;
  readonly requestTimeoutMs: number;
  readonly seed: number;
}

export interface MeasuredFlow extends PointFlow {
  readonly report: AppReport;
}

export interface PointMeasurement {
  readonly flows: readonly MeasuredFlow[];
  /** Device metrics between the two reads. */
  readonly device: DeviceSnapshot;
  /** Seconds between the two reads of /metrics. */
  readonly windowS: number;
  /** Seconds the load generator counted. */
  readonly measuredS: number;
}

/** Progress ticks this often; the metrics reads land within one tick of the window's edges. */
const TICK_MS = 50;
/** An app's SLO large enough that admission and deadline drops never act: this experiment measures sharing only. */
export const NO_SLO_MS = 600_000;

interface TimedSnapshot {
  readonly atMs: number;
  readonly snapshot: DeviceSnapshot;
}

async function timedSnapshot(httpPort: number): Promise<TimedSnapshot> {
  const t0 = performance.now();
  const snapshot = await fetchDeviceSnapshot(httpPort);
  return { atMs: (t0 + performance.now()) / 2, snapshot };
}

/** PUT /v2/apps/{name} for each flow's app: its model, its weight, an SLO that never binds. */
export async function registerApps(httpPort: number, flows: readonly Pick<PointFlow, 'app' | 'model' | 'weight'>[]): Promise<void> {
  for (const f of flows) {
    const res = await fetch(`http://127.0.0.1:${httpPort}/v2/apps/${encodeURIComponent(f.app)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: f.model, slo: { percentile: 99, latency_ms: NO_SLO_MS }, weight: f.weight, overload: 'best-effort' }),
    });
    if (!res.ok) throw new Error(`PUT /v2/apps/${f.app}: HTTP ${res.status} ${await res.text()}`);
  }
}

export async function measurePoint(httpPort: number, flows: readonly PointFlow[], t: PointTiming): Promise<PointMeasurement> {
  let before: Promise<TimedSnapshot> | undefined;
  let after: Promise<TimedSnapshot> | undefined;
  const report = await runLoad(
    {
      url: `http://127.0.0.1:${httpPort}`,
      durationS: t.durationS,
      warmupS: t.warmupS,
      seed: t.seed,
      requestTimeoutMs: t.requestTimeoutMs,
      encoding: 'binary',
      apps: flows.map((f) => ({ name: f.app, target: { kind: 'app', name: f.app }, arrival: f.arrival, shapeModel: f.model })),
    },
    {
      progressIntervalMs: TICK_MS,
      onProgress: (p) => {
        if (before === undefined && p.elapsedS >= t.warmupS) before = timedSnapshot(httpPort);
        if (after === undefined && before !== undefined && p.elapsedS >= t.durationS) after = timedSnapshot(httpPort);
      },
    },
  );
  if (before === undefined || after === undefined) throw new Error('the load run ended before its measured window did');
  const [b, a] = await Promise.all([before, after]);
  return {
    flows: flows.map((f) => ({ ...f, report: report.apps.find((r) => r.name === f.app) as AppReport })),
    device: snapshotDelta(b.snapshot, a.snapshot),
    windowS: (a.atMs - b.atMs) / 1000,
    measuredS: report.measuredS,
  };
}
