// Predicted wait before new work starts on a set of executors: running work finishes, queued work fills the earliest.

/**
 * Executor i is busy for `busyMs[i]` more ms with work already running; `queuedMs` executor-ms of queued work runs
 * ahead of the new request. Work flows to whichever executor frees up first (a fluid list schedule), so the new
 * request can start at the smallest t with
 *
 *   Σ_i max(0, t − busyMs[i]) ≥ queuedMs
 *
 * (water filling: the queue fills the idle gaps of the least busy executors first). With every executor idle this
 * is queuedMs / n, the even spread; with one long batch running on one of two executors and nothing queued it is 0,
 * not half that batch. Returns Infinity when there is no executor. O(n log n) in executors.
 */
export function startAfterMs(busyMs: readonly number[], queuedMs: number): number {
  const n = busyMs.length;
  if (n === 0) return Infinity;
  const r = busyMs.map((b) => Math.max(0, b)).sort((a, b) => a - b);
  const q = Math.max(0, queuedMs);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += r[k - 1] as number;
    const t = (q + sum) / k;
    if (k === n || t <= (r[k] as number)) return Math.max(t, r[0] as number);
  }
  return Infinity;
}
