// Random variates (exponential, normal, gamma, lognormal) drawn from any seeded uniform source.

/** A uniform [0, 1) source; SeededRandom (xoshiro128**) is the one the simulator uses. */
export interface UniformSource {
  nextFloat(): number;
}

/** Exponential with the given mean; 0 for a zero mean. */
export function exponential(rng: UniformSource, mean: number): number {
  // 1 − u lies in (0, 1], so the log is finite.
  return -Math.log(1 - rng.nextFloat()) * mean;
}

/** Standard normal by Box–Muller (one value per call: keeps the generator stateless). */
export function standardNormal(rng: UniformSource): number {
  const r = Math.sqrt(-2 * Math.log(1 - rng.nextFloat()));
  return r * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** Gamma(shape, scale) by Marsaglia–Tsang; shapes below 1 use the u^(1/shape) boost. */
export function gamma(rng: UniformSource, shape: number, scale: number): number {
  if (shape < 1) return gamma(rng, shape + 1, scale) * Math.pow(1 - rng.nextFloat(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(rng);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = 1 - rng.nextFloat();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/** Gamma with the given mean and squared coefficient of variation (scv 1 is exponential). */
export function gammaMeanScv(rng: UniformSource, mean: number, scv: number): number {
  return gamma(rng, 1 / scv, mean * scv);
}

/** Lognormal with the given mean and squared coefficient of variation. */
export function lognormalMeanScv(rng: UniformSource, mean: number, scv: number): number {
  const sigma2 = Math.log(1 + scv);
  return Math.exp(Math.log(mean) - sigma2 / 2 + Math.sqrt(sigma2) * standardNormal(rng));
}
