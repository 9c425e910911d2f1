// Calibration runs on the live server before any validated load point: after every model has warmed the server up,
// each model alone, first requests one at a time (idle latency and its spread), then a closed loop that keeps the
// server backlogged (its throughput), then open-loop Poisson arrivals at a fraction of that throughput (the mean latency
// the occupancy is fitted to).
// A run during which other processes took more than a limit of the cores is repeated and the quietest one kept.

import { forkChildTask } from '../lib/child-task.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import { procCpuUs } from '../lib/proc-stats.js';
import type { LoadChildResult, SaturationConfig } from './load-types.js';
import { measureCase } from './measure-case.js';
import { machineBusyUs } from './machine-cpu.js';
import { type OverheadProbe, type ProbeOptions, probeOverhead } from './probe-overhead.js';
import type { ServerProcess } from './server-process.js';
import { type ServerWindowStats, fetchStats, windowStats } from './server-stats.js';

const SATURATION_CHILD = new URL('./saturation-child.js', import.meta.url);

export interface SaturationRun {
  readonly model: string;
  readonly concurrency: number;
  readonly windowS: number;
  readonly completed: number;
  readonly failed: number;
  readonly throughputPerS: number;
  readonly clientMeanMs: number;
  readonly server: ServerWindowStats;
  /** CPU each party used per completed request, ms (front end, worker, load generator). */
  readonly frontEndCpuMsPerRequest: number;
  readonly workerCpuMsPerRequest: number;
  readonly loadGeneratorCpuMsPerRequest: number;
  /** Cores other processes on the machine used during the run. */
  readonly otherCores: number;
}

/** The model alone under open-loop Poisson arrivals at a fraction of its saturation throughput. */
export interface LoadedRun {
  readonly ratePerS: number;
  readonly fractionOfSaturation: number;
  readonly completed: number;
  /** Arrivals not sent because too many requests were outstanding (the server did not keep up). */
  readonly skipped: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly meanBatchRows: number;
  readonly meanComputeMs: number;
  readonly otherCores: number;
}

/** One model's calibration: the idle probe, the saturation run and the loaded run, each the quietest of its attempts. */
export interface ModelCalibration {
  readonly model: string;
  readonly idle: OverheadProbe & { readonly otherCores: number };
  readonly saturation: SaturationRun;
  /** Absent in raw files of older runs (their occupancy is the saturation estimate). */
  readonly loaded?: LoadedRun;
  /** Other processes' cores during every attempt, in order (a retry happens above the limit). */
  readonly idleOtherCoresAttempts: readonly number[];
  readonly saturationOtherCoresAttempts: readonly number[];
  readonly loadedOtherCoresAttempts?: readonly number[];
}

export interface LoadedOptions {
  /** Poisson rate as a fraction of the saturation run's throughput. */
  readonly fractionOfSaturation: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Arrivals beyond this many outstanding requests are skipped. */
  readonly maxInFlight: number;
  readonly seed: number;
}

export interface SaturationOptions {
  /** Requests kept outstanding: more than the instance's batches in flight, so its queue never empties. */
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface CalibrationOptions {
  readonly probe: ProbeOptions;
  readonly saturation: SaturationOptions;
  readonly loaded: LoadedOptions;
  /** Runs during which other processes used more cores than this are repeated. */
  readonly otherCoresLimit: number;
  /** Attempts per run at most (the quietest is kept). */
  readonly maxAttempts: number;
  /**
   * Each model is first kept backlogged this long, unmeasured: a freshly started server answers the same request up to
   * a third slower over its first thousand or so (measured: mobilenetv2-0.5's idle latency fell from 7.8 to ~5 ms over
   * 1,600 requests), and the calibration must describe the warm server the cases run on.
   */
  readonly warmupPerModelMs: number;
}

interface CpuMark {
  readonly atMs: number;
  readonly serverUs: number;
  readonly machineUs: number;
}

function mark(server: ServerProcess): CpuMark {
  const serverUs = (procCpuUs(server.pid) ?? 0) + server.workerPids().reduce((acc, pid) => acc + (procCpuUs(pid) ?? 0), 0);
  return { atMs: performance.now(), serverUs, machineUs: machineBusyUs() };
}

/** Cores used between two marks by everything but the server, its workers and the load child (`childUs`). */
function otherCores(a: CpuMark, b: CpuMark, childUs: number): number {
  const spanUs = (b.atMs - a.atMs) * 1000;
  return Math.max(0, (b.machineUs - a.machineUs - (b.serverUs - a.serverUs) - childUs) / spanUs);
}

export async function saturate(server: ServerProcess, model: string, o: SaturationOptions): Promise<SaturationRun> {
  const config: SaturationConfig = { port: server.httpPort, model, concurrency: o.concurrency, warmupMs: o.warmupMs, durationMs: o.durationMs };
  const child = forkChildTask<null, LoadChildResult>(SATURATION_CHILD, config, `saturate ${model}`);
  try {
    await child.ready;
    const cpu = (): { fe: number; worker: number } => ({
      fe: procCpuUs(server.pid) ?? Number.NaN,
      worker: server.workerPids().reduce((acc, pid) => acc + (procCpuUs(pid) ?? 0), 0),
    });
    const c0 = cpu();
    const m0 = mark(server);
    const s0 = await fetchStats(server.httpPort, model);
    const result = await child.result;
    const c1 = cpu();
    const m1 = mark(server);
    const s1 = await fetchStats(server.httpPort, model);
    const stream = result.streams[0];
    if (stream === undefined || stream.completed === 0) throw new Error(`saturation run of ${model}: nothing completed (${stream?.firstError ?? 'no stream'})`);
    const n = stream.completed;
    return {
      model,
      concurrency: o.concurrency,
      windowS: result.elapsedS,
      completed: n,
      failed: stream.failed,
      throughputPerS: n / result.elapsedS,
      clientMeanMs: LatencyHistogram.fromJSON(stream.latency).summary().meanUs / 1000,
      // The server's counters run a little past the window (the loops' last answers); rows per batch is a ratio.
      server: windowStats(s0, s1),
      frontEndCpuMsPerRequest: (c1.fe - c0.fe) / 1000 / n,
      workerCpuMsPerRequest: (c1.worker - c0.worker) / 1000 / n,
      loadGeneratorCpuMsPerRequest: result.cpuUs / 1000 / n,
      otherCores: otherCores(m0, m1, result.cpuUs),
    };
  } finally {
    child.kill();
  }
}

async function idleProbe(server: ServerProcess, model: string, serviceMs: (model: string) => number, o: ProbeOptions): Promise<OverheadProbe & { otherCores: number }> {
  const m0 = mark(server);
  const { probes, childCpuUs } = await probeOverhead(server, [model], serviceMs, o);
  const m1 = mark(server);
  const probe = probes[0];
  if (probe === undefined) throw new Error(`idle probe of ${model} returned nothing`);
  return { ...probe, otherCores: otherCores(m0, m1, childCpuUs) };
}

async function loadedRun(server: ServerProcess, model: string, saturationPerS: number, o: LoadedOptions): Promise<LoadedRun> {
  const ratePerS = o.fractionOfSaturation * saturationPerS;
  const m = await measureCase(server, { models: [model], ratesPerS: [ratePerS], utilisation: o.fractionOfSaturation }, o);
  const r = m.perModel[0];
  if (r === undefined || r.completed === 0) throw new Error(`loaded calibration run of ${model}: nothing completed (${r?.firstError ?? 'no stream'})`);
  return {
    ratePerS,
    fractionOfSaturation: o.fractionOfSaturation,
    completed: r.completed,
    skipped: r.skipped,
    meanMs: r.meanMs,
    p95Ms: r.p95Ms,
    meanBatchRows: r.server.meanBatchRows,
    meanComputeMs: r.server.meanComputeMs,
    otherCores: m.cpu.otherCores,
  };
}

async function quietest<T extends { readonly otherCores: number }>(run: () => Promise<T>, o: CalibrationOptions): Promise<{ kept: T; attempts: number[] }> {
  let kept = await run();
  const attempts = [kept.otherCores];
  while (kept.otherCores > o.otherCoresLimit && attempts.length < o.maxAttempts) {
    const again = await run();
    attempts.push(again.otherCores);
    if (again.otherCores < kept.otherCores) kept = again;
  }
  return { kept, attempts };
}

export async function calibrateServer(
  server: ServerProcess,
  models: readonly string[],
  serviceMs: (model: string) => number,
  o: CalibrationOptions,
  onRetry: (what: string) => void = () => undefined,
): Promise<ModelCalibration[]> {
  for (const model of models) await saturate(server, model, { ...o.saturation, warmupMs: 0, durationMs: o.warmupPerModelMs });
  const out: ModelCalibration[] = [];
  for (const model of models) {
    const idle = await quietest(() => idleProbe(server, model, serviceMs, o.probe), o);
    const saturation = await quietest(() => saturate(server, model, o.saturation), o);
    const loaded = await quietest(() => loadedRun(server, model, saturation.kept.throughputPerS, o.loaded), o);
    const attempts = [idle.attempts, saturation.attempts, loaded.attempts];
    if (attempts.some((a) => a.length > 1)) onRetry(`calibration of ${model} repeated: other processes used ${attempts.flat().map((c) => c.toFixed(2)).join(', ')} cores`);
    out.push({
      model,
      idle: idle.kept,
      saturation: saturation.kept,
      loaded: loaded.kept,
      idleOtherCoresAttempts: idle.attempts,
      saturationOtherCoresAttempts: saturation.attempts,
      loadedOtherCoresAttempts: loaded.attempts,
    });
  }
  return out;
}
