// Trace replay: parse `timestamp_ms,model` CSV text into arrivals and turn them into one replay stream per model.

import { invalid } from './input-fields.js';
import type { WorkloadStream } from './workload.js';

export interface TraceArrival {
  readonly timeMs: number;
  readonly model: string;
}

/**
 * Parses CSV text with lines `timestamp_ms,model`. Blank lines and `#` comments are skipped, and so is a header line
 * whose first field is not a number. Errors name the source and line.
 */
export function parseTrace(text: string, source = 'trace'): TraceArrival[] {
  const out: TraceArrival[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const comma = line.indexOf(',');
    const first = comma < 0 ? line : line.slice(0, comma).trim();
    const timeMs = Number(first);
    if (out.length === 0 && first !== '' && Number.isNaN(timeMs)) continue; // header
    const where = `${source}:${i + 1}`;
    if (comma < 0) invalid(where, `expected 'timestamp_ms,model', got '${line}'`);
    if (first === '' || !Number.isFinite(timeMs) || timeMs < 0) invalid(where, `timestamp_ms must be a number >= 0, got '${first}'`);
    const model = line.slice(comma + 1).trim();
    if (model === '' || model.includes(',')) invalid(where, `model must be one non-empty field, got '${model}'`);
    out.push({ timeMs, model });
  }
  return out;
}

export interface TraceStreamOptions {
  /** Shift times so the earliest arrival is at this time, ms; default 0. Pass null to keep the trace's own times. */
  readonly startMs?: number | null;
  /** Multiply gaps by this (0.5 replays twice as fast); default 1. */
  readonly timeScale?: number;
}

/** One replay stream per model, in order of each model's first appearance; arrivals need not be sorted. */
export function traceToStreams(arrivals: readonly TraceArrival[], options: TraceStreamOptions = {}): WorkloadStream[] {
  const scale = options.timeScale ?? 1;
  const origin = arrivals.reduce((m, a) => Math.min(m, a.timeMs), Infinity);
  const shift = options.startMs === null ? 0 : (options.startMs ?? 0) - origin * scale;
  const byModel = new Map<string, number[]>();
  for (const a of arrivals) {
    let times = byModel.get(a.model);
    if (times === undefined) byModel.set(a.model, (times = []));
    times.push(a.timeMs * scale + shift);
  }
  return [...byModel].map(([model, timesMs]) => ({ model, arrival: { kind: 'replay', timesMs: timesMs.sort((x, y) => x - y) } }));
}
