// Sends one run's requests: open-loop apps at their scheduled times, closed-loop clients back to back; counts outcomes.

import { setImmediate as yieldToIo, setTimeout as sleep } from 'node:timers/promises';
import type { ArrivalGenerator } from '../sim/arrivals.js';
import { LoadCounters } from './load-counters.js';
import type { PreparedLoadApp } from './prepare-apps.js';
import { REQUEST_TIMEOUT_REASON, type SendOutcome } from './transport.js';

/** Open loop: after this many sends without sleeping (the client is behind schedule), let responses in. */
const SENDS_BETWEEN_YIELDS = 64;

export interface AppRun {
  readonly prepared: PreparedLoadApp;
  readonly counters: LoadCounters;
  readonly maxOutstanding: number;
  outstanding: number;
  maxSendLagMs: number;
}

export interface LoadDriverOptions {
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly requestTimeoutMs: number;
  readonly signal: AbortSignal;
}

/*
 * Time is ms since the run's start (t0). Requests scheduled before warmupMs are sent but not counted. Latency runs
 * from the *scheduled* send time, so a client that falls behind its schedule shows up in latency rather than hiding
 * it (no coordinated omission).
 */
export class LoadDriver {
  readonly overall = new LoadCounters();
  private readonly t0 = performance.now();
  private readonly inFlight = new Set<AbortController>();
  private drained: (() => void) | undefined;
  /** When sending stopped (duration reached or cancelled), ms since t0. */
  sendingEndedMs = 0;

  constructor(private readonly o: LoadDriverOptions) {
    o.signal.addEventListener('abort', () => this.abortAll(), { once: true });
  }

  elapsedMs(): number {
    return performance.now() - this.t0;
  }

  async openLoop(run: AppRun, arrivals: ArrivalGenerator): Promise<void> {
    let sendsSinceSleep = 0;
    for (let next = arrivals.next(); next !== Infinity && !this.o.signal.aborted; next = arrivals.next()) {
      const waitMs = next - this.elapsedMs();
      if (waitMs > 0) {
        if (!(await this.pause(waitMs))) return;
        sendsSinceSleep = 0;
      } else if (++sendsSinceSleep >= SENDS_BETWEEN_YIELDS) {
        await yieldToIo();
        sendsSinceSleep = 0;
      }
      const measured = next >= this.o.warmupMs;
      if (measured) run.maxSendLagMs = Math.max(run.maxSendLagMs, this.elapsedMs() - next);
      if (run.outstanding >= run.maxOutstanding) {
        if (measured) {
          run.counters.droppedByClient++;
          this.overall.droppedByClient++;
        }
        continue;
      }
      void this.dispatch(run, next, measured);
    }
  }

  async closedClient(run: AppRun, thinkMs: number): Promise<void> {
    while (!this.o.signal.aborted) {
      const atMs = this.elapsedMs();
      if (atMs >= this.o.durationMs) return;
      await this.dispatch(run, atMs, atMs >= this.o.warmupMs);
      if (thinkMs > 0 && !(await this.pause(thinkMs))) return;
    }
  }

  /** Resolves once every request sent so far has an outcome (each is bounded by the request timeout). */
  whenDrained(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  private async dispatch(run: AppRun, scheduledMs: number, measured: boolean): Promise<void> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(REQUEST_TIMEOUT_REASON), this.o.requestTimeoutMs);
    this.inFlight.add(ac);
    run.outstanding++;
    if (measured) {
      run.counters.sent++;
      this.overall.sent++;
    }
    let outcome: SendOutcome;
    try {
      outcome = await run.prepared.send(ac.signal);
    } catch (e) {
      // Transports do not throw; this keeps the promise contract if one ever does.
      outcome = { kind: 'error', status: 'client_error', message: e instanceof Error ? e.message : String(e) };
    }
    const latencyMs = this.elapsedMs() - scheduledMs;
    clearTimeout(timer);
    this.inFlight.delete(ac);
    run.outstanding--;
    if (measured) {
      const sloMs = run.prepared.app.sloMs;
      const within = sloMs === undefined || latencyMs <= sloMs;
      run.counters.record(outcome, latencyMs, within);
      this.overall.record(outcome, latencyMs, within);
    }
    if (this.inFlight.size === 0) this.drained?.();
  }

  /** Sleeps; false when the run was cancelled meanwhile. */
  private async pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.o.signal });
      return true;
    } catch {
      return false;
    }
  }

  private abortAll(): void {
    for (const ac of this.inFlight) ac.abort(this.o.signal.reason);
  }
}
