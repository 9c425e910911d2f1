// batchingPredictor: the shared SharingPredictor contract suite for per-model batchers.

import { runPredictorContract } from '../predictor.case.js';
import { batchingPredictor } from './batching-predictor.js';

runPredictorContract('batchingPredictor', batchingPredictor);
