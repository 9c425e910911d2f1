// How much slower than profiled the models on one kind of executor run right now: contention for the machine's cores
// (other workers, the front end, other processes) slows every model at once, the rarely run ones too.

/** Weight of the newest observation, from any model, in the shared factor. */
const ALPHA = 0.1;

/**
 * A moving average of observed ÷ profiled executor time over the recent runs of every model version that shares it.
 * A version's own cost estimate is this factor times the version's own bias (how it deviates from the others), so a
 * version that has not run for a while is predicted at today's contention, not at the one of its last run.
 */
export class SharedSlowdown {
  private f = 1;

  /** Current observed ÷ profiled ratio (1 until anything has run). */
  get factor(): number {
    return this.f;
  }

  observe(ratio: number): void {
    if (!(ratio > 0) || !Number.isFinite(ratio)) return;
    this.f += ALPHA * (ratio - this.f);
  }
}
