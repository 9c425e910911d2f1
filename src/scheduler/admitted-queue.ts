// A model's queued requests as admission control reads them: the predicted work due by a deadline, the slack the
// admitted ones have left, and the delay a request that overtakes them adds. Shared by the server (VersionRuntime)
// and the simulator's 'edf' executors, so both admit on the same arithmetic.

/** A queued request: its rows and deadline, and the prediction it was admitted on (none: best effort, no SLO). */
export interface QueuedAdmission {
  readonly rows: number;
  readonly deadlineAtMs: number;
  readonly admitted?: { doneAtMs: number; readonly marginMs: number } | undefined;
}

/** Predicted executor-ms of the queued rows due at or before `deadlineAtMs`, run as full batches of `maxBatchSize`. */
export function backlogAsBatchesMs(queued: Iterable<QueuedAdmission>, deadlineAtMs: number, maxBatchSize: number, predictBatchMs: (rows: number) => number): number {
  let rows = 0;
  for (const p of queued) if (p.deadlineAtMs <= deadlineAtMs) rows += p.rows;
  if (rows === 0) return 0;
  const maxB = Math.max(1, maxBatchSize);
  const full = Math.floor(rows / maxB);
  const rest = rows - full * maxB;
  return full * predictBatchMs(maxB) + (rest > 0 ? predictBatchMs(rest) : 0);
}

/**
 * Least slack (deadline − predicted completion − margin) among the queued requests admitted on a prediction and due
 * after `deadlineAtMs`: how much a request due then may delay them. Infinity when there are none. Requests not
 * admitted on a prediction (best effort) have no promise to keep; demoted ones have deadline Infinity.
 */
export function slackAfterMs(queued: Iterable<QueuedAdmission>, deadlineAtMs: number): number {
  let least = Infinity;
  for (const p of queued) {
    if (p.admitted === undefined || p.deadlineAtMs <= deadlineAtMs) continue;
    least = Math.min(least, p.deadlineAtMs - p.admitted.doneAtMs - p.admitted.marginMs);
  }
  return least;
}

/** A request due at `deadlineAtMs` was admitted ahead of the admitted ones due later: each finishes `delayMs` later. */
export function delayAfter(queued: Iterable<QueuedAdmission>, deadlineAtMs: number, delayMs: number): void {
  for (const p of queued) if (p.admitted !== undefined && p.deadlineAtMs > deadlineAtMs) p.admitted.doneAtMs += delayMs;
}
