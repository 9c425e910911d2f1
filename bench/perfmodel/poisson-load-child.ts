// Load generator child: open-loop Poisson arrivals per model against the live server, latency per model.

import { SeededRandom, hashString } from '../../src/onnx/seeded-random.js';
import { childTaskEntry, ownCpuUs } from '../lib/child-task-entry.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import { InferClient } from './infer-client.js';
import type { LoadChildResult, PoissonLoadConfig, StreamResult } from './load-types.js';

/** Measured requests still unanswered this long after the window closed are counted as failed, ms. */
const DRAIN_TIMEOUT_MS = 30_000;

interface StreamState {
  readonly model: string;
  readonly meanGapMs: number;
  readonly rng: SeededRandom;
  nextAtMs: number;
  sent: number;
  completed: number;
  failed: number;
  skipped: number;
  latenessSumMs: number;
  maxLatenessMs: number;
  firstError?: string;
  readonly hist: LatencyHistogram;
}

const exponentialMs = (rng: SeededRandom, meanMs: number): number => -Math.log(1 - rng.nextFloat()) * meanMs;

childTaskEntry<PoissonLoadConfig, LoadChildResult>(async (c, ctx) => {
  const client = new InferClient(c.port, c.maxInFlight);
  const bodies = new Map<string, Awaited<ReturnType<InferClient['bodyFor']>>>();
  for (const s of c.streams) if (!bodies.has(s.model)) bodies.set(s.model, await client.bodyFor(s.model));

  const startMs = performance.now();
  const windowFromMs = startMs + c.warmupMs;
  const windowToMs = windowFromMs + c.durationMs;
  const streams: StreamState[] = c.streams.map((s, i) => {
    const rng = new SeededRandom(hashString(`${c.seed}/${i}/${s.model}`));
    const meanGapMs = 1000 / s.ratePerS;
    return {
      model: s.model, meanGapMs, rng, nextAtMs: startMs + exponentialMs(rng, meanGapMs),
      sent: 0, completed: 0, failed: 0, skipped: 0, latenessSumMs: 0, maxLatenessMs: 0, hist: new LatencyHistogram(),
    };
  });
  let inFlight = 0;
  let measuredInFlight = 0;
  let drained: (() => void) | undefined;
  let cpuAtWindowUs = ownCpuUs();
  setTimeout(() => {
    cpuAtWindowUs = ownCpuUs();
    ctx.ready(null);
  }, c.warmupMs);

  const fire = (s: StreamState, arrivalMs: number, nowMs: number): void => {
    const measured = arrivalMs >= windowFromMs;
    if (inFlight >= c.maxInFlight) {
      if (measured) s.skipped += 1;
      return;
    }
    inFlight += 1;
    if (measured) {
      measuredInFlight += 1;
      s.sent += 1;
      const late = nowMs - arrivalMs;
      s.latenessSumMs += late;
      s.maxLatenessMs = Math.max(s.maxLatenessMs, late);
    }
    const body = bodies.get(s.model);
    if (body === undefined) throw new Error(`no body for ${s.model}`);
    void client.infer(s.model, body).then((outcome) => {
      const doneMs = performance.now();
      inFlight -= 1;
      if (!measured) return;
      measuredInFlight -= 1;
      if (outcome.ok) {
        s.completed += 1;
        s.hist.record((doneMs - nowMs) * 1000);
      } else {
        s.failed += 1;
        s.firstError ??= outcome.error ?? 'failed';
      }
      if (measuredInFlight === 0) drained?.();
    });
  };

  // Timers fire at most once a millisecond: every arrival that is due is sent on each tick, in arrival order.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const nowMs = performance.now();
      for (;;) {
        let next: StreamState | undefined;
        for (const s of streams) if (s.nextAtMs <= nowMs && s.nextAtMs < windowToMs && (next === undefined || s.nextAtMs < next.nextAtMs)) next = s;
        if (next === undefined) break;
        fire(next, next.nextAtMs, nowMs);
        next.nextAtMs += exponentialMs(next.rng, next.meanGapMs);
      }
      const earliest = Math.min(...streams.map((s) => s.nextAtMs));
      if (earliest >= windowToMs) resolve();
      else setTimeout(tick, Math.max(0, earliest - performance.now()));
    };
    tick();
  });
  const elapsedS = (performance.now() - windowFromMs) / 1000;
  const cpuUs = ownCpuUs() - cpuAtWindowUs;
  if (measuredInFlight > 0) {
    await new Promise<void>((resolve) => {
      drained = resolve;
      setTimeout(resolve, DRAIN_TIMEOUT_MS).unref();
    });
  }
  client.close();
  const results: StreamResult[] = streams.map((s) => {
    const unanswered = s.sent - s.completed - s.failed;
    return {
      model: s.model,
      sent: s.sent,
      completed: s.completed,
      failed: s.failed + unanswered,
      skipped: s.skipped,
      latency: s.hist.toJSON(),
      meanLatenessMs: s.sent === 0 ? 0 : s.latenessSumMs / s.sent,
      maxLatenessMs: s.maxLatenessMs,
      ...(s.firstError === undefined ? (unanswered > 0 ? { firstError: `${unanswered} unanswered after ${DRAIN_TIMEOUT_MS} ms` } : {}) : { firstError: s.firstError }),
    };
  });
  return { streams: results, elapsedS, cpuUs };
});
