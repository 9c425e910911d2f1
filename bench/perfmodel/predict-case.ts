// Both predictions of one case: the analytic one in a child process under a time limit, the simulator in-process.

import { forkChildTask } from '../lib/child-task.js';
import type { AnalyticChildConfig } from './analytic-child.js';
import { type CasePredictions, type ModelsPrediction, type PredictionSetup, simPrediction } from './predictions.js';
import type { ValidationCase } from './validation-cases.js';

const ANALYTIC_CHILD = new URL('./analytic-child.js', import.meta.url);

export async function predictCase(c: ValidationCase, setup: PredictionSetup, analyticTimeoutMs: number): Promise<CasePredictions> {
  const t0 = performance.now();
  const config: AnalyticChildConfig = { c, setup };
  const child = forkChildTask<null, ModelsPrediction>(ANALYTIC_CHILD, config, `analytic ${c.mode} ${c.models.join('+')} u=${c.utilisation}`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), analyticTimeoutMs);
  });
  let analytic: ModelsPrediction | undefined;
  let analyticNote: string | undefined;
  try {
    const outcome = await Promise.race([child.result, timedOut]);
    if (outcome === 'timeout') analyticNote = `the analytic predictor did not answer within ${analyticTimeoutMs / 1000} s`;
    else analytic = outcome;
  } catch (e) {
    analyticNote = `the analytic predictor failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  } finally {
    clearTimeout(timer);
    child.kill();
  }
  const analyticMs = performance.now() - t0;
  const t1 = performance.now();
  const sim = simPrediction(c, setup);
  return {
    analytic: analytic?.perModel ?? c.models.map(() => null),
    sim: sim.perModel,
    analyticUtilisation: analytic?.utilisation ?? Number.NaN,
    simUtilisation: sim.utilisation,
    ...(analyticNote === undefined ? {} : { analyticNote }),
    analyticMs,
    simMs: performance.now() - t1,
  };
}
