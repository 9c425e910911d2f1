// SharingPredictor for the weighted round-robin arbiter (Olympian-style quanta of profiled cost).

import { DEFAULT_QUANTUM_MS, type SharingPredictor } from '../predictor.js';
import { roundRobinArbiter } from '../round-robin-arbiter.js';
import { serviceFromFit } from '../service-distribution.js';
import { validateInputs } from '../validate-inputs.js';
import { predictionFromAnalysis } from './prediction-from-analysis.js';

export const arbiterPredictor: SharingPredictor = {
  mode: 'arbiter',
  predict(models, executor) {
    validateInputs(models, executor);
    const instances = executor.instances ?? 1;
    const analysis = roundRobinArbiter(
      models.map((m) => ({
        arrivalRatePerS: m.arrivalRatePerS / instances,
        service: serviceFromFit(m.latency, 1, executor.cores, m.serviceScv ?? 0),
        weight: m.weight ?? 1,
        segments: m.segments ?? 1,
      })),
      { quantumMs: executor.quantumMs ?? DEFAULT_QUANTUM_MS, switchCostMs: executor.switchCostMs ?? 0 },
    );
    return predictionFromAnalysis('arbiter', models, analysis, instances);
  },
};
