// How many segments a model needs so that each runs in about one scheduling quantum.

import { MAX_SEGMENTS } from './segment-graph.js';

/** ceil(latencyMs / quantumMs), clamped to [1, max]; 1 when either figure is not a positive number. */
export function segmentsForQuantum(latencyMs: number, quantumMs: number, max = MAX_SEGMENTS): number {
  if (!(latencyMs > 0) || !(quantumMs > 0)) return 1;
  return Math.max(1, Math.min(Math.floor(max), Math.ceil(latencyMs / quantumMs)));
}
