// Performance-model validation (npm run bench:perfmodel): Poisson load on the live server for co-located zoo models
// under each sharing mode it has, side by side with the analytic predictor and the simulator; writes
// bench/results/perfmodel.json, docs/perfmodel.md (Validation) and the README block, and prints the table.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../../src/cli/progress.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import { scaleCheckScenario } from '../../src/sim/scale-check.js';
import { simulate } from '../../src/sim/simulator.js';
import { repoRoot } from '../lib/repo-root.js';
import { type MeasuredCase, measureCase } from './measure-case.js';
import { prepareZoo, writeModeRepository } from './mode-repository.js';
import { type OverheadProbe, probeOverhead } from './probe-overhead.js';
import { predictCase } from './predict-case.js';
import { type ProfiledModel, profileModels } from './profile-models.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { buildValidationReport } from './build-report.js';
import {
  MODES_NOT_IN_SERVER,
  MODEL_SETS,
  QUICK_UTILISATIONS,
  SERVER_MODES,
  type ServerMode,
  UTILISATIONS,
  type ValidationCase,
  allModels,
  validationCases,
} from './validation-cases.js';
import { writeValidationDocs } from './validation-docs.js';

const WORKERS = 1;
/** Intra-op threads: one, so the second core is left to the front end and the load generator (see docs). */
const DEFAULT_THREADS = 1;
const DEFAULT_WINDOW_S = 15;
const WARMUP_MS = 2_000;
const QUICK_WINDOW_S = 5;
/** Open loop: an arrival is never delayed, only skipped (and counted) if this many requests are outstanding. */
const MAX_IN_FLIGHT = 64;
const PROBE = { requests: 150, warmupRequests: 10, meanThinkMs: 10 } as const;
const SIM_REQUESTS = 100_000;
/**
 * The machine is shared: a case (or a profile sweep) during which other processes used more than this many cores is
 * measured once more and the quieter attempt kept.
 */
const OTHER_CORES_LIMIT = 0.25;
/** An analytic prediction that takes longer than this is reported as missing (the predictor runs in a child). */
const ANALYTIC_TIMEOUT_MS = 20_000;
const SEED = 7;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    threads: { type: 'string', default: String(DEFAULT_THREADS) },
    'window-s': { type: 'string' },
    'state-dir': { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
    /** Skip the measurements: predict from the raw file an earlier run wrote. */
    'from-raw': { type: 'string' },
  },
});
const t0Ms = performance.now();
const log = (m: string): void => void process.stderr.write(`[${((performance.now() - t0Ms) / 1000).toFixed(0)} s] ${m}\n`);

interface ModeRun {
  readonly mode: ServerMode;
  readonly overheads: OverheadProbe[];
  readonly cases: { readonly c: ValidationCase; readonly measured: MeasuredCase; readonly attempts: number; readonly otherCoresAttempts: number[] }[];
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
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
  readonly profiled: ProfiledModel[];
  readonly scale: ReturnType<typeof timeScaleCheck>;
  readonly modeRuns: ModeRun[];
}

async function measureAll(threads: number, quick: boolean, windowS: number): Promise<RawRun> {
  const stateDir = args['state-dir'] ?? join(tmpdir(), 'tessera-bench-state');
  const zooDir = join(stateDir, 'zoo');
  const runDir = await mkdtemp(join(tmpdir(), 'tessera-perfmodel-'));
  const models = allModels();
  const utilisations = quick ? QUICK_UTILISATIONS : UTILISATIONS;
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
    const serviceMs = serviceB1Ms(profiled.map((p) => p.profile), threads);
    log('perfmodel: timing the simulator scale check (1M requests, 100 executors)');
    scale = timeScaleCheck();
    const cases = validationCases(SERVER_MODES, MODEL_SETS, utilisations, serviceMs);
    let done = 0;
    for (const mode of SERVER_MODES) {
      const repository = await writeModeRepository(join(runDir, `repo-${mode}`), zooDir, models, mode);
      progress.update(done, cases.length, `start tessera (${mode})`);
      server = await startServerProcess({ repository, stateDir: join(runDir, `state-${mode}`), workers: WORKERS, threads });
      progress.update(done, cases.length, `overhead probe (${mode})`);
      const overheads = await probeOverhead(server, models, serviceMs, { ...PROBE, seed: SEED });
      const run: ModeRun = { mode, overheads, cases: [] };
      for (const c of cases.filter((x) => x.mode === mode)) {
        progress.update(done, cases.length, `${mode} ${c.models.join('+')} u=${c.utilisation}`);
        const options = { warmupMs: WARMUP_MS, durationMs: windowS * 1000, maxInFlight: MAX_IN_FLIGHT, seed: SEED + done };
        let measured = await measureCase(server, c, options);
        const otherCoresAttempts = [measured.cpu.otherCores];
        if (measured.cpu.otherCores > OTHER_CORES_LIMIT) {
          log(`perfmodel: measuring ${mode} ${c.models.join('+')} u=${c.utilisation} again: other processes used ${measured.cpu.otherCores.toFixed(2)} cores`);
          const again = await measureCase(server, c, options);
          otherCoresAttempts.push(again.cpu.otherCores);
          if (again.cpu.otherCores < measured.cpu.otherCores) measured = again;
        }
        run.cases.push({ c, measured, attempts: otherCoresAttempts.length, otherCoresAttempts });
        done += 1;
      }
      modeRuns.push(run);
      await server.stop();
      server = undefined;
    }
    progress.update(done, cases.length, 'done');
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
  const rawFile = join(root, 'bench', 'results', 'perfmodel-raw.json');
  const fromRaw = args['from-raw'];
  let raw: RawRun;
  if (fromRaw === undefined) {
    raw = await measureAll(threads, quick, windowS);
    await mkdir(join(root, 'bench', 'results'), { recursive: true });
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
    const setup = { profiles, threads: raw.threads, overheadMs, simRequests: SIM_REQUESTS, seed: SEED };
    const cases = [];
    for (const x of run.cases) cases.push({ ...x, predictions: await predictCase(x.c, setup, ANALYTIC_TIMEOUT_MS) });
    predicted.push({ ...run, cases });
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
      modelSets: MODEL_SETS,
      modesNotInServer: MODES_NOT_IN_SERVER,
      otherCoresLimit: OTHER_CORES_LIMIT,
    },
  });
  const outFile = join(root, 'bench', 'results', 'perfmodel.json');
  await mkdir(join(root, 'bench', 'results'), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(report.json, null, 2)}\n`);
  if (args['no-docs'] !== true && !raw.quick) {
    const written = await writeValidationDocs(root, report.docs);
    log(`perfmodel: wrote ${written.doc} (Validation) and the README block`);
  }
  process.stdout.write(`${report.printed}\n\nwritten to ${outFile}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`perfmodel benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
