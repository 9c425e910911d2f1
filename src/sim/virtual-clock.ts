// Simulated time: a Clock the simulator moves forward event by event, so clock-driven policies run unchanged.

import type { Clock } from '../core/clock.js';
import { ServingError } from '../core/errors.js';

export class VirtualClock implements Clock {
  private t: number;

  constructor(startMs = 0) {
    this.t = startMs;
  }

  nowMs(): number {
    return this.t;
  }

  /** Jumps to the next event's time; time never runs backwards (that would mean a mis-ordered event). */
  advanceTo(timeMs: number): void {
    if (timeMs < this.t) throw new ServingError('INTERNAL', `virtual clock moved backwards from ${this.t} ms to ${timeMs} ms`);
    this.t = timeMs;
  }
}
