// One model behind the Triton-style dynamic batcher (max batch B, no queue delay): exact embedded Markov chain at batch departures.

import { logGamma } from './gamma-distribution.js';
import { stableLatencyThreeMoments } from './response-time.js';
import { serviceMoments } from './service-distribution.js';
import { MS_PER_S, type QueueAnalysis, type RawMoments, type ServiceTime } from './types.js';

export interface BatchingQueueInput {
  /** Poisson arrival rate of one-row requests, per second, over all instances. */
  readonly arrivalRatePerS: number;
  /** Largest batch, rows (the batcher's maxBatchSize). */
  readonly maxBatchSize: number;
  /** Service time of one batch of `batchSize` rows on one instance (e.g. `serviceFromFit(curve, b, cores, scv)`). */
  readonly batchService: (batchSize: number) => ServiceTime;
  /** Instances, each on its own executor, fed by random split of the arrivals. Default 1. */
  readonly instances?: number;
}

export interface BatchingOptions {
  /** Largest truncation of the queue-length chain, states. Default 32768 (enough for load ≤ 0.999). */
  readonly maxStates?: number;
}

export interface BatchingAnalysis extends QueueAnalysis {
  /** max over b ≤ B of b / L(b), over all instances, requests per second. */
  readonly capacityPerS: number;
  /** Mean rows per batch. */
  readonly meanBatchSize: number;
  /** Fraction of batches that have b rows, at index b − 1. */
  readonly batchSizeProbabilities: readonly number[];
  /** Batches run per second over all instances. */
  readonly batchRatePerS: number;
}

const DEFAULT_MAX_STATES = 1 << 15;
/** Probability mass beyond the truncation that is ignored when tabulating arrivals per batch. */
const PMF_TAIL = 1e-14;
/** Stationary mass allowed in the top states of the truncated chain before it is enlarged. */
const TRUNCATION_MASS = 1e-10;
/** Stationary tail decays like e^(−θ n); e^(−35) ≈ 6e-16 sizes the first truncation. */
const TAIL_DECAY_EXPONENT = 35;
const MIN_STATES = 64;

/** max over b ≤ maxBatchSize of b / L(b), times instances: the most requests per second the batcher can sustain. */
export function batchingCapacityPerS(batchService: (batchSize: number) => ServiceTime, maxBatchSize: number, instances = 1): number {
  let best = 0;
  for (let b = 1; b <= Math.max(1, Math.floor(maxBatchSize)); b++) {
    const ms = batchService(b).meanMs;
    if (ms > 0) best = Math.max(best, b / ms);
  }
  return best * MS_PER_S * instances;
}

/*
 * Method (exact for Poisson arrivals, i.i.d. batch times given b, one-row requests of one shape, k = 1):
 * X_n = requests waiting when batch n completes. The next batch takes b = min(X_n, B) (b = 1 after an idle spell,
 * since delay 0 starts a lone request at once) and X_{n+1} = X_n − b + A_b, where A_b counts arrivals during
 * L(b): Poisson(λ L) for deterministic L, negative binomial for gamma L. The chain is truncated at N states
 * (grown until the top states hold < 1e-10) and solved by GTH state reduction on its band, O(N · W · B).
 * Latency moments by the distributional form of Little's law (requests leave in arrival order and a request's
 * latency does not depend on later arrivals): the arrivals during a request's latency T are those left waiting at
 * its batch's departure plus its later batch-mates, N, so E[T] = E[N] / λ and E[T²] = E[N(N − 1)] / λ².
 * Percentiles from the gamma with those two moments (approximate). k > 1 instances: arrivals split at random, λ/k
 * each (conservative versus one shared queue).
 */
export function batchingQueue(input: BatchingQueueInput, options: BatchingOptions = {}): BatchingAnalysis {
  const instances = Math.max(1, Math.floor(input.instances ?? 1));
  const maxBatch = Math.max(1, Math.floor(input.maxBatchSize));
  const moments: RawMoments[] = [];
  const scvs: number[] = [];
  for (let b = 1; b <= maxBatch; b++) {
    const s = input.batchService(b);
    moments.push(serviceMoments(s));
    scvs.push(s.scv);
  }
  const capacityPerS = batchingCapacityPerS(input.batchService, maxBatch, instances);
  const lambdaPerMs = input.arrivalRatePerS / instances / MS_PER_S;
  const single = moments[0] as RawMoments;
  if (lambdaPerMs <= 0) {
    return {
      stable: true,
      utilization: 0,
      offeredLoad: 0,
      classes: [stableLatencyThreeMoments(single.m1, single.m2, single.m3, 0)],
      capacityPerS,
      meanBatchSize: 1,
      batchSizeProbabilities: probabilitiesAt(1, maxBatch),
      batchRatePerS: 0,
    };
  }
  const full = moments[maxBatch - 1] as RawMoments;
  // When backlogged the batcher always takes B rows, so B / L(B) is what it sustains.
  const saturatedPerMs = maxBatch / full.m1;
  const offeredLoad = lambdaPerMs / saturatedPerMs;
  if (offeredLoad >= 1) {
    return {
      stable: false,
      utilization: 1,
      offeredLoad,
      classes: [{ stable: false, throughputPerS: saturatedPerMs * MS_PER_S * instances }],
      capacityPerS,
      meanBatchSize: maxBatch,
      batchSizeProbabilities: probabilitiesAt(maxBatch, maxBatch),
      batchRatePerS: (saturatedPerMs / maxBatch) * MS_PER_S * instances,
    };
  }
  const maxStates = Math.max(MIN_STATES, options.maxStates ?? DEFAULT_MAX_STATES);
  const pmfs = moments.map((m, i) => arrivalPmf(lambdaPerMs * m.m1, scvs[i] as number, maxStates));
  const width = Math.max(...pmfs.map((p) => p.length - 1));
  const meanFull = lambdaPerMs * full.m1;
  const varianceFull = meanFull + meanFull * meanFull * (scvs[maxBatch - 1] as number);
  const decayPerState = (2 * (maxBatch - meanFull)) / Math.max(varianceFull, 1e-12);
  let states = Math.min(maxStates, Math.max(MIN_STATES, 2 * maxBatch + width + 1, Math.ceil(maxBatch + width + TAIL_DECAY_EXPONENT / decayPerState)));
  let pi = stationary(pmfs, maxBatch, width, states);
  while (topMass(pi, maxBatch) > TRUNCATION_MASS && states < maxStates) {
    states = Math.min(maxStates, states * 2);
    pi = stationary(pmfs, maxBatch, width, states);
  }
  return summarize(pi, moments, maxBatch, lambdaPerMs, instances, capacityPerS, offeredLoad);
}

function probabilitiesAt(batchSize: number, maxBatch: number): number[] {
  return Array.from({ length: maxBatch }, (_, i) => (i === batchSize - 1 ? 1 : 0));
}

/** Distribution of arrivals during one batch: Poisson(mean) or, for gamma batch times, negative binomial; tail folded into the last cell. */
function arrivalPmf(mean: number, scv: number, maxLength: number): Float64Array {
  const out: number[] = [];
  let cumulative = 0;
  const gammaMixed = scv > 1e-9;
  const shape = gammaMixed ? 1 / scv : 0;
  const q = gammaMixed ? (mean * scv) / (1 + mean * scv) : 0;
  const logShapeNorm = gammaMixed ? logGamma(shape) : 0;
  for (let a = 0; a < maxLength; a++) {
    const logP = gammaMixed
      ? logGamma(a + shape) - logShapeNorm - logGamma(a + 1) + shape * Math.log1p(-q) + (a > 0 ? a * Math.log(q) : 0)
      : mean > 0
        ? a * Math.log(mean) - mean - logGamma(a + 1)
        : a === 0
          ? 0
          : -Infinity;
    const p = Math.exp(logP);
    out.push(p);
    cumulative += p;
    if (cumulative >= 1 - PMF_TAIL && a >= mean) break;
  }
  out[out.length - 1] = (out[out.length - 1] as number) + Math.max(0, 1 - cumulative);
  return Float64Array.from(out);
}

/*
 * Band storage of the transition matrix: row i keeps columns i − B … i + W (a batch removes at most B waiting
 * requests, at most W arrive), so P[i][j] lives at band[i·(B + W + 1) + (j − i + B)]. GTH elimination of state n
 * only touches rows n − W … n − 1 and columns n − B … n − 1, so the band never fills in.
 */
function stationary(pmfs: readonly Float64Array[], maxBatch: number, width: number, states: number): Float64Array {
  const stride = maxBatch + width + 1;
  const band = new Float64Array(states * stride);
  const at = (i: number, j: number): number => i * stride + (j - i + maxBatch);
  for (let x = 0; x < states; x++) {
    const b = x === 0 ? 1 : Math.min(x, maxBatch);
    const base = x === 0 ? 0 : x - b;
    const pmf = pmfs[b - 1] as Float64Array;
    for (let a = 0; a < pmf.length; a++) {
      const y = Math.min(base + a, states - 1);
      band[at(x, y)] = (band[at(x, y)] as number) + (pmf[a] as number);
    }
  }
  const down = new Float64Array(states);
  for (let n = states - 1; n >= 1; n--) {
    const jLow = Math.max(0, n - maxBatch);
    let s = 0;
    for (let j = jLow; j < n; j++) s += band[at(n, j)] as number;
    s = Math.max(s, Number.MIN_VALUE);
    down[n] = s;
    for (let i = Math.max(0, n - width); i < n; i++) {
      const pin = band[at(i, n)] as number;
      if (pin === 0) continue;
      const f = pin / s;
      const rowI = at(i, 0);
      const rowN = at(n, 0);
      for (let j = jLow; j < n; j++) band[rowI + j] = (band[rowI + j] as number) + f * (band[rowN + j] as number);
    }
  }
  const pi = new Float64Array(states);
  pi[0] = 1;
  let total = 1;
  for (let n = 1; n < states; n++) {
    let acc = 0;
    for (let i = Math.max(0, n - width); i < n; i++) acc += (pi[i] as number) * (band[at(i, n)] as number);
    pi[n] = acc / (down[n] as number);
    total += pi[n] as number;
  }
  for (let n = 0; n < states; n++) pi[n] = (pi[n] as number) / total;
  return pi;
}

function topMass(pi: Float64Array, maxBatch: number): number {
  let mass = 0;
  for (let n = Math.max(0, pi.length - Math.max(maxBatch, 8)); n < pi.length; n++) mass += pi[n] as number;
  return mass;
}

function summarize(
  pi: Float64Array,
  moments: readonly RawMoments[],
  maxBatch: number,
  lambdaPerMs: number,
  instances: number,
  capacityPerS: number,
  offeredLoad: number,
): BatchingAnalysis {
  const batchProbabilities = new Array<number>(maxBatch).fill(0);
  let cycleMs = 0;
  let busyMs = 0;
  let requestWeight = 0;
  let arrivalsDuring = 0; // E[N] × requestWeight
  let arrivalsDuringSq = 0; // E[N²] × requestWeight
  let arrivalsDuringCube = 0; // E[N³] × requestWeight
  for (let x = 0; x < pi.length; x++) {
    const p = pi[x] as number;
    if (p === 0) continue;
    const b = x === 0 ? 1 : Math.min(x, maxBatch);
    const base = x === 0 ? 0 : x - b;
    const s = moments[b - 1] as RawMoments;
    batchProbabilities[b - 1] = (batchProbabilities[b - 1] as number) + p;
    cycleMs += p * ((x === 0 ? 1 / lambdaPerMs : 0) + s.m1);
    busyMs += p * s.m1;
    // Left waiting at departure: X = base + A, whose factorial moments are λ^k E[L^k]; later batch-mates U ~ U{0..b−1}.
    const f1 = lambdaPerMs * s.m1;
    const f2 = lambdaPerMs ** 2 * s.m2;
    const f3 = lambdaPerMs ** 3 * s.m3;
    const ea2 = f2 + f1;
    const ea3 = f3 + 3 * f2 + f1;
    const ex = base + f1;
    const ex2 = base * base + 2 * base * f1 + ea2;
    const ex3 = base ** 3 + 3 * base * base * f1 + 3 * base * ea2 + ea3;
    const eu = (b - 1) / 2;
    const eu2 = ((b - 1) * (2 * b - 1)) / 6;
    const eu3 = ((b - 1) * (b - 1) * b) / 4;
    const w = p * b;
    requestWeight += w;
    arrivalsDuring += w * (ex + eu);
    arrivalsDuringSq += w * (ex2 + 2 * ex * eu + eu2);
    arrivalsDuringCube += w * (ex3 + 3 * ex2 * eu + 3 * ex * eu2 + eu3);
  }
  const en = arrivalsDuring / requestWeight;
  const en2 = arrivalsDuringSq / requestWeight;
  const en3 = arrivalsDuringCube / requestWeight;
  // Factorial moments of the Poisson count over T: E[N(N−1)…(N−k+1)] = λ^k E[T^k].
  const meanMs = en / lambdaPerMs;
  const secondMs2 = Math.max(meanMs * meanMs, (en2 - en) / lambdaPerMs ** 2);
  const thirdMs3 = (en3 - 3 * en2 + 2 * en) / lambdaPerMs ** 3;
  return {
    stable: true,
    utilization: Math.min(1, busyMs / cycleMs),
    offeredLoad,
    classes: [stableLatencyThreeMoments(meanMs, secondMs2, thirdMs3, lambdaPerMs * MS_PER_S * instances)],
    capacityPerS,
    meanBatchSize: requestWeight,
    batchSizeProbabilities: batchProbabilities,
    batchRatePerS: (MS_PER_S * instances) / cycleMs,
  };
}
