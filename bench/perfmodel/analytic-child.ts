// Child process that runs one analytic prediction, so the orchestrator can give up on a predictor that runs too long.

import { childTaskEntry } from '../lib/child-task-entry.js';
import { type ModelsPrediction, type PredictionSetup, analyticPrediction } from './predictions.js';
import type { ValidationCase } from './validation-cases.js';

export interface AnalyticChildConfig {
  readonly c: ValidationCase;
  readonly setup: PredictionSetup;
}

childTaskEntry<AnalyticChildConfig, ModelsPrediction>(async ({ c, setup }) => analyticPrediction(c, setup));
