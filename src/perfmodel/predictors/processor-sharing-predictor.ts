// SharingPredictor for uncontrolled concurrency: every request runs at once and the cores are shared (M/G/1-PS).

import type { SharingPredictor } from '../predictor.js';
import { processorSharing } from '../processor-sharing.js';
import { serviceFromFit } from '../service-distribution.js';
import { validateInputs } from '../validate-inputs.js';
import { predictionFromAnalysis } from './prediction-from-analysis.js';

export const processorSharingPredictor: SharingPredictor = {
  mode: 'processor-sharing',
  predict(models, executor) {
    validateInputs(models, executor);
    const instances = executor.instances ?? 1;
    const analysis = processorSharing(
      models.map((m) => ({
        arrivalRatePerS: m.arrivalRatePerS / instances,
        service: serviceFromFit(m.latency, 1, executor.cores, m.serviceScv ?? 0),
      })),
      { concurrencySlowdown: executor.concurrencySlowdown ?? 1 },
    );
    return predictionFromAnalysis('processor-sharing', models, analysis, instances);
  },
};
