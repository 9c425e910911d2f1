// Shares of device time and how far they are from their targets: normalising, relative errors, useful work.

/** Each value's fraction of the sum (all 0 when the sum is not positive). */
export function sharesOf(values: readonly number[]): number[] {
  const total = values.reduce((a, b) => a + Math.max(0, b), 0);
  return values.map((v) => (total > 0 ? Math.max(0, v) / total : 0));
}

/** max_i |share_i − target_i| / target_i: the worst relative miss (0.05 = 5% off its target). */
export function maxRelativeError(shares: readonly number[], targets: readonly number[]): number {
  if (shares.length !== targets.length) throw new Error(`${shares.length} shares but ${targets.length} targets`);
  let worst = 0;
  shares.forEach((s, i) => {
    const t = targets[i] as number;
    if (t > 0) worst = Math.max(worst, Math.abs(s - t) / t);
  });
  return worst;
}

/**
 * Σ_i thr_i / thrAlone_i: the device time the served requests would have taken run exclusively, per second
 * (1 = the device did as much useful work as back-to-back exclusive runs). NaN when an alone rate is missing.
 */
export function usefulWorkFraction(throughputPerS: readonly number[], aloneThroughputPerS: readonly number[]): number {
  if (throughputPerS.length !== aloneThroughputPerS.length) throw new Error('throughput lists differ in length');
  return throughputPerS.reduce((sum, thr, i) => {
    const alone = aloneThroughputPerS[i] as number;
    return sum + (alone > 0 ? thr / alone : Number.NaN);
  }, 0);
}

/** Device time each model got, estimated as throughput × its exclusive per-request cost (1 / its alone throughput). */
export function exclusiveTimeShares(throughputPerS: readonly number[], aloneThroughputPerS: readonly number[]): number[] {
  return sharesOf(throughputPerS.map((thr, i) => {
    const alone = aloneThroughputPerS[i] as number;
    return alone > 0 ? thr / alone : 0;
  }));
}
