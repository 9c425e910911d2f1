// Reads a `timestamp_ms,app` CSV trace into replay times per app (the simulator's parser; times start at 0).

import { parseTrace, traceToStreams } from '../sim/trace-replay.js';

/** Arrival times per app, ms from the trace's first row (shared origin, so apps keep their relative timing). */
export function traceTimesByApp(text: string, source: string, timeScale = 1): Map<string, number[]> {
  const streams = traceToStreams(parseTrace(text, source), { timeScale });
  const out = new Map<string, number[]>();
  for (const s of streams) if (s.arrival.kind === 'replay') out.set(s.model, [...s.arrival.timesMs]);
  return out;
}

/** Every row's time, whatever its app, ascending: one stream for a single-target run. */
export function traceTimesAll(text: string, source: string, timeScale = 1): number[] {
  return [...traceTimesByApp(text, source, timeScale).values()].flat().sort((a, b) => a - b);
}
