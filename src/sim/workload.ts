// Workload description for the simulator (JSON-serialisable): request streams per app and model, each with an arrival process.

import type { OverloadPolicy } from '../core/app.js';
import { type NumberRule, asArray, asNumber, asObject, asOneOf, asString, invalid, onlyKeys } from './input-fields.js';

export type ArrivalProcess =
  /** Exponential inter-arrival times. */
  | { readonly kind: 'poisson'; readonly ratePerS: number }
  /** Evenly spaced arrivals, the first one interval after the stream starts. */
  | { readonly kind: 'deterministic'; readonly ratePerS: number }
  /** Two-state Markov-modulated Poisson: rate ratesPerS[s] while in state s; exponential dwell meanDwellMs[s]; starts in state 0. */
  | { readonly kind: 'mmpp'; readonly ratesPerS: readonly [number, number]; readonly meanDwellMs: readonly [number, number] }
  /** Poisson with a sinusoidal rate: minRatePerS at t = phaseMs, maxRatePerS half a period later. */
  | { readonly kind: 'diurnal'; readonly minRatePerS: number; readonly maxRatePerS: number; readonly periodMs: number; readonly phaseMs?: number }
  /** Fixed arrival times, ms from the stream start (ascending); used for trace replay. */
  | { readonly kind: 'replay'; readonly timesMs: readonly number[] };

export type ArrivalKind = ArrivalProcess['kind'];
export const ARRIVAL_KINDS: readonly ArrivalKind[] = ['poisson', 'deterministic', 'mmpp', 'diurnal', 'replay'];

export interface WorkloadStream {
  /** App that sends these requests (reporting only); default: the model name. */
  readonly app?: string;
  readonly model: string;
  readonly arrival: ArrivalProcess;
  /** Rows per request along dimension 0; default 1. */
  readonly rows?: number;
  /** Latency objective of these requests, ms; default: the workload's sloMs for the model, if any. */
  readonly sloMs?: number;
  /**
   * What admission control does with a request of this stream that cannot meet its SLO ('edf' executors only):
   * 'reject' refuses it at arrival, 'best-effort' queues it behind every request that can still make its deadline
   * (an app's overload policy). Default 'reject'.
   */
  readonly overload?: OverloadPolicy;
  /** The stream sends nothing before this time, ms; default 0. */
  readonly startMs?: number;
  /** The stream sends nothing at or after this time, ms; default: the end of the run. */
  readonly endMs?: number;
}

export interface Workload {
  readonly streams: readonly WorkloadStream[];
  /** Latency objective per model, ms, for requests whose stream gives none. */
  readonly sloMs?: Readonly<Record<string, number>>;
}

const STREAM_KEYS = ['app', 'model', 'arrival', 'rows', 'sloMs', 'overload', 'startMs', 'endMs'];

/** Validates parsed JSON/YAML as a Workload; errors name the field (`workload.streams[2].arrival.ratePerS: ...`). */
export function parseWorkload(value: unknown, path = 'workload'): Workload {
  const o = asObject(value, path);
  onlyKeys(o, path, ['streams', 'sloMs']);
  const streams = asArray(o['streams'], `${path}.streams`).map((s, i) => parseStream(s, `${path}.streams[${i}]`));
  if (o['sloMs'] === undefined) return { streams };
  const slo = asObject(o['sloMs'], `${path}.sloMs`);
  const sloMs: Record<string, number> = {};
  for (const [model, v] of Object.entries(slo)) sloMs[model] = asNumber(v, `${path}.sloMs.${model}`, { above: 0 });
  return { streams, sloMs };
}

function parseStream(value: unknown, path: string): WorkloadStream {
  const o = asObject(value, path);
  onlyKeys(o, path, STREAM_KEYS);
  const num = (key: string, rule: NumberRule): number | undefined => (o[key] === undefined ? undefined : asNumber(o[key], `${path}.${key}`, rule));
  const rows = num('rows', { min: 1, integer: true });
  const sloMs = num('sloMs', { above: 0 });
  const startMs = num('startMs', { min: 0 });
  const endMs = num('endMs', { min: 0 });
  const stream: WorkloadStream = {
    ...(o['app'] === undefined ? {} : { app: asString(o['app'], `${path}.app`) }),
    model: asString(o['model'], `${path}.model`),
    arrival: parseArrival(o['arrival'], `${path}.arrival`),
    ...(rows === undefined ? {} : { rows }),
    ...(sloMs === undefined ? {} : { sloMs }),
    ...(o['overload'] === undefined ? {} : { overload: asOneOf(o['overload'], `${path}.overload`, ['reject', 'best-effort'] as const satisfies readonly OverloadPolicy[]) }),
    ...(startMs === undefined ? {} : { startMs }),
    ...(endMs === undefined ? {} : { endMs }),
  };
  if (stream.startMs !== undefined && stream.endMs !== undefined && stream.endMs < stream.startMs) {
    invalid(`${path}.endMs`, `ends (${stream.endMs}) before it starts (${stream.startMs})`);
  }
  return stream;
}

function pair(v: unknown, path: string, rule: NumberRule): [number, number] {
  const a = asArray(v, path);
  if (a.length !== 2) invalid(path, `expected two numbers (state 0, state 1), got ${a.length}`);
  return [asNumber(a[0], `${path}[0]`, rule), asNumber(a[1], `${path}[1]`, rule)];
}

export function parseArrival(value: unknown, path: string): ArrivalProcess {
  const o = asObject(value, path);
  const kind = asOneOf(o['kind'], `${path}.kind`, ARRIVAL_KINDS);
  const num = (key: string, rule: NumberRule): number => asNumber(o[key], `${path}.${key}`, rule);
  switch (kind) {
    case 'poisson':
    case 'deterministic':
      onlyKeys(o, path, ['kind', 'ratePerS']);
      return { kind, ratePerS: num('ratePerS', { above: 0 }) };
    case 'mmpp': {
      onlyKeys(o, path, ['kind', 'ratesPerS', 'meanDwellMs']);
      const ratesPerS = pair(o['ratesPerS'], `${path}.ratesPerS`, { min: 0 });
      if (ratesPerS[0] + ratesPerS[1] <= 0) invalid(`${path}.ratesPerS`, 'at least one state needs a rate above 0');
      return { kind, ratesPerS, meanDwellMs: pair(o['meanDwellMs'], `${path}.meanDwellMs`, { above: 0 }) };
    }
    case 'diurnal': {
      onlyKeys(o, path, ['kind', 'minRatePerS', 'maxRatePerS', 'periodMs', 'phaseMs']);
      const minRatePerS = num('minRatePerS', { min: 0 });
      const maxRatePerS = num('maxRatePerS', { above: 0 });
      if (maxRatePerS < minRatePerS) invalid(`${path}.maxRatePerS`, `is below minRatePerS (${minRatePerS})`);
      return {
        kind,
        minRatePerS,
        maxRatePerS,
        periodMs: num('periodMs', { above: 0 }),
        ...(o['phaseMs'] === undefined ? {} : { phaseMs: num('phaseMs', {}) }),
      };
    }
    case 'replay': {
      onlyKeys(o, path, ['kind', 'timesMs']);
      const timesMs = asArray(o['timesMs'], `${path}.timesMs`).map((t, i) => asNumber(t, `${path}.timesMs[${i}]`, { min: 0 }));
      for (let i = 1; i < timesMs.length; i++) {
        if ((timesMs[i] as number) < (timesMs[i - 1] as number)) invalid(`${path}.timesMs[${i}]`, 'times must be ascending');
      }
      return { kind, timesMs };
    }
  }
}
