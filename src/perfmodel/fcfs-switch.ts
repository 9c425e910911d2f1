// M/G/1 FCFS queue shared by several models with a model-switch cost (Pollaczek–Khinchine mean, Takács second moment).

import { stableLatency } from './response-time.js';
import { addBernoulliDelay, mixMoments, serviceMoments } from './service-distribution.js';
import { MS_PER_S, type QueueAnalysis, type ServiceTime } from './types.js';

export interface FcfsClass {
  /** Poisson arrival rate of this model's requests, per second. */
  readonly arrivalRatePerS: number;
  /** Service time of one request when it runs without a switch. */
  readonly service: ServiceTime;
}

export interface FcfsSwitchOptions {
  /** Paid before a request whose model differs from the previous request's (weights/cache reload), ms. Default 0. */
  readonly switchCostMs?: number;
}

/*
 * One queue, one server, arrival order:     λ_1 ─┐
 *                                            λ_2 ─┼─► [ FCFS queue ] ─► executor (S_i, + δ on a model change)
 *                                            λ_3 ─┘
 * The job before a class-i job is the previous arrival, of class j with probability p_j = λ_j/Λ, so a class-i job
 * pays the switch with probability 1 − p_i (over all jobs: Σ p_i(1 − p_i) = 1 − Σ p_i², the edge-cluster paper's
 * form). Effective service S'_i = S_i + δ·Bernoulli(1 − p_i). Treating the S' as independent is the approximation
 * (consecutive switches are correlated); the P-K mean and Takács' second moment then apply to their mixture.
 */
export function fcfsSwitch(classes: readonly FcfsClass[], options: FcfsSwitchOptions = {}): QueueAnalysis {
  const switchCostMs = options.switchCostMs ?? 0;
  const ratesPerMs = classes.map((c) => c.arrivalRatePerS / MS_PER_S);
  const totalRatePerMs = ratesPerMs.reduce((a, b) => a + b, 0);
  const effective = classes.map((c, i) => {
    const switchProbability = totalRatePerMs > 0 ? 1 - (ratesPerMs[i] as number) / totalRatePerMs : 0;
    return addBernoulliDelay(serviceMoments(c.service), switchCostMs, switchProbability);
  });
  const offeredLoad = effective.reduce((acc, m, i) => acc + (ratesPerMs[i] as number) * m.m1, 0);
  if (offeredLoad >= 1) {
    // Saturated: the executor is always busy and serves classes in proportion to their arrivals.
    return {
      stable: false,
      utilization: 1,
      offeredLoad,
      classes: classes.map((c) => ({ stable: false, throughputPerS: c.arrivalRatePerS / offeredLoad })),
    };
  }
  const mix = mixMoments(effective.map((moments, i) => ({ weight: ratesPerMs[i] as number, moments })));
  const slack = 1 - offeredLoad;
  // Pollaczek–Khinchine: E[W] = Λ E[S²] / 2(1 − ρ); Takács: E[W²] = 2 E[W]² + Λ E[S³] / 3(1 − ρ).
  const waitMs = (totalRatePerMs * mix.m2) / (2 * slack);
  const waitSecondMs2 = 2 * waitMs * waitMs + (totalRatePerMs * mix.m3) / (3 * slack);
  return {
    stable: true,
    utilization: offeredLoad,
    offeredLoad,
    classes: classes.map((c, i) => {
      const s = effective[i] as (typeof effective)[number];
      // Response = W + S'_i with the wait independent of the request's own service.
      return stableLatency(waitMs + s.m1, waitSecondMs2 + 2 * waitMs * s.m1 + s.m2, c.arrivalRatePerS);
    }),
  };
}
