// Runs an executor's calls one at a time. Unranked calls run in arrival order. Ranked calls waiting together (after the
// last unranked call still waiting) run in the device arbiter's order: lowest class, then the group with the lowest
// tag among its waiting calls, then that group's call with the lowest tag; ties in arrival order.

import type { RunRank } from './executor.js';

interface Entry {
  readonly rank: RunRank | undefined;
  /** Arrival number, for ties. */
  readonly seq: number;
  readonly start: () => void;
}

export interface SerialQueueOptions {
  /**
   * Start the next call only after the event loop has read pending I/O (a worker: its calls block the thread, so
   * requests that arrived during one wait unread in the socket; read first, a lower-ranked one among them can go next).
   * Default false: the next call starts as soon as the previous one settles.
   */
  readonly readBeforeNext?: boolean;
  /**
   * With readBeforeNext: while this returns true for the rank of the call that would run next (a request that
   * ranks ahead of it is partly received), keep reading before starting it, for at most `holdMaxMs` per call.
   * Default: never hold.
   */
  readonly holdWhile?: (next: RunRank | undefined) => boolean;
  /** Longest hold before one call, ms (default 2). */
  readonly holdMaxMs?: number;
}

export class SerialQueue {
  private readonly queued: Entry[] = [];
  /** A call is running, or one has settled and the next is about to start. */
  private running = false;
  private seq = 0;

  constructor(private readonly options: SerialQueueOptions = {}) {}

  /** Calls waiting, not counting the one running. */
  get waiting(): number {
    return this.queued.length;
  }

  /**
   * Queues `fn`; settles as it does. With a `rank`, it may go ahead of ranked calls waiting since the last unranked
   * one (never ahead of an unranked call, so those are never starved).
   */
  push<T>(fn: () => Promise<T>, rank?: RunRank): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        rank,
        seq: this.seq++,
        start: () => {
          let result: Promise<T>;
          try {
            result = fn();
          } catch (err) {
            result = Promise.reject(err as Error);
          }
          // The next call is under way before this one's caller resumes: a call the caller then queues waits behind it.
          result.then(
            (value) => {
              this.release();
              resolve(value);
            },
            (err: unknown) => {
              this.release();
              reject(err);
            },
          );
        },
      };
      this.queued.push(entry);
      if (!this.running) this.next();
    });
  }

  private release(): void {
    if (this.options.readBeforeNext !== true) return this.next();
    const holdUntil = performance.now() + (this.options.holdMaxMs ?? 2);
    const read = (): void => {
      // Each turn of the event loop reads what the sockets hold; a request mid-way through arrives over a few turns.
      const at = nextIndex(this.queued);
      const next = at === -1 ? undefined : this.queued[at]?.rank;
      if (this.options.holdWhile?.(next) === true && performance.now() < holdUntil) setImmediate(read);
      else this.next();
    };
    setImmediate(read);
  }

  private next(): void {
    const at = nextIndex(this.queued);
    const entry = at === -1 ? undefined : (this.queued.splice(at, 1)[0] as Entry);
    this.running = entry !== undefined;
    entry?.start();
  }
}

/** Index of the call to run next: the first if unranked, else the arbiter's choice among the ranked ones before the first unranked. */
function nextIndex(queued: readonly Entry[]): number {
  if (queued.length === 0) return -1;
  if (queued[0]?.rank === undefined) return 0;
  let end = queued.findIndex((e) => e.rank === undefined);
  if (end === -1) end = queued.length;
  let cls = Infinity;
  for (let i = 0; i < end; i++) cls = Math.min(cls, (queued[i] as Entry & { rank: RunRank }).rank.cls);
  // Per group: its lowest group tag (its place among groups) and its call with the lowest tag.
  const groups = new Map<string, { groupTag: number; firstSeq: number; best: number }>();
  for (let i = 0; i < end; i++) {
    const e = queued[i] as Entry & { rank: RunRank };
    if (e.rank.cls !== cls) continue;
    const g = groups.get(e.rank.group);
    if (g === undefined) {
      groups.set(e.rank.group, { groupTag: e.rank.groupTag, firstSeq: e.seq, best: i });
      continue;
    }
    g.groupTag = Math.min(g.groupTag, e.rank.groupTag);
    const best = queued[g.best] as Entry & { rank: RunRank };
    if (e.rank.tag < best.rank.tag) g.best = i;
  }
  let pick: { groupTag: number; firstSeq: number; best: number } | undefined;
  for (const g of groups.values()) {
    if (pick === undefined || g.groupTag < pick.groupTag || (g.groupTag === pick.groupTag && g.firstSeq < pick.firstSeq)) pick = g;
  }
  return (pick as { best: number }).best;
}
