// Runs one validation case on the live server: a Poisson load child for the window, plus server and machine CPU.

import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { forkChildTask } from '../lib/child-task.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import type { MeasureWindow } from '../lib/load-result.js';
import { procCpuUs } from '../lib/proc-stats.js';
import type { LoadChildResult, PoissonLoadConfig, StreamResult } from './load-types.js';
import { machineBusyUs } from './machine-cpu.js';
import type { ServerProcess } from './server-process.js';
import { type ServerWindowStats, fetchStats, windowStats } from './server-stats.js';
import type { ValidationCase } from './validation-cases.js';

const POISSON_CHILD = new URL('./poisson-load-child.js', import.meta.url);

export interface MeasuredModel {
  readonly model: string;
  readonly ratePerS: number;
  readonly completed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly meanLatenessMs: number;
  readonly firstError?: string;
  readonly server: ServerWindowStats;
}

/** Cores (CPU-seconds per second) each party used over the window. */
export interface WindowCpu {
  readonly frontEndCores: number;
  readonly workerCores: number;
  readonly loadGeneratorCores: number;
  /** Everything else on the machine (other users' processes included). */
  readonly otherCores: number;
}

export interface MeasuredCase {
  readonly perModel: readonly MeasuredModel[];
  readonly windowS: number;
  /** Worker time in session.run over the window divided by its length. */
  readonly measuredUtilisation: number;
  readonly cpu: WindowCpu;
  readonly loadAverage1m: number;
}

export interface MeasureOptions extends MeasureWindow {
  readonly maxInFlight: number;
  readonly seed: number;
}

interface CpuSample {
  readonly atMs: number;
  readonly frontEndUs: number;
  readonly workerUs: number;
  readonly machineUs: number;
}

function sampleCpu(server: ServerProcess): CpuSample {
  const workerUs = server.workerPids().reduce((acc, pid) => acc + (procCpuUs(pid) ?? 0), 0);
  return { atMs: performance.now(), frontEndUs: procCpuUs(server.pid) ?? Number.NaN, workerUs, machineUs: machineBusyUs() };
}

function toMeasured(s: StreamResult, ratePerS: number, server: ServerWindowStats): MeasuredModel {
  const h = LatencyHistogram.fromJSON(s.latency);
  const summary = h.summary();
  return {
    model: s.model,
    ratePerS,
    completed: s.completed,
    failed: s.failed,
    skipped: s.skipped,
    meanMs: summary.meanUs / 1000,
    p95Ms: h.percentileUs(0.95) / 1000,
    meanLatenessMs: s.meanLatenessMs,
    ...(s.firstError === undefined ? {} : { firstError: s.firstError }),
    server,
  };
}

export async function measureCase(server: ServerProcess, c: Pick<ValidationCase, 'models' | 'ratesPerS' | 'utilisation'>, o: MeasureOptions): Promise<MeasuredCase> {
  const config: PoissonLoadConfig = {
    port: server.httpPort,
    streams: c.models.map((model, i) => ({ model, ratePerS: c.ratesPerS[i] as number })),
    maxInFlight: o.maxInFlight,
    seed: o.seed,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
  };
  const child = forkChildTask<null, LoadChildResult>(POISSON_CHILD, config, `load ${c.models.join('+')} u=${c.utilisation}`);
  try {
    await child.ready;
    const before = sampleCpu(server);
    const statsBefore = await Promise.all(c.models.map((m) => fetchStats(server.httpPort, m)));
    await sleep(Math.max(0, o.durationMs - (performance.now() - before.atMs)));
    const after = sampleCpu(server);
    const statsAfter = await Promise.all(c.models.map((m) => fetchStats(server.httpPort, m)));
    const result = await child.result;
    const spanUs = (after.atMs - before.atMs) * 1000;
    const serverStats = c.models.map((_, i) => windowStats(statsBefore[i] as (typeof statsBefore)[number], statsAfter[i] as (typeof statsAfter)[number]));
    const frontEnd = (after.frontEndUs - before.frontEndUs) / spanUs;
    const worker = (after.workerUs - before.workerUs) / spanUs;
    // The child's own account: it may exit (and leave /proc) before the parent's last sample.
    const generator = result.cpuUs / (result.elapsedS * 1e6);
    const machine = (after.machineUs - before.machineUs) / spanUs;
    return {
      perModel: result.streams.map((s, i) => toMeasured(s, c.ratesPerS[i] as number, serverStats[i] as ServerWindowStats)),
      windowS: spanUs / 1e6,
      measuredUtilisation: serverStats.reduce((acc, s) => acc + s.computeMs, 0) / (spanUs / 1000),
      cpu: { frontEndCores: frontEnd, workerCores: worker, loadGeneratorCores: generator, otherCores: Math.max(0, machine - frontEnd - worker - generator) },
      loadAverage1m: loadavg()[0] ?? Number.NaN,
    };
  } finally {
    child.kill();
  }
}
