// Gamma distribution numerics (log-gamma, regularized incomplete gamma, quantile) used to read tail percentiles off two moments.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const EPS = 1e-15;
const TINY = 1e-300;
const MAX_SERIES_TERMS = 100_000;
/** Above this shape the Wilson–Hilferty cube-root normal approximation is accurate to ~1e-7 relative. */
const WILSON_HILFERTY_SHAPE = 1e5;

/** ln Γ(x) for x > 0 (Lanczos, ~15 digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a): the CDF of a unit-scale gamma with shape a. */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series: converges fast below the mean.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_SERIES_TERMS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.min(1, sum * Math.exp(logPrefix));
  }
  // Continued fraction for Q = 1 − P (modified Lentz): converges fast above the mean.
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_SERIES_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.max(0, 1 - Math.exp(logPrefix) * h);
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: readonly number[], x: number): number => k.reduce((acc, v) => acc * x + v, 0);
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** p-quantile of a unit-scale gamma with the given shape (p in (0, 1)). Safeguarded Newton on P(a, x) = p. */
export function gammaQuantileUnitScale(shape: number, p: number): number {
  const z = normalQuantile(p);
  const wh = shape * (1 - 1 / (9 * shape) + z / (3 * Math.sqrt(shape))) ** 3;
  if (shape > WILSON_HILFERTY_SHAPE) return Math.max(0, wh);
  let x = wh > 0 ? wh : Math.exp((Math.log(p) + logGamma(shape + 1)) / shape);
  let lo = 0;
  let hi = Math.max(x, shape, 1) * 2;
  while (regularizedGammaP(shape, hi) < p) hi *= 2;
  const logNorm = logGamma(shape);
  for (let iter = 0; iter < 200; iter++) {
    if (!(x > lo && x < hi)) x = (lo + hi) / 2;
    const f = regularizedGammaP(shape, x) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const density = Math.exp((shape - 1) * Math.log(x) - x - logNorm);
    let next = x - f / density;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-13 * x || hi - lo <= 1e-13 * hi) return next;
    x = next;
  }
  return x;
}

/** p-quantile of a gamma with this mean and squared coefficient of variation; scv 0 is the point mass at the mean. */
export function gammaQuantile(mean: number, scv: number, p: number): number {
  if (mean <= 0) return 0;
  if (scv <= 1e-12) return mean;
  return mean * scv * gammaQuantileUnitScale(1 / scv, p);
}
