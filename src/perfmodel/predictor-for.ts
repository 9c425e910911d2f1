// Picks the SharingPredictor implementation for a sharing mode (kept apart from the contract to avoid an import cycle).

import type { SharingMode, SharingPredictor } from './predictor.js';
import { arbiterPredictor } from './predictors/arbiter-predictor.js';
import { batchingPredictor } from './predictors/batching-predictor.js';
import { fcfsPredictor } from './predictors/fcfs-predictor.js';
import { processorSharingPredictor } from './predictors/processor-sharing-predictor.js';

const PREDICTORS: Readonly<Record<SharingMode, SharingPredictor>> = {
  fcfs: fcfsPredictor,
  'processor-sharing': processorSharingPredictor,
  batching: batchingPredictor,
  arbiter: arbiterPredictor,
};

export function predictorFor(mode: SharingMode): SharingPredictor {
  return PREDICTORS[mode];
}
