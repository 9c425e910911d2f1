// SLO experiment (npm run bench:slo): three apps share the machine's cores under every scheduling policy, load swept
// from 0.3x to 1.5x of measured capacity, then Tessera at 3x for minutes; writes bench/results/slo.json, prints a table.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../../src/cli/progress.js';
import { defaultServerOptions } from '../../src/cli/server-options.js';
import { POLICY_NAMES, schedulingPolicy, segmentQuantumOf } from '../../src/engine/scheduling-policy.js';
import { segmentsForQuantum } from '../../src/onnx/segment-quantum.js';
import { procCpuUs } from '../lib/proc-stats.js';
import { repoRoot } from '../lib/repo-root.js';
import { measuredCapacityPerS, profiledCapacityPerS } from './capacity.js';
import { type PointWindow, runPoint } from './load-point.js';
import { type OverloadResult, overloadPhase } from './overload-phase.js';
import { profileVariants, variantCosts } from './profile-variants.js';
import { positiveSeconds } from './seconds-option.js';
import { SLO_APPS, SLO_MODELS } from './slo-apps.js';
import { speedProbeMs, speedVsCalibration } from './speed-probe.js';
import { writeZooRepository } from '../lib/zoo-repository.js';
import { type SloRow, sloRow } from './slo-rows.js';
import { type SloServer, type SloServerOptions, pendingRequests, registerApp, startSloServer, waitDrained } from './slo-server.js';
import { formatSloTable, maxLoadAtTarget, overloadComparison } from './slo-summary.js';

/** Offered load as fractions of the measured capacity. */
const LOADS = [0.3, 0.6, 0.9, 1.2, 1.5];
/** Tessera's and every baseline; 'fair' is Tessera with the weighted-fair arbiter instead of EDF. */
const DEFAULT_POLICIES = ['tessera', 'fair', 'fifo', 'triton', 'infaas', 'roma'];
/** Tessera's layout on a 2-core machine: one worker process per core, one intra-op thread each. */
const THREADS = 1;
/**
 * One batch at a time in each worker for every policy: with two, a short request can sit in the worker behind a
 * pipelined resnet50 batch, which no scheduling policy can see or reorder.
 */
const MAX_BATCHES_IN_FLIGHT = 1;
const OVERLOAD_LOAD = 3;
/** Calibration runs at this fraction of the profiled (compute-only) capacity. */
const CALIBRATION_LOAD = 0.2;
/** Below this attainment at the calibration load the machine is probably busy with other work (a warning). */
const CALIBRATION_MIN_ATTAINMENT = 0.95;
/** A point whose speed probe is below this fraction of calibration's is flagged on the terminal. */
const SLOW_VM_WARNING = 0.85;
/**
 * After a point, wait this long at most for the server's queues to empty. A policy without admission control that was
 * overloaded keeps serving requests its clients gave up on; that backlog is carried into the next (higher) point, at
 * which such a policy is overloaded anyway, rather than paying a server restart per point. Each row records it.
 */
const DRAIN_MAX_MS = 3_000;

interface Settings {
  readonly point: PointWindow;
  readonly calibration: PointWindow;
  readonly overload: PointWindow;
  readonly profile: { cellBudgetMs: number; modelBudgetMs: number };
}
const FULL: Settings = {
  point: { warmupS: 3, measureS: 20 },
  calibration: { warmupS: 3, measureS: 10 },
  overload: { warmupS: 5, measureS: 300 },
  profile: { cellBudgetMs: 600, modelBudgetMs: 5_000 },
};
const QUICK: Settings = {
  point: { warmupS: 2, measureS: 5 },
  calibration: { warmupS: 2, measureS: 5 },
  overload: { warmupS: 3, measureS: 60 },
  profile: { cellBudgetMs: 300, modelBudgetMs: 2_500 },
};

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'state-dir': { type: 'string' },
    policies: { type: 'string' },
    loads: { type: 'string' },
    'overload-s': { type: 'string' },
    'point-s': { type: 'string' },
    'no-overload': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const log = (m: string): void => void process.stderr.write(`${m}\n`);
const list = (v: string | undefined): string[] | undefined => v?.split(',').map((x) => x.trim()).filter((x) => x !== '');

function settings(): Settings {
  const base = args.quick === true ? QUICK : FULL;
  const overloadS = positiveSeconds('overload-s', args['overload-s']);
  const pointS = positiveSeconds('point-s', args['point-s']);
  return {
    ...base,
    ...(overloadS === undefined ? {} : { overload: { ...base.overload, measureS: overloadS } }),
    ...(pointS === undefined ? {} : { point: { ...base.point, measureS: pointS } }),
  };
}

function policies(): string[] {
  const p = list(args.policies) ?? DEFAULT_POLICIES;
  for (const name of p) if (!(POLICY_NAMES as readonly string[]).includes(name)) throw new Error(`--policies: unknown policy '${name}' (${POLICY_NAMES.join(', ')})`);
  return p;
}

function loads(): number[] {
  const l = list(args.loads)?.map(Number) ?? LOADS;
  if (l.some((x) => !(x > 0))) throw new Error('--loads must be positive fractions of capacity');
  return [...l].sort((a, b) => a - b);
}

/** How many of the variants the policy's server cuts into segments (with the server's default quanta). */
function segmentedModels(policy: string, costs: readonly { readonly batch1Ms: number }[]): number {
  const quantumMs = segmentQuantumOf(schedulingPolicy(policy), defaultServerOptions());
  return costs.filter((c) => segmentsForQuantum(c.batch1Ms, quantumMs) > 1).length;
}

/** CPU time so far of the server, its workers and this process (the load generator), µs. */
function cpuUsNow(server: SloServer): number {
  const own = process.cpuUsage();
  const pids = [server.serve.pid, ...server.serve.workerPids()];
  return own.user + own.system + pids.reduce((sum, pid) => sum + (procCpuUs(pid) ?? 0), 0);
}

async function main(): Promise<void> {
  const s = settings();
  const policyList = policies();
  const loadList = loads();
  const cores = availableParallelism();
  const stateRoot = args['state-dir'] ?? join(tmpdir(), 'tessera-bench-state');
  const runDir = await mkdtemp(join(tmpdir(), 'tessera-slo-'));
  const stateDir = join(runDir, 'state');
  const startedAt = new Date();
  const loadAverageStart = loadavg();
  const progress = progressBar('slo', log);
  let server: SloServer | undefined;
  // A crash must not leave a server (and its workers) running: SIGTERM lets it stop its workers.
  process.on('exit', () => {
    if (server !== undefined) process.kill(server.serve.pid, 'SIGTERM');
  });
  const serverOptions = (policy: string, repository: string): SloServerOptions => ({
    policy,
    repository,
    stateDir,
    workers: cores,
    threads: THREADS,
    maxBatchesInFlight: MAX_BATCHES_IN_FLIGHT,
    segmentedModels: segmentedModels(policy, costs),
  });
  const total = 3 + policyList.length * loadList.length + (args['no-overload'] === true ? 0 : 1);
  let done = 0;
  const step = (label: string): void => progress.update(done++, total, label);
  const rows: SloRow[] = [];
  let overload: OverloadResult | undefined;
  let overloadSpeed: number | null = null;
  let calibration: Record<string, unknown>;
  let capacityPerS: number;
  let calibrationProbeMs: number;
  let profiledPerS: number;
  let costs: ReturnType<typeof variantCosts>;
  try {
    step(`zoo and repository (${SLO_MODELS.join(', ')})`);
    const repository = await writeZooRepository(join(runDir, 'repository'), join(stateRoot, 'zoo'), SLO_MODELS);

    step('profiling the variants');
    costs = variantCosts(await profileVariants(repository, stateDir, SLO_MODELS, THREADS, s.profile), THREADS);
    profiledPerS = profiledCapacityPerS(SLO_APPS, costs, cores);

    step('calibrating capacity (tessera)');
    const calibrationRate = CALIBRATION_LOAD * profiledPerS;
    server = await startSloServer(serverOptions('tessera', repository), SLO_APPS, calibrationRate);
    await runPoint(server.url, SLO_APPS, calibrationRate, { warmupS: 0, measureS: s.calibration.warmupS }, 1);
    await waitDrained(server.url, DRAIN_MAX_MS);
    calibrationProbeMs = speedProbeMs();
    const cpuBefore = cpuUsNow(server);
    const cal = await runPoint(server.url, SLO_APPS, calibrationRate, { warmupS: 0, measureS: s.calibration.measureS }, 2);
    const cpuUs = cpuUsNow(server) - cpuBefore;
    // Every request that reached the server cost CPU, answered or refused.
    capacityPerS = measuredCapacityPerS({ cores, requests: cal.overall.sent, cpuUs });
    if ((cal.overall.sloAttainment ?? 0) < CALIBRATION_MIN_ATTAINMENT) {
      log(`slo: WARNING calibration attainment ${String(cal.overall.sloAttainment)} at a light load: is the machine busy with other work?`);
    }
    calibration = {
      ratePerS: Number(calibrationRate.toFixed(2)),
      measureS: s.calibration.measureS,
      sent: cal.overall.sent,
      answered: cal.overall.ok,
      cpuUs: Math.round(cpuUs),
      cpuMsPerRequest: Number((cpuUs / 1000 / Math.max(1, cal.overall.sent)).toFixed(3)),
      attainment: cal.overall.sloAttainment,
      speedProbeMs: Number(calibrationProbeMs.toFixed(1)),
      variants: Object.fromEntries(cal.apps.map((a) => [a.name, a.answeredBy])),
    };
    await server.serve.stop();
    server = undefined;
    log(`slo: capacity ${capacityPerS.toFixed(1)} requests/s measured (${profiledPerS.toFixed(1)}/s compute-only from profiles)`);

    for (const policy of policyList) {
      for (const [i, load] of loadList.entries()) {
        step(`${policy} at ${load}x (${(load * capacityPerS).toFixed(0)} requests/s)`);
        const rate = load * capacityPerS;
        if (server === undefined) server = await startSloServer(serverOptions(policy, repository), SLO_APPS, rate);
        else for (const app of SLO_APPS) await registerApp(server.url, app, rate); // expected rates follow the point
        const backlog = await pendingRequests(server.url);
        const speed = speedVsCalibration(calibrationProbeMs, speedProbeMs());
        if (speed !== null && speed < SLOW_VM_WARNING) log(`slo: WARNING the VM runs at ${speed} of its speed at calibration: this point will look worse than the policy is`);
        const report = await runPoint(server.url, SLO_APPS, rate, s.point, 100 + i);
        rows.push({ ...sloRow(policy, load, rate, report), backlogAtStart: backlog, speedVsCalibration: speed });
        if (i < loadList.length - 1) await waitDrained(server.url, DRAIN_MAX_MS);
      }
      await server?.serve.stop();
      server = undefined;
    }

    if (args['no-overload'] !== true) {
      const rate = OVERLOAD_LOAD * capacityPerS;
      step(`overload: tessera at ${OVERLOAD_LOAD}x (${rate.toFixed(0)} requests/s) for ${s.overload.measureS} s`);
      server = await startSloServer(serverOptions('tessera', repository), SLO_APPS, rate);
      overloadSpeed = speedVsCalibration(calibrationProbeMs, speedProbeMs());
      overload = await overloadPhase(server, SLO_APPS, OVERLOAD_LOAD, capacityPerS, s.overload, 1000);
      await server.serve.stop();
      server = undefined;
    }
    progress.update(total, total, 'done');
  } finally {
    progress.stop();
    await server?.serve.stop();
    await rm(runDir, { recursive: true, force: true });
  }

  const comparison = overloadComparison(rows);
  const result = {
    startedAt: startedAt.toISOString(),
    wallS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    command: `npm run bench:slo${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    quick: args.quick === true,
    tessera_max_load_at_99pct_attainment: maxLoadAtTarget(rows),
    overload_goodput_vs_best_baseline: comparison?.ratio ?? null,
    overload_3x:
      overload === undefined
        ? null
        : {
            peak_rss_mb: overload.peakRssMb,
            admitted_attainment: overload.admittedAttainment,
            duration_s: overload.durationS,
            load: overload.load,
            target_rate_per_s: overload.targetRatePerS,
            rss_after_warmup_mb: overload.rssAfterWarmupMb,
            rss_at_end_mb: overload.rssAtEndMb,
            max_rss_first_third_mb: overload.maxRssFirstThirdMb,
            max_rss_last_third_mb: overload.maxRssLastThirdMb,
            admitted_attainment_by_app: overload.admittedAttainmentByApp,
            server_admitted_attainment: overload.serverAdmittedAttainment,
            server_admitted_attainment_by_app: overload.serverAdmittedAttainmentByApp,
            speed_vs_calibration: overloadSpeed,
            row: overload.row,
          },
    overload_comparison: comparison,
    capacity: {
      definition:
        'requests/s (in the apps\' fixed mix) at which the tessera server, its workers and the load generator would use every core, from their CPU time per request sent, measured at a light load in this run',
      measured_per_s: Number(capacityPerS.toFixed(2)),
      profiled_compute_only_per_s: Number(profiledPerS.toFixed(2)),
      calibration,
    },
    setup: {
      cores,
      cpu: cpus()[0]?.model ?? 'unknown',
      workers: cores,
      threadsPerWorker: THREADS,
      maxBatchesInFlight: MAX_BATCHES_IN_FLIGHT,
      apps: SLO_APPS,
      models: SLO_MODELS,
      variantBatch1Ms: costs,
      policies: policyList,
      loads: loadList,
      point: s.point,
      overload: s.overload,
      loadAverageStart,
      loadAverageEnd: loadavg(),
    },
    rows,
  };
  const out = args.out ?? join(repoRoot(), 'bench', 'results', 'slo.json');
  await mkdir(join(out, '..'), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${formatSloTable(rows)}\n\n`);
  process.stdout.write(`capacity: ${result.capacity.measured_per_s} requests/s (compute-only from profiles: ${result.capacity.profiled_compute_only_per_s})\n`);
  process.stdout.write(`tessera keeps >= 99% attainment up to ${String(result.tessera_max_load_at_99pct_attainment)}x capacity\n`);
  if (comparison !== null) {
    process.stdout.write(`at ${comparison.load}x: tessera goodput ${comparison.tesseraGoodputPerS}/s vs best baseline ${comparison.bestBaseline} ${comparison.bestBaselineGoodputPerS}/s (ratio ${String(comparison.ratio)})\n`);
  }
  if (overload !== undefined) {
    process.stdout.write(
      `overload ${overload.load}x for ${overload.durationS} s: front-end peak RSS ${overload.peakRssMb} MiB (last third max ${overload.maxRssLastThirdMb}), admitted attainment ${String(overload.admittedAttainment)} (server's clock: ${String(overload.serverAdmittedAttainment)}), rejected ${overload.row.overall.rejected} of ${overload.row.overall.offered}\n`,
    );
  }
  process.stdout.write(`wrote ${out} (${result.wallS} s)\n`);
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
