// Reads the device-sharing metrics (compute seconds per model, switches, switch interval histogram) from /metrics text.

import { type PromSample, parsePromText } from '../lib/prom-text.js';

/** What the device-sharing metrics said at one moment, summed over executors. */
export interface DeviceSnapshot {
  /** tessera_device_compute_seconds_total per model. */
  readonly computeSByModel: Readonly<Record<string, number>>;
  /** Same, per executor label (uncontrolled runs spread models over workers). */
  readonly computeSByExecutor: Readonly<Record<string, number>>;
  readonly switches: number;
  /** Cumulative bucket counts of tessera_device_switch_interval_seconds: [upper bound s, count], ascending, +Inf last. */
  readonly switchBuckets: readonly (readonly [number, number])[];
}

function add(into: Record<string, number>, key: string, value: number): void {
  into[key] = (into[key] ?? 0) + value;
}

export function deviceSnapshot(samples: readonly PromSample[]): DeviceSnapshot {
  const computeSByModel: Record<string, number> = {};
  const computeSByExecutor: Record<string, number> = {};
  const buckets = new Map<number, number>();
  let switches = 0;
  for (const s of samples) {
    if (s.name === 'tessera_device_compute_seconds_total') {
      add(computeSByModel, s.labels['model'] ?? '', s.value);
      add(computeSByExecutor, s.labels['executor'] ?? '', s.value);
    } else if (s.name === 'tessera_device_switches_total') {
      switches += s.value;
    } else if (s.name === 'tessera_device_switch_interval_seconds_bucket') {
      const le = s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']);
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    }
  }
  const switchBuckets = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  return { computeSByModel, computeSByExecutor, switches, switchBuckets };
}

function subtract(after: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

/** What happened between two snapshots of the same server. */
export function snapshotDelta(before: DeviceSnapshot, after: DeviceSnapshot): DeviceSnapshot {
  const old = new Map(before.switchBuckets);
  return {
    computeSByModel: subtract(after.computeSByModel, before.computeSByModel),
    computeSByExecutor: subtract(after.computeSByExecutor, before.computeSByExecutor),
    switches: after.switches - before.switches,
    switchBuckets: after.switchBuckets.map(([le, n]) => [le, n - (old.get(le) ?? 0)] as const),
  };
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside its bucket (as Prometheus'
 * histogram_quantile does); the first bucket starts at 0. NaN when it is empty; the last finite bound when
 * the quantile falls in +Inf.
 */
export function histogramQuantile(buckets: readonly (readonly [number, number])[], q: number): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? le : lowerBound + ((le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

/** GET /metrics of a server on loopback. */
export async function fetchDeviceSnapshot(httpPort: number): Promise<DeviceSnapshot> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
  return deviceSnapshot(parsePromText(await res.text()));
}
