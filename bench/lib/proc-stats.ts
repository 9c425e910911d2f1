// Per-process figures from /proc (Linux): resident memory (current and peak VmHWM), CPU time, child processes.

import { readFileSync, readdirSync } from 'node:fs';

export interface ProcMemory {
  readonly pid: number;
  readonly rssBytes: number;
  /** High-water mark of resident memory since the process started. */
  readonly peakRssBytes: number;
}

function kibField(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m?.[1] === undefined ? Number.NaN : Number(m[1]) * 1024;
}

/** undefined when the process is gone or /proc is not available. */
export function procMemory(pid: number): ProcMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { pid, rssBytes: kibField(status, 'VmRSS'), peakRssBytes: kibField(status, 'VmHWM') };
  } catch {
    return undefined;
  }
}

/** Kernel clock ticks per second (USER_HZ); 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_S = 100;

/** User + system CPU time the process has used so far, µs; undefined when it is gone. */
export function procCpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S) * 1e6;
  } catch {
    return undefined;
  }
}

/** Direct children of `pid` whose command line contains `match` (all children when omitted). */
export function childPids(pid: number, match?: string): number[] {
  const pids: number[] = [];
  try {
    // Each thread lists the children it forked; libuv may spawn from any of them.
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text !== '') pids.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    return [];
  }
  if (match === undefined) return pids;
  return pids.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(match);
    } catch {
      return false;
    }
  });
}
