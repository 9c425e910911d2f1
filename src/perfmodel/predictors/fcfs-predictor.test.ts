// fcfsPredictor: the shared SharingPredictor contract suite for one arrival-order queue.

import { runPredictorContract } from '../predictor.case.js';
import { fcfsPredictor } from './fcfs-predictor.js';

runPredictorContract('fcfsPredictor', fcfsPredictor);
