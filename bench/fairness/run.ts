// `npm run bench:fairness`: fair device sharing (Olympian-style) vs FIFO vs uncontrolled on one machine; writes bench/results/fairness.json.
//
//   node dist/bench/fairness/run.js [--quick] [--state-dir DIR] [--out FILE] [--policies fifo,fair,uncontrolled] [--reuse-profiles] [--threads N]
//                                   [--fair-args="--max-batches-in-flight 1"]
//
// Profiles the three models (the fair server cuts them into segments from their profiled cost), then starts one
// server per policy and runs, each for the same seconds: every model alone (FIFO: the exclusive baseline), the three
// models with equal weights, with weights 1:2:4, and the small model at a moderate Poisson rate beside vgg16.

import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { profileCommand } from '../../src/cli/profile-command.js';
import { ProfileStore } from '../../src/profiler/profile-store.js';
import { repoRoot } from '../lib/repo-root.js';
import { type FairnessPolicy, MODELS, POLICIES, SMALL_MODEL, WEIGHTS, fairnessSettings } from './fairness-config.js';
import { writeFairnessRepository } from './fairness-repository.js';
import { fairnessSummary } from './fairness-report.js';
import { fairnessTable } from './fairness-table.js';
import { type PolicyRun, type RawPoint, runPolicy } from './policy-run.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    /** Holds the zoo (reused across benchmarks) and this benchmark's repository, profiles and segments. */
    'state-dir': { type: 'string' },
    /** Default bench/results/fairness.json; --quick writes to the temp folder unless given. */
    out: { type: 'string' },
    /** Subset while developing; the exclusive baseline comes from fifo, so keep it in. */
    policies: { type: 'string' },
    /** Keep stored profiles of an earlier run (default in --quick). */
    'reuse-profiles': { type: 'boolean', default: false },
    /** Extra `tessera serve` arguments of the fair server, e.g. "--max-batches-in-flight 1 --segment-quantum-ms 4". */
    'fair-args': { type: 'string' },
    /** onnxruntime intra-op threads of every policy's workers (default 1). */
    threads: { type: 'string' },
  },
});

const t0Ms = performance.now();
const log = (m: string): void => void process.stderr.write(`[${((performance.now() - t0Ms) / 1000).toFixed(0)} s] ${m}\n`);

function policiesFromArgs(): FairnessPolicy[] {
  const list = args.policies?.split(',').map((p) => p.trim()).filter((p) => p !== '') ?? [...POLICIES];
  for (const p of list) if (!(POLICIES as readonly string[]).includes(p)) throw new Error(`--policies: unknown policy '${p}' (${POLICIES.join(', ')})`);
  // FIFO first: its "alone" points are the exclusive baseline every other row is scored against.
  return POLICIES.filter((p) => list.includes(p));
}

/** Profiles each model at the server's thread count, batch 1, unless --reuse-profiles finds one stored. */
async function ensureProfiles(repository: string, stateDir: string, reuse: boolean, settings: ReturnType<typeof fairnessSettings>): Promise<void> {
  const store = new ProfileStore({ stateDir, repositoryDir: repository });
  const missing: string[] = [];
  for (const model of MODELS) {
    const stored = reuse ? await store.getKind(model, '1', 'cpu') : undefined;
    if (stored?.points.some((p) => p.batchSize === 1 && p.threads === settings.threads) !== true) missing.push(model);
  }
  if (missing.length === 0) return log('profiles: reusing stored ones');
  log(`profiles: ${missing.join(', ')} (batch 1, ${settings.threads} threads)`);
  await profileCommand({
    repository,
    stateDir,
    models: missing,
    threads: [settings.threads],
    maxBatch: 1,
    executorKinds: ['cpu'],
    cellBudgetMs: settings.profileCellBudgetMs,
    modelBudgetMs: settings.profileModelBudgetMs,
    logLevel: 'warn',
    write: () => undefined,
  });
}

async function main(): Promise<void> {
  const threads = args.threads === undefined ? undefined : Number(args.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`--threads: expected an integer >= 1, got '${args.threads}'`);
  const settings = { ...fairnessSettings(args.quick), ...(threads === undefined ? {} : { threads }) };
  const policies = policiesFromArgs();
  const root = repoRoot();
  const stateRoot = args['state-dir'] ?? join(tmpdir(), 'tessera-bench-state');
  const workDir = join(stateRoot, 'fairness');
  const repository = join(workDir, 'repository');
  const stateDir = join(workDir, 'state');
  const outFile = args.out ?? (args.quick ? join(tmpdir(), 'fairness-quick.json') : join(root, 'bench', 'results', 'fairness.json'));
  const fairArgs = args['fair-args']?.split(/\s+/).filter((a) => a !== '') ?? [];
  const loadAverageStart = loadavg();
  log(`fairness: ${settings.quick ? 'quick' : 'full'} run of ${policies.join(', ')} on ${MODELS.join(', ')}; zoo in ${join(stateRoot, 'zoo')}`);
  await writeFairnessRepository(repository, join(stateRoot, 'zoo'), MODELS);
  await ensureProfiles(repository, stateDir, args['reuse-profiles'] || args.quick, settings);
  const runs: PolicyRun[] = [];
  let holSmallRatePerS = settings.holSmallRatePerS;
  // FIFO runs first: its small model alone sets the head-of-line rate that every policy then gets.
  const onPoint = (policy: FairnessPolicy, p: RawPoint): void => {
    const f = p.measurement.flows[0];
    if (policy !== 'fifo' || p.experiment !== 'alone' || f?.model !== SMALL_MODEL || !(f.report.throughputPerS > 0)) return;
    holSmallRatePerS = Number((settings.holSmallLoadFraction * f.report.throughputPerS).toFixed(1));
    log(`head-of-line: ${SMALL_MODEL} at ${holSmallRatePerS} requests/s (${settings.holSmallLoadFraction * 100}% of its ${f.report.throughputPerS.toFixed(1)}/s alone)`);
  };
  for (const policy of policies) {
    runs.push(await runPolicy(policy, { repository, stateDir, settings, extraArgs: policy === 'fair' ? fairArgs : [], alone: policy !== 'uncontrolled', holSmallRatePerS: () => holSmallRatePerS, onPoint, log }));
  }
  const summary = fairnessSummary(runs);
  const result = {
    ...summary,
    models: MODELS,
    weights: WEIGHTS,
    hol_small_rate_per_s: holSmallRatePerS,
    fair_extra_args: fairArgs,
    segments: runs.find((r) => r.policy === 'fair')?.segments ?? {},
    server_problems: Object.fromEntries(runs.map((r) => [r.policy, r.problems])),
    settings,
    machine: { cpus: availableParallelism(), cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version, load_average_start: loadAverageStart, load_average_end: loadavg() },
    wall_s: (performance.now() - t0Ms) / 1000,
    started_at: new Date(Date.now() - (performance.now() - t0Ms)).toISOString(),
  };
  await mkdir(join(outFile, '..'), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(fairnessTable(summary));
  log(`fairness: wrote ${outFile}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
