// Resident memory of a process from /proc (Linux): current RSS and the peak (VmHWM), and its child processes.

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
