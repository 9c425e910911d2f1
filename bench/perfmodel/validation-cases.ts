// The validation matrix: sharing modes the live server has, co-located model sets, utilisations, and per-model rates.

import type { SharingMode } from '../../src/perfmodel/predictor.js';

/** How the live server shares its one worker: no batching, or per-model dynamic batching (max delay 0). */
export type ServerMode = 'fcfs' | 'fcfs-batching';

export const SERVER_MODES: readonly ServerMode[] = ['fcfs', 'fcfs-batching'];

/** The analytic predictor that models each server mode. */
export const ANALYTIC_MODE: Readonly<Record<ServerMode, SharingMode>> = { fcfs: 'fcfs', 'fcfs-batching': 'batching' };

/** Sharing modes the perfmodel predicts but the server cannot run today, with why; reported, not measured. */
export const MODES_NOT_IN_SERVER: readonly { readonly mode: SharingMode; readonly why: string }[] = [
  { mode: 'processor-sharing', why: 'the worker runs one batch at a time; there is no concurrent-run (uncontrolled sharing) mode' },
  { mode: 'arbiter', why: 'no weighted round-robin device arbiter is wired into the server yet' },
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
