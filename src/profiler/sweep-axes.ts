// The axes of a profiling sweep: batch sizes and intra-op thread counts, powers of two up to a limit.

/** 1, 2, 4, … up to `max`, plus `max` itself when it is not a power of two; [1] when max < 1. */
export function powersOfTwoUpTo(max: number): number[] {
  const out: number[] = [];
  for (let v = 1; v <= max; v *= 2) out.push(v);
  const top = Math.floor(max);
  if (top > 1 && out[out.length - 1] !== top) out.push(top);
  return out.length === 0 ? [1] : out;
}

/** Batch sizes a sweep visits for a model whose largest batch is `maxBatchSize` (0: no batching → [1]). */
export function batchSizesUpTo(maxBatchSize: number): number[] {
  return powersOfTwoUpTo(maxBatchSize);
}

/** Intra-op thread counts a sweep visits on a machine (or quota) of `cores` cores. */
export function threadCountsUpTo(cores: number): number[] {
  return powersOfTwoUpTo(cores);
}
