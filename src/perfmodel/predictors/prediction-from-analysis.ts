// Maps a queueing model's per-class analysis back onto the named models (all predictors share this last step).

import type { ColocatedModel, SharingMode, SharingPrediction } from '../predictor.js';
import type { ClassLatency, QueueAnalysis } from '../types.js';

/** Instances split the arrivals, so each class analysed on one executor completes 1/k of the model's throughput. */
export function predictionFromAnalysis(
  mode: SharingMode,
  models: readonly ColocatedModel[],
  analysis: QueueAnalysis,
  instances: number,
): SharingPrediction {
  return {
    mode,
    stable: analysis.stable,
    utilization: analysis.utilization,
    offeredLoad: analysis.offeredLoad,
    perModel: models.map((m, i) => {
      const c: ClassLatency = analysis.classes[i] ?? { stable: false, throughputPerS: 0 };
      return { ...c, name: m.name, throughputPerS: c.throughputPerS * instances };
    }),
  };
}
