// arbiterPredictor: the shared SharingPredictor contract suite for the weighted round-robin arbiter.

import { runPredictorContract } from '../predictor.case.js';
import { arbiterPredictor } from './arbiter-predictor.js';

runPredictorContract('arbiterPredictor', arbiterPredictor);
