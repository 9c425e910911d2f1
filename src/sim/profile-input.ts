// Reads ModelProfile JSON (one profile or an array) for the simulator, checking the fields it uses and naming bad ones.

import type { LatencyStats, ModelProfile, ProfilePoint } from '../profiler/profile.js';
import { asArray, asNumber, asObject, asOneOf, asString } from './input-fields.js';

/** `value` is parsed JSON: a ModelProfile or an array of them; `source` prefixes error paths (e.g. the file name). */
export function parseProfiles(value: unknown, source: string): ModelProfile[] {
  return Array.isArray(value) ? value.map((v, i) => parseProfile(v, `${source}[${i}]`)) : [parseProfile(value, source)];
}

function parseProfile(value: unknown, path: string): ModelProfile {
  const o = asObject(value, path);
  const fit = asObject(o['fit'], `${path}.fit`);
  const fitNum = (k: string): number => asNumber(fit[k], `${path}.fit.${k}`, { min: 0 });
  return {
    model: asString(o['model'], `${path}.model`),
    version: typeof o['version'] === 'number' ? String(o['version']) : asString(o['version'], `${path}.version`),
    executorKind: asOneOf(o['executorKind'], `${path}.executorKind`, ['cpu', 'gpu'] as const),
    createdAt: typeof o['createdAt'] === 'string' ? o['createdAt'] : '',
    loadMs: typeof o['loadMs'] === 'number' ? o['loadMs'] : 0,
    memGrowthBytes: typeof o['memGrowthBytes'] === 'number' ? o['memGrowthBytes'] : 0,
    points: asArray(o['points'] ?? [], `${path}.points`).map((p, i) => parsePoint(p, `${path}.points[${i}]`)),
    fit: {
      fixedMs: fitNum('fixedMs'),
      perItemMs: fitNum('perItemMs'),
      serialFraction: asNumber(fit['serialFraction'], `${path}.fit.serialFraction`, { min: 0 }),
      medianRelError: typeof fit['medianRelError'] === 'number' ? fit['medianRelError'] : 0,
      maxRelError: typeof fit['maxRelError'] === 'number' ? fit['maxRelError'] : 0,
    },
  };
}

function parsePoint(value: unknown, path: string): ProfilePoint {
  const o = asObject(value, path);
  const l = asObject(o['latency'], `${path}.latency`);
  const meanMs = asNumber(l['meanMs'], `${path}.latency.meanMs`, { above: 0 });
  const stat = (k: keyof LatencyStats): number => (typeof l[k] === 'number' ? l[k] : meanMs);
  return {
    batchSize: asNumber(o['batchSize'], `${path}.batchSize`, { min: 1, integer: true }),
    threads: asNumber(o['threads'], `${path}.threads`, { min: 1, integer: true }),
    latency: {
      samples: typeof l['samples'] === 'number' ? l['samples'] : 0,
      meanMs,
      stdMs: asNumber(l['stdMs'] ?? 0, `${path}.latency.stdMs`, { min: 0 }),
      p50Ms: stat('p50Ms'),
      p95Ms: stat('p95Ms'),
      p99Ms: stat('p99Ms'),
    },
    throughputPerS: typeof o['throughputPerS'] === 'number' ? o['throughputPerS'] : 0,
  };
}
