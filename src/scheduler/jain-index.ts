// Jain's fairness index of a set of allocations (shares of device time, throughputs): 1 is perfectly fair.

/**
 * (Σx)² / (n·Σx²) for non-negative allocations: 1 when all are equal, 1/n when one gets everything.
 * Empty and all-zero input return 1 (nobody got more than anybody else).
 */
export function jainIndex(xs: readonly number[]): number {
  let sum = 0;
  let sumSq = 0;
  for (const x of xs) {
    sum += x;
    sumSq += x * x;
  }
  return sumSq === 0 ? 1 : (sum * sum) / (xs.length * sumSq);
}
