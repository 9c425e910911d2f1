// Embedded Markov chain of the dynamic batcher at batch departures: transition band and its stationary distribution.

/** ln of the relative size (to the peak) below which a decreasing pmf tail is cut: e^(−39) ≈ 1e-17. */
const PMF_CUTOFF_LOG = -39;
/** Stationary mass allowed in the top states of the truncated chain before it is enlarged. */
const TRUNCATION_MASS = 1e-10;
/** Stationary tail decays like e^(−θ n); e^(−35) ≈ 6e-16 sizes the first truncation. */
const TAIL_DECAY_EXPONENT = 35;
export const MIN_STATES = 64;

/**
 * Stationary distribution of X = requests waiting when a batch completes, for arrival rate `lambdaPerMs`, batch
 * times of mean `meanMs[b − 1]` and scv `scvs[b − 1]`, max batch B = meanMs.length. Truncated at N states, N grown
 * (doubling, up to `maxStates`) until the top states hold < 1e-10. Requires λ L(B) < B.
 */
export function batchingChain(lambdaPerMs: number, meanMs: readonly number[], scvs: readonly number[], maxStates: number): Float64Array {
  const maxBatch = meanMs.length;
  const pmfs = meanMs.map((m, i) => arrivalPmf(lambdaPerMs * m, scvs[i] as number, maxStates));
  const width = Math.max(...pmfs.map((p) => p.length - 1));
  const meanFull = lambdaPerMs * (meanMs[maxBatch - 1] as number);
  const varianceFull = meanFull + meanFull * meanFull * (scvs[maxBatch - 1] as number);
  // Drift B − λL(B) against the variance of arrivals per batch gives the geometric decay rate of the tail.
  const decayPerState = (2 * (maxBatch - meanFull)) / Math.max(varianceFull, 1e-12);
  let states = Math.min(
    maxStates,
    Math.max(MIN_STATES, 2 * maxBatch + width + 1, Math.ceil(maxBatch + width + TAIL_DECAY_EXPONENT / decayPerState)),
  );
  let pi = stationary(pmfs, maxBatch, width, states);
  while (topMass(pi, maxBatch) > TRUNCATION_MASS && states < maxStates) {
    states = Math.min(maxStates, states * 2);
    pi = stationary(pmfs, maxBatch, width, states);
  }
  return pi;
}

/** Batch size the batcher takes from state x (x waiting; after an idle spell a lone request starts at once). */
export function batchSizeAt(x: number, maxBatch: number): number {
  return x === 0 ? 1 : Math.min(x, maxBatch);
}

/**
 * Distribution of arrivals during one batch: Poisson(mean) for a deterministic batch time, negative binomial
 * (Poisson mixed over a gamma batch time) otherwise. Built by the ratio recurrence in log space (no underflow), cut
 * where the decreasing tail drops below 1e-17 of the mass, and normalized.
 */
function arrivalPmf(mean: number, scv: number, maxLength: number): Float64Array {
  const logs: number[] = [];
  const mixed = scv > 1e-9;
  const shape = mixed ? 1 / scv : 0;
  const q = mixed ? (mean * scv) / (1 + mean * scv) : 0;
  if (mean <= 0) return Float64Array.of(1);
  let logP = mixed ? shape * Math.log1p(-q) : -mean;
  let peak = logP;
  for (let a = 0; a < maxLength; a++) {
    logs.push(logP);
    peak = Math.max(peak, logP);
    if (a > mean && logP < peak + PMF_CUTOFF_LOG) break;
    // p(a + 1) / p(a): μ / (a + 1) for Poisson, q (a + k) / (a + 1) for the negative binomial.
    logP += mixed ? Math.log(q) + Math.log((a + shape) / (a + 1)) : Math.log(mean / (a + 1));
  }
  const out = Float64Array.from(logs, (l) => Math.exp(l - peak));
  const total = out.reduce((acc, v) => acc + v, 0);
  return out.map((v) => v / total);
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
    const b = batchSizeAt(x, maxBatch);
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

