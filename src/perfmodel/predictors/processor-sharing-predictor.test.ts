// processorSharingPredictor: the shared SharingPredictor contract suite for uncontrolled concurrency.

import { runPredictorContract } from '../predictor.case.js';
import { processorSharingPredictor } from './processor-sharing-predictor.js';

runPredictorContract('processorSharingPredictor', processorSharingPredictor);
