// SharingPredictor for the live server: per-model dynamic batchers whose batches run one at a time in arrival order.

import type { SharingPredictor } from '../predictor.js';
import { serviceFromFit } from '../service-distribution.js';
import { sharedBatching } from '../shared-batching.js';
import { validateInputs } from '../validate-inputs.js';
import { predictionFromAnalysis } from './prediction-from-analysis.js';

export const batchingPredictor: SharingPredictor = {
  mode: 'batching',
  predict(models, executor) {
    validateInputs(models, executor);
    const instances = executor.instances ?? 1;
    // sharedBatching splits the arrivals over instances itself and reports totals, so no rescaling here.
    const analysis = sharedBatching(
      models.map((m) => ({
        arrivalRatePerS: m.arrivalRatePerS,
        maxBatchSize: m.maxBatchSize ?? 1,
        batchService: (b: number) => serviceFromFit(m.latency, b, executor.cores, m.serviceScv ?? 0),
      })),
      { switchCostMs: executor.switchCostMs ?? 0, instances },
    );
    return predictionFromAnalysis('batching', models, analysis, 1);
  },
};
