// Time source injected into pure policy modules so the live server and the simulator share their code.

export interface Clock {
  /** Monotonic milliseconds (fractional). */
  nowMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
};

/** A clock tests and the simulator move by hand. */
export class ManualClock implements Clock {
  private t: number;
  constructor(startMs = 0) {
    this.t = startMs;
  }
  nowMs(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}
