// SharingPredictor for one arrival-order queue across models with a model-switch cost (M/G/1 FCFS).

import { fcfsSwitch } from '../fcfs-switch.js';
import type { SharingPredictor } from '../predictor.js';
import { serviceFromFit } from '../service-distribution.js';
import { validateInputs } from '../validate-inputs.js';
import { predictionFromAnalysis } from './prediction-from-analysis.js';

export const fcfsPredictor: SharingPredictor = {
  mode: 'fcfs',
  predict(models, executor) {
    validateInputs(models, executor);
    const instances = executor.instances ?? 1;
    const analysis = fcfsSwitch(
      models.map((m) => ({
        arrivalRatePerS: m.arrivalRatePerS / instances,
        service: serviceFromFit(m.latency, 1, executor.cores, m.serviceScv ?? 0),
      })),
      { switchCostMs: executor.switchCostMs ?? 0 },
    );
    return predictionFromAnalysis('fcfs', models, analysis, instances);
  },
};
