// Performance-model validation (npm run bench:perfmodel): Poisson load on the live server for co-located zoo models
// under each sharing mode it has, side by side with the analytic predictor and the simulator; writes
// bench/results/perfmodel.json, docs/perfmodel.md (Validation) and the README block, and prints the table.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../../src/cli/progress.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import { ProfileStore } from '../../src/profiler/profile-store.js';
import { scaleCheckScenario } from '../../src/sim/scale-check.js';
import { simulate } from '../../src/sim/simulator.js';
import { repoRoot } from '../lib/repo-root.js';
import { awaitSegmentLogs } from '../lib/segment-logs.js';
import { type MeasuredCase, measureCase } from './measure-case.js';
import { prepareZoo, writeModeRepository } from './mode-repository.js';
import { type OverheadProbe, probeOverhead } from './probe-overhead.js';
import { type ModelCalibration, calibrateServer } from './calibrate-server.js';
import { fittedMeasurements, occupancyB1Ms, occupancySourceOf, predictionMeasurements, withCaseIdle } from './calibration-measurements.js';
import { predictCase } from './predict-case.js';
import type { ServedModelMeasurements } from '../../src/perfmodel/served-calibration.js';
import { fairSetup } from './predictions.js';
import { type ProfiledModel, profileModels } from './profile-models.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { buildValidationReport } from './build-report.js';
import {
  FAIR_QUANTUM_MS,
  MODES_NOT_IN_SERVER,
  MODEL_SETS,
  QUICK_UTILISATIONS,
  SERVER_MODES,
  type ServerMode,
  UTILISATIONS,
  type ValidationCase,
  allModels,
  repeatedCases,
  validationCases,
} from './validation-cases.js';
import { writeValidationDocs } from './validation-docs.js';

const WORKERS = 1;
/** Intra-op threads: one, so the second core is left to the front end and the load generator (see docs). */
const DEFAULT_THREADS = 1;
const DEFAULT_WINDOW_S = 13;
const WARMUP_MS = 2_000;
const QUICK_WINDOW_S = 5;
/** Open loop: an arrival is never delayed, only skipped (and counted) if this many requests are outstanding. */
const MAX_IN_FLIGHT = 64;
const PROBE = { requests: 150, warmupRequests: 10, meanThinkMs: 10 } as const;
/** Idle probe of a case's models just before it: its mean rescales the calibration's idle latency (withCaseIdle). */
const CASE_PROBE = { requests: 100, warmupRequests: 5, meanThinkMs: 10 } as const;
/** Saturation calibration per model: more requests outstanding than the instance's 2 batches in flight. */
const SATURATION = { concurrency: 4, warmupMs: 1_000, durationMs: 3_000 } as const;
/**
 * Open-loop calibration per model, the occupancy is fitted to: Poisson arrivals at this fraction of its saturation
 * throughput (a closed loop overlaps front end and worker more than Poisson arrivals do, so its throughput overstates
 * what open-loop load can be served at; measured: fitted occupancies came out above the saturation ones).
 */
const LOADED = { fractionOfSaturation: 0.5, warmupMs: 1_000, durationMs: 8_000, maxInFlight: MAX_IN_FLIGHT } as const;
/** Unmeasured backlogged load per model on a fresh server before its calibration (see calibrate-server.ts). */
const SERVER_WARMUP_PER_MODEL_MS = 4_000;
/** A calibration run disturbed by other processes is repeated, at most this many runs in all. */
const CALIBRATION_ATTEMPTS = 2;
const SIM_REQUESTS = 100_000;
/**
 * The machine is shared: a case (or a profile sweep) during which other processes used more than this many cores is
 * measured once more and the quieter attempt kept.
 */
const DEFAULT_OTHER_CORES_LIMIT = 0.25;
/** An analytic prediction that takes longer than this is reported as missing (the predictor runs in a child). */
const ANALYTIC_TIMEOUT_MS = 20_000;
const SEED = 7;
/** How long the fair server may take to cut and load the models' segments, ms. */
const SEGMENT_TIMEOUT_MS = 120_000;

/**
 * `tessera serve` arguments that select a mode's policy (fcfs runs the default policy). The fair mode keeps one unit
 * in the worker, as the arbiter model assumes (each unit chosen when the worker frees up). fcfs-batching runs the
 * Triton-style dynamic batcher the batch-service model assumes (every queued row up to the max batch); the default
 * policy's deadline-aware batcher leaves out rows that save nothing per row (on one CPU thread, nearly all).
 */
function modeServeArgs(mode: ServerMode): string[] {
  if (mode === 'fair') return ['--policy', 'fair', '--segment-quantum-ms', String(FAIR_QUANTUM_MS), '--max-batches-in-flight', '1'];
  return mode === 'fcfs-batching' ? ['--policy', 'triton'] : [];
}

/** Fair mode: the server cuts each model into segments from its profile once loaded, in the background; waits for its decisions. */
async function awaitSegments(server: ServerProcess, models: readonly string[], log: (m: string) => void): Promise<Record<string, number>> {
  const { segments, noCut, missing } = await awaitSegmentLogs(server, models, SEGMENT_TIMEOUT_MS);
  for (const w of noCut) log(`perfmodel: fair: ${w.model} runs whole: ${w.reason}`);
  if (missing.length > 0) throw new Error(`fair: no segmentation log for ${missing.join(', ')} within ${SEGMENT_TIMEOUT_MS / 1000} s`);
  log(`perfmodel: fair: segments ${models.map((m) => `${m}=${segments[m] ?? 1}`).join(' ')}`);
  return segments;
}

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    threads: { type: 'string', default: String(DEFAULT_THREADS) },
    'window-s': { type: 'string' },
    'state-dir': { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
    /** Skip the measurements: predict from the raw file an earlier run wrote. */
    'from-raw': { type: 'string' },
    /** Short runs while developing: a subset of the matrix, e.g. --modes fcfs --sets 0 --utilisations 0.2,0.5,0.8. */
    modes: { type: 'string' },
    /** Where perfmodel.json and perfmodel-raw.json go; default bench/results. */
    'results-dir': { type: 'string' },
    sets: { type: 'string' },
    utilisations: { type: 'string' },
    /** Other processes' cores above which a window is measured again (default 0.25). */
    'other-cores-limit': { type: 'string' },
  },
});
const OTHER_CORES_LIMIT = Number(args['other-cores-limit'] ?? DEFAULT_OTHER_CORES_LIMIT);
const t0Ms = performance.now();
const log = (m: string): void => void process.stderr.write(`[${((performance.now() - t0Ms) / 1000).toFixed(0)} s] ${m}\n`);

interface ModeRun {
  readonly mode: ServerMode;
  readonly overheads: OverheadProbe[];
  /** Each model alone on this mode's server, before its cases (absent in raw files of older runs). */
  readonly calibration?: ModelCalibration[];
  /** Fair mode: graph segments per model as the server logged them (a model it left whole is absent). */
  readonly segments?: Readonly<Record<string, number>>;
  readonly cases: CaseRecord[];
  /** Cases measured a second time after all of the mode's cases (`repeatedCases`; absent in raw files of older runs). */
  readonly repeats?: CaseRecord[];
}

interface CaseRecord {
  readonly c: ValidationCase;
  readonly measured: MeasuredCase;
  readonly attempts: number;
  readonly otherCoresAttempts: number[];
  /** Each model of the case one request at a time just before it (absent in raw files of older runs). */
  readonly idle?: OverheadProbe[];
}

function serviceB1Ms(profiles: readonly ModelProfile[], threads: number): (model: string) => number {
  return (model) => {
    const p = profiles.find((x) => x.model === model)?.points.find((q) => q.batchSize === 1 && q.threads === threads);
    if (p === undefined) throw new Error(`no batch-1 profile point of ${model} at ${threads} thread(s)`);
    return p.latency.meanMs;
  };
}

function timeScaleCheck(): { seconds: number; requests: number; events: number; executors: number } {
  const s = scaleCheckScenario();
  const t0 = performance.now();
  const r = simulate(s.cluster, s.workload, s.profiles, s.options);
  return { seconds: (performance.now() - t0) / 1000, requests: r.requests, events: r.events, executors: r.executors.length };
}

/** Everything measured; saved before predicting so predictions can be redone with --from-raw. */
interface RawRun {
  readonly startedAt: string;
  readonly wallS: number;
  readonly quick: boolean;
  readonly threads: number;
  readonly windowS: number;
  readonly utilisations: readonly number[];
  readonly modelSets?: readonly (readonly string[])[];
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
  readonly profiled: ProfiledModel[];
  readonly scale: ReturnType<typeof timeScaleCheck>;
  readonly modeRuns: ModeRun[];
}

interface Matrix {
  readonly modes: readonly ServerMode[];
  readonly sets: readonly (readonly string[])[];
  readonly utilisations: readonly number[];
}

function matrixFromArgs(quick: boolean): Matrix {
  const list = (v: string | undefined): string[] | undefined => v?.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  const modes = list(args.modes) ?? SERVER_MODES;
  for (const m of modes) if (!SERVER_MODES.includes(m as ServerMode)) throw new Error(`--modes: unknown mode '${m}' (${SERVER_MODES.join(', ')})`);
  const sets = (list(args.sets) ?? MODEL_SETS.map((_, i) => String(i))).map((i) => {
    const set = MODEL_SETS[Number(i)];
    if (set === undefined) throw new Error(`--sets: no model set ${i} (0..${MODEL_SETS.length - 1})`);
    return set;
  });
  const utilisations = list(args.utilisations)?.map(Number) ?? (quick ? QUICK_UTILISATIONS : UTILISATIONS);
  if (utilisations.some((u) => !(u > 0 && u < 1))) throw new Error('--utilisations must lie in (0, 1)');
  return { modes: modes as ServerMode[], sets, utilisations };
}

async function measureAll(threads: number, quick: boolean, windowS: number, matrix: Matrix): Promise<RawRun> {
  const stateDir = args['state-dir'] ?? join(tmpdir(), 'tessera-bench-state');
  const zooDir = join(stateDir, 'zoo');
  const runDir = await mkdtemp(join(tmpdir(), 'tessera-perfmodel-'));
  const models = allModels(matrix.sets);
  const { utilisations } = matrix;
  const startedAt = new Date();
  const loadAverageStart = loadavg();

  let server: ServerProcess | undefined;
  // A crash must not leave a server (and its worker) running: SIGTERM lets it stop its worker.
  process.on('exit', () => {
    if (server !== undefined) process.kill(server.pid, 'SIGTERM');
  });
  const progress = progressBar('perfmodel', log);
  const modeRuns: ModeRun[] = [];
  let profiled: ProfiledModel[];
  let scale: ReturnType<typeof timeScaleCheck>;
  try {
    log(`perfmodel: preparing ${models.join(', ')} in ${zooDir}`);
    await prepareZoo(zooDir, models);
    profiled = await profileModels(models, zooDir, runDir, threads, OTHER_CORES_LIMIT, (label) => log(`perfmodel: ${label}`));
    const profiles = profiled.map((p) => p.profile);
    const serviceMs = serviceB1Ms(profiles, threads);
    log('perfmodel: timing the simulator scale check (1M requests, 100 executors)');
    scale = timeScaleCheck();
    const total = matrix.modes.length * matrix.sets.length * (utilisations.length + 1);
    let done = 0;
    for (const [modeIndex, mode] of matrix.modes.entries()) {
      const repository = await writeModeRepository(join(runDir, `repo-${mode}`), zooDir, models, mode);
      const stateDir = join(runDir, `state-${mode}`);
      // The fair server cuts models into segments from their profiles: give it this run's.
      if (mode === 'fair') {
        const store = new ProfileStore({ stateDir, repositoryDir: repository });
        for (const p of profiles) await store.save(p);
      }
      progress.update(done, total, `start tessera (${mode})`);
      server = await startServerProcess({ repository, stateDir, workers: WORKERS, threads, extraArgs: modeServeArgs(mode) });
      const segments = mode === 'fair' ? await awaitSegments(server, models, log) : undefined;
      progress.update(done, total, `calibration (${mode})`);
      const calibrationOptions = { probe: { ...PROBE, seed: SEED }, saturation: SATURATION, loaded: { ...LOADED, seed: SEED }, otherCoresLimit: OTHER_CORES_LIMIT, maxAttempts: CALIBRATION_ATTEMPTS, warmupPerModelMs: SERVER_WARMUP_PER_MODEL_MS };
      const calibration = await calibrateServer(server, models, serviceMs, calibrationOptions, (m) => log(`perfmodel: ${m}`));
      const overheads = calibration.map((c) => c.idle);
      // Utilisation u means Σ λ_i × (calibrated batch-1 occupancy of i) = u: the server's own load, not session.run's.
      const { measurements } = fittedMeasurements(calibration, { mode, profiles, threads, ...(segments === undefined ? {} : { segments }) });
      const occupancy = (model: string): number => occupancyB1Ms(profiles, threads, model, measurements);
      const cases = validationCases([mode], matrix.sets, utilisations, occupancy);
      const live = server;
      /** Idle probe, then the case (measured again if other processes took the cores); seeds differ per measurement. */
      const measureOne = async (c: ValidationCase, label: string): Promise<CaseRecord> => {
        progress.update(done, total, `${mode} ${c.models.join('+')} u=${c.utilisation}${label}`);
        const options = { warmupMs: WARMUP_MS, durationMs: windowS * 1000, maxInFlight: MAX_IN_FLIGHT, seed: SEED + done };
        const idle = (await probeOverhead(live, c.models, serviceMs, { ...CASE_PROBE, seed: SEED + done })).probes;
        let measured = await measureCase(live, c, options);
        const otherCoresAttempts = [measured.cpu.otherCores];
        if (measured.cpu.otherCores > OTHER_CORES_LIMIT) {
          log(`perfmodel: measuring ${mode} ${c.models.join('+')} u=${c.utilisation}${label} again: other processes used ${measured.cpu.otherCores.toFixed(2)} cores`);
          const again = await measureCase(live, c, options);
          otherCoresAttempts.push(again.cpu.otherCores);
          if (again.cpu.otherCores < measured.cpu.otherCores) measured = again;
        }
        done += 1;
        return { c, measured, attempts: otherCoresAttempts.length, otherCoresAttempts, idle };
      };
      const measuredCases: CaseRecord[] = [];
      for (const c of cases) measuredCases.push(await measureOne(c, ''));
      const repeats: CaseRecord[] = [];
      for (const c of repeatedCases(cases, matrix.sets, utilisations, modeIndex * matrix.sets.length)) repeats.push(await measureOne(c, ' (repeat)'));
      modeRuns.push({ mode, overheads, calibration, ...(segments === undefined ? {} : { segments }), cases: measuredCases, repeats });
      await server.stop();
      server = undefined;
    }
    progress.update(done, total, 'done');
  } finally {
    progress.stop();
    await server?.stop();
    await rm(runDir, { recursive: true, force: true });
  }
  return {
    startedAt: startedAt.toISOString(),
    wallS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    quick,
    threads,
    windowS,
    utilisations,
    modelSets: matrix.sets,
    loadAverageStart,
    loadAverageEnd: loadavg(),
    profiled,
    scale,
    modeRuns,
  };
}

async function main(): Promise<void> {
  const threads = Number(args.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new Error('--threads must be an integer >= 1');
  const quick = args.quick === true;
  const windowS = Number(args['window-s'] ?? (quick ? QUICK_WINDOW_S : DEFAULT_WINDOW_S));
  if (!(windowS > 0)) throw new Error('--window-s must be > 0');
  const root = repoRoot();
  const resultsDir = args['results-dir'] ?? join(root, 'bench', 'results');
  const rawFile = join(resultsDir, 'perfmodel-raw.json');
  const fromRaw = args['from-raw'];
  let raw: RawRun;
  if (fromRaw === undefined) {
    raw = await measureAll(threads, quick, windowS, matrixFromArgs(quick));
    await mkdir(resultsDir, { recursive: true });
    await writeFile(rawFile, `${JSON.stringify(raw)}\n`);
  } else {
    raw = JSON.parse(await readFile(fromRaw, 'utf8')) as RawRun;
  }

  const profiles = raw.profiled.map((p) => p.profile);
  log('perfmodel: predicting every case (analytic, simulator)');
  const predictStartMs = performance.now();
  const predicted = [];
  for (const run of raw.modeRuns) {
    const overheadMs = Object.fromEntries(run.overheads.map((o) => [o.model, o.overheadMs]));
    const fitContext = { mode: run.mode, profiles, threads: raw.threads, ...(run.segments === undefined ? {} : { segments: run.segments }) };
    const fitted = run.calibration === undefined ? undefined : fittedMeasurements(run.calibration, fitContext);
    const used = run.calibration === undefined || fitted === undefined ? undefined : predictionMeasurements(run.mode, run.calibration, fitted, profiles, raw.threads);
    const setup = { profiles, threads: raw.threads, overheadMs, ...(used === undefined ? {} : { calibration: used }), ...fairSetup(run.mode, run.segments), simRequests: SIM_REQUESTS, seed: SEED };
    const cases = [];
    for (const x of run.cases) {
      // The case's idle probe rescales the calibration's unloaded latency (withCaseIdle), where the raw file has one.
      const atCase = (m: Readonly<Record<string, ServedModelMeasurements>>): Record<string, ServedModelMeasurements> => (x.idle === undefined ? { ...m } : withCaseIdle(m, x.idle));
      const predictions = await predictCase(x.c, used === undefined ? setup : { ...setup, calibration: atCase(used) }, ANALYTIC_TIMEOUT_MS);
      // Beside them, reported only: the calibration's idle latency without the probe (what the drift between
      // calibration and case costs), and every mode on the loaded fit's occupancy.
      const calibrationIdle = x.idle === undefined || used === undefined ? undefined : await predictCase(x.c, setup, ANALYTIC_TIMEOUT_MS);
      const loadedFit = fitted === undefined || occupancySourceOf(run.mode) === 'loaded-fit' ? undefined : await predictCase(x.c, { ...setup, calibration: atCase(fitted.measurements) }, ANALYTIC_TIMEOUT_MS);
      cases.push({ ...x, predictions, ...(loadedFit === undefined ? {} : { loadedFit }), ...(calibrationIdle === undefined ? {} : { calibrationIdle }) });
    }
    predicted.push({ ...run, ...(fitted === undefined || used === undefined ? {} : { fitted, used, occupancySource: occupancySourceOf(run.mode) }), cases });
  }
  log(`perfmodel: predictions took ${((performance.now() - predictStartMs) / 1000).toFixed(1)} s`);
  const report = buildValidationReport({
    runs: predicted,
    profiled: raw.profiled,
    threads: raw.threads,
    scale: raw.scale,
    meta: {
      startedAt: raw.startedAt,
      wallS: raw.wallS,
      quick: raw.quick,
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageStart: raw.loadAverageStart,
      loadAverageEnd: raw.loadAverageEnd,
      workers: WORKERS,
      threads: raw.threads,
      warmupMs: WARMUP_MS,
      windowS: raw.windowS,
      maxInFlight: MAX_IN_FLIGHT,
      simRequestsPerCase: SIM_REQUESTS,
      utilisations: raw.utilisations,
      modelSets: raw.modelSets ?? MODEL_SETS,
      modesNotInServer: MODES_NOT_IN_SERVER,
      otherCoresLimit: OTHER_CORES_LIMIT,
    },
  });
  const outFile = join(resultsDir, 'perfmodel.json');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(outFile, `${JSON.stringify(report.json, null, 2)}\n`);
  const partial = (raw.modelSets ?? MODEL_SETS).length < MODEL_SETS.length || raw.modeRuns.length < SERVER_MODES.length;
  if (args['no-docs'] !== true && !raw.quick && !partial) {
    const written = await writeValidationDocs(root, report.docs);
    log(`perfmodel: wrote ${written.doc} (Validation) and the README block`);
  }
  process.stdout.write(`${report.printed}\n\nwritten to ${outFile}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`perfmodel benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
