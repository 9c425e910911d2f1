// Fresh resident-memory readings of a worker process, for the profiler's memory-growth figure.

import { readFile } from 'node:fs/promises';

/** What the profiler needs of a pooled worker: its pid and the RSS its last ping reported. */
export interface RssSource {
  readonly pid: number | undefined;
  readonly rssBytes: number | undefined;
}

/**
 * The worker's resident memory now, from /proc/<pid>/status where there is one (Linux), otherwise the value of its
 * last ping (up to one ping interval old); undefined when neither is known.
 */
export async function workerRssBytes(worker: RssSource): Promise<number | undefined> {
  if (worker.pid !== undefined) {
    try {
      const status = await readFile(`/proc/${worker.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
      if (kb !== undefined) return Number(kb) * 1024;
    } catch {
      // no procfs (macOS) or the process just went away: fall back to the ping value
    }
  }
  return worker.rssBytes;
}
