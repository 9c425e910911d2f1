// The validation matrix: sharing modes the live server has, co-located model sets, utilisations, and per-model rates.

import type { SharingMode } from '../../src/perfmodel/predictor.js';

/**
 * How the live server shares its one worker: no batching, per-model dynamic batching (max delay 0), or the fair
 * policy's device arbiter (weighted fair queueing over profiled cost, models cut into graph segments of about
 * FAIR_QUANTUM_MS, one unit in the worker at a time).
 */
export type ServerMode = 'fcfs' | 'fcfs-batching' | 'fair';

export const SERVER_MODES: readonly ServerMode[] = ['fcfs', 'fcfs-batching', 'fair'];

/** The analytic predictor that models each server mode. */
export const ANALYTIC_MODE: Readonly<Record<ServerMode, SharingMode>> = { fcfs: 'fcfs', 'fcfs-batching': 'batching', fair: 'arbiter' };

/** The fair mode's segment quantum: the server's default --segment-quantum-ms, ms. */
export const FAIR_QUANTUM_MS = 2;

/** Sharing modes the perfmodel predicts that this validation does not measure, with why; reported, not measured. */
export const MODES_NOT_IN_SERVER: readonly { readonly mode: SharingMode; readonly why: string }[] = [
  {
    mode: 'processor-sharing',
    why:
      'the server runs requests concurrently only as several worker processes on the same cores (bench:fairness "uncontrolled"); ' +
      'this validation runs one single-threaded worker, and that setup was not validated against the M/G/1-PS model',
  },
];

export const MODEL_SETS: readonly (readonly string[])[] = [
  ['mobilenetv2-0.5', 'squeezenet1.1'],
  ['mobilenetv2-1.0', 'bert-mini'],
  ['mobilenetv2-0.5', 'squeezenet1.1', 'bert-tiny'],
];

export const UTILISATIONS: readonly number[] = [0.1, 0.2, 0.4, 0.6, 0.8];
export const QUICK_UTILISATIONS: readonly number[] = [0.1, 0.8];

export interface ValidationCase {
  readonly mode: ServerMode;
  readonly models: readonly string[];
  /** Σ λ_i · S_i, with S_i the batch-1 time `ratesFor` was given (the run uses the calibrated occupancy). */
  readonly utilisation: number;
  /** Requests per second of each model, in `models` order. */
  readonly ratesPerS: readonly number[];
}

/** Every model of every set, once each, in first-seen order. */
export function allModels(sets: readonly (readonly string[])[] = MODEL_SETS): string[] {
  return [...new Set(sets.flat())];
}

/**
 * Equal utilisation share per model: λ_i = u / (n · S_i), so Σ λ_i S_i = u. `serviceMs(model)` is the batch-1
 * time that defines utilisation (the run passes the calibrated occupancy of one request); in the batching mode
 * batches only lower the work actually done.
 */
export function ratesFor(models: readonly string[], utilisation: number, serviceMs: (model: string) => number): number[] {
  return models.map((m) => (utilisation * 1000) / (models.length * serviceMs(m)));
}

export function validationCases(
  modes: readonly ServerMode[],
  sets: readonly (readonly string[])[],
  utilisations: readonly number[],
  serviceMs: (model: string) => number,
): ValidationCase[] {
  return modes.flatMap((mode) =>
    sets.flatMap((models) => utilisations.map((utilisation) => ({ mode, models, utilisation, ratesPerS: ratesFor(models, utilisation, serviceMs) }))),
  );
}

/**
 * The cases measured a second time at the end of a mode, to show how far one measurement of a case is from another
 * (the floor under any model's error): one per model set, its utilisation cycling through `utilisations` over the
 * (mode, set) pairs in order, `firstPair` being the number of pairs before this mode, so the repeats cover every load.
 */
export function repeatedCases(cases: readonly ValidationCase[], sets: readonly (readonly string[])[], utilisations: readonly number[], firstPair: number): ValidationCase[] {
  if (utilisations.length === 0) return [];
  return sets.flatMap((set, i) => {
    const u = utilisations[(firstPair + i) % utilisations.length];
    const c = cases.find((x) => x.utilisation === u && x.models.length === set.length && x.models.every((m, j) => m === set[j]));
    return c === undefined ? [] : [c];
  });
}
