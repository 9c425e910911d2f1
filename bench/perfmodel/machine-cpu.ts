// Whole-machine CPU time from /proc/stat, to tell how much of the cores other processes took during a window.

import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ), as in bench/lib/proc-stats.ts. */
const CLOCK_TICKS_PER_S = 100;

/** Busy CPU time of all cores together since boot (everything but idle and iowait), µs; NaN without /proc. */
export function machineBusyUs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return ((total - idle) / CLOCK_TICKS_PER_S) * 1e6;
  } catch {
    return Number.NaN;
  }
}
