// `tessera profile`: sweeps models of a repository (default: the built-in zoo) on a worker process of its own,
// stores the profiles (state directory and beside each model) and prints a table or JSON.

import { type Command, InvalidArgumentError, Option } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ServingError } from '../core/errors.js';
import { WorkerPool } from '../executor/worker-pool.js';
import { relativeErrors } from '../profiler/fit.js';
import { type GpuAvailability, probeGpu } from '../profiler/gpu-provider.js';
import type { ExecutorKind, ModelProfile } from '../profiler/profile.js';
import { ProfileStore } from '../profiler/profile-store.js';
import { type ProfileBudget, type ProfileTarget, profileModel } from '../profiler/profiler.js';
import { batchSizesUpTo, threadCountsUpTo } from '../profiler/sweep-axes.js';
import { workerRssBytes } from '../profiler/worker-rss.js';
import { ModelRepository } from '../repository/model-repository.js';
import { progressBar } from './progress.js';
import { defaultServerOptions } from './server-options.js';
import { ensureZoo } from './server.js';

export interface ProfileCommandOptions {
  /** Model repository; absent: the built-in zoo under the state directory (generated if missing). */
  readonly repository?: string;
  /** Profiles are stored under <stateDir>/profiles. */
  readonly stateDir: string;
  /** Models to profile (every version of each); default all in the repository. */
  readonly models?: readonly string[];
  /** Intra-op thread counts; default 1, 2, 4, … up to this machine's cores. */
  readonly threads?: readonly number[];
  /** Cap on the largest batch swept (a model's own max_batch_size still applies). */
  readonly maxBatch?: number;
  /** Executor kinds; default 'auto': cpu, plus gpu when a session loads with the CUDA provider. */
  readonly executorKinds?: readonly ExecutorKind[] | 'auto';
  /** Budget of one cell and of one model per kind, ms (defaults 2000 and 20000). */
  readonly cellBudgetMs?: number;
  readonly modelBudgetMs?: number;
  /** Print JSON ({ profiles, failures, gpu }) instead of a table. */
  readonly json?: boolean;
  readonly logLevel?: string;
  /** Where the table or JSON goes (default stdout). */
  readonly write?: (text: string) => void;
}

export interface ProfileFailure {
  readonly model: string;
  readonly version: string;
  readonly executorKind: ExecutorKind;
  readonly reason: string;
}

export async function profileCommand(o: ProfileCommandOptions): Promise<void> {
  const write = o.write ?? ((text: string) => void process.stdout.write(text));
  // Logs go to stderr so `--json` output on stdout stays parseable.
  const logger = pino({ level: o.logLevel ?? 'info' }, pino.destination(2));
  const repositoryDir = o.repository ?? (await ensureZoo(join(o.stateDir, 'zoo'), logger));
  const targets = await selectTargets(repositoryDir, o, logger);
  const store = new ProfileStore({ stateDir: o.stateDir, repositoryDir, logger });
  const threads = o.threads ?? threadCountsUpTo(availableParallelism());
  const budget: Partial<ProfileBudget> = {
    ...(o.cellBudgetMs === undefined ? {} : { maxCellMs: o.cellBudgetMs }),
    ...(o.modelBudgetMs === undefined ? {} : { maxModelMs: o.modelBudgetMs }),
  };
  const runDir = mkdtempSync(join(tmpdir(), 'tessera-prof-'));
  const pool = new WorkerPool();
  const profiles: ModelProfile[] = [];
  const failures: ProfileFailure[] = [];
  let gpu: GpuAvailability = { available: false, reason: 'not requested' };
  try {
    await pool.start(1, { runDir });
    const worker = pool.executor('worker-0');
    const first = targets[0];
    const wanted = o.executorKinds ?? 'auto';
    if (wanted === 'auto' && first !== undefined) gpu = await probeGpu(worker, first.path);
    else if (wanted !== 'auto' && wanted.includes('gpu')) gpu = { available: true };
    const kinds: ExecutorKind[] = wanted === 'auto' ? (gpu.available ? ['cpu', 'gpu'] : ['cpu']) : [...wanted];
    if (!gpu.available && wanted === 'auto') logger.info({ reason: gpu.reason }, 'profiling on the CPU only');

    const planned = (t: Pick<ProfileTarget, 'maxBatchSize'>): number => threads.length * batchSizesUpTo(t.maxBatchSize).length;
    const total = targets.reduce((s, t) => s + planned(t) * kinds.length, 0);
    const bar = progressBar('profiling', (m) => logger.info(m));
    let base = 0;
    for (const target of targets) {
      for (const executorKind of kinds) {
        try {
          const profile = await profileModel(worker, { ...target, executorKind }, {
            threads,
            budget,
            rssBytes: () => workerRssBytes(worker),
            onProgress: (done, _total, label) => bar.update(base + done, total, label),
          });
          await store.save(profile);
          profiles.push(profile);
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          failures.push({ model: target.model, version: target.version, executorKind, reason });
          logger.warn({ model: target.model, version: target.version, executorKind, err: reason }, 'profiling failed');
        }
        base += planned(target);
        bar.update(base, total, `${target.model}@${target.version} ${executorKind} done`);
      }
    }
    bar.stop();
  } finally {
    await pool.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
  write(o.json === true ? `${JSON.stringify({ profiles, failures, gpu }, null, 2)}\n` : profileTable(profiles, failures, gpu));
  if (failures.length > 0) throw new ServingError('INTERNAL', `${failures.length} profile(s) failed (see above)`);
}

/** Every version of the chosen models; NOT_FOUND names a model the repository does not have. */
async function selectTargets(repositoryDir: string, o: ProfileCommandOptions, logger: Logger): Promise<Omit<ProfileTarget, 'executorKind'>[]> {
  const models = await new ModelRepository(repositoryDir).scan();
  const wanted = o.models !== undefined && o.models.length > 0 ? o.models : undefined;
  for (const name of wanted ?? []) {
    if (!models.some((m) => m.name === name)) {
      throw new ServingError('NOT_FOUND', `no model '${name}' in ${repositoryDir} (it has: ${models.map((m) => m.name).join(', ')})`);
    }
  }
  const defaultMaxBatch = defaultServerOptions().defaultMaxBatchSize;
  const targets: Omit<ProfileTarget, 'executorKind'>[] = [];
  for (const m of models) {
    if (wanted !== undefined && !wanted.includes(m.name)) continue;
    if (m.error !== undefined) {
      logger.warn({ model: m.name, err: m.error }, 'model skipped: it cannot be served');
      continue;
    }
    const ownMax = m.config.maxBatchSize ?? defaultMaxBatch;
    const maxBatchSize = o.maxBatch === undefined ? ownMax : Math.min(ownMax, o.maxBatch);
    for (const v of m.versions) targets.push({ model: m.name, version: String(v.version), path: v.path, maxBatchSize });
  }
  if (targets.length === 0) throw new ServingError('NOT_FOUND', `nothing to profile in ${repositoryDir}`);
  return targets;
}

function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 10 ** digits ? value.toFixed(0) : value.toPrecision(digits);
}

/** Aligned text: one row per point, then each profile's fit; failures and the GPU verdict last. */
export function profileTable(profiles: readonly ModelProfile[], failures: readonly ProfileFailure[], gpu: GpuAvailability): string {
  const header = ['model', 'ver', 'kind', 'batch', 'threads', 'p50 ms', 'p95 ms', 'rows/s', 'fit err', 'stable'];
  const rows: string[][] = [];
  for (const p of profiles) {
    const errors = relativeErrors(p.fit, p.points.map((pt) => ({ batchSize: pt.batchSize, cores: pt.threads, latencyMs: pt.latency.p50Ms })));
    p.points.forEach((pt, i) => {
      rows.push([
        p.model,
        p.version,
        p.executorKind,
        String(pt.batchSize),
        String(pt.threads),
        fmt(pt.latency.p50Ms),
        fmt(pt.latency.p95Ms),
        fmt(pt.throughputPerS),
        `${fmt((errors[i] ?? Number.NaN) * 100, 2)}%`,
        pt.converged === false ? 'no' : 'yes',
      ]);
    });
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  const out = [line(header), ...rows.map(line), ''];
  for (const p of profiles) {
    const f = p.fit;
    out.push(
      `${p.model}@${p.version} ${p.executorKind}: latency ≈ (${fmt(f.fixedMs)} + ${fmt(f.perItemMs)}·batch) ms × (${f.serialFraction.toFixed(2)} + ${(1 - f.serialFraction).toFixed(2)}/threads);` +
        ` fit error median ${fmt(f.medianRelError * 100, 2)}% max ${fmt(f.maxRelError * 100, 2)}%; load ${fmt(p.loadMs)} ms;` +
        ` memory +${fmt(p.memGrowthBytes / 2 ** 20)} MiB; ${p.skipped?.length ?? 0} cell(s) skipped; ${fmt((p.sweepMs ?? 0) / 1000, 2)} s`,
    );
  }
  for (const f of failures) out.push(`FAILED ${f.model}@${f.version} ${f.executorKind}: ${f.reason}`);
  if (!gpu.available) out.push(`GPU: ${gpu.reason}`);
  return `${out.join('\n')}\n`;
}

/** "1,2,4" → [1, 2, 4] (each an integer ≥ 1), for --threads. */
export function parseIntList(value: string): number[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const numbers = items.map(Number);
  if (numbers.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError('expected a comma-separated list of integers >= 1, e.g. 1,2,4');
  }
  return numbers;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

/** Adds `tessera profile` to a commander program (main.ts calls this). */
export function addProfileCommand(program: Command, defaults: { readonly stateDir: string }): void {
  program
    .command('profile')
    .description('measure latency of every model version over batch sizes and thread counts; store and print the profiles')
    .option('--repository <dir>', 'model repository directory (default: the built-in zoo in the state directory)')
    .option('--state-dir <dir>', 'state directory (profiles are stored under <dir>/profiles)', defaults.stateDir)
    .option('--model <name...>', 'models to profile (default: all)')
    .option('--threads <list>', 'intra-op thread counts, comma-separated (default: 1,2,4,… up to the cores)', parseIntList)
    .option('--max-batch <n>', 'largest batch size to sweep (a model’s max_batch_size still applies)', positiveInt)
    .addOption(new Option('--executor <kind>', 'executor kinds: auto (cpu, plus gpu when available), cpu or gpu').choices(['auto', 'cpu', 'gpu']).default('auto'))
    .option('--cell-budget-ms <n>', 'time budget of one (batch, threads) cell, ms', positiveInt)
    .option('--model-budget-ms <n>', 'time budget of one model per executor kind, ms', positiveInt)
    .option('--json', 'print the profiles as JSON')
    .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'))
    .action(async (opts: Record<string, unknown>) => {
      const executor = opts['executor'] as 'auto' | ExecutorKind;
      await profileCommand({
        stateDir: opts['stateDir'] as string,
        ...(opts['repository'] === undefined ? {} : { repository: opts['repository'] as string }),
        ...(opts['model'] === undefined ? {} : { models: opts['model'] as string[] }),
        ...(opts['threads'] === undefined ? {} : { threads: opts['threads'] as number[] }),
        ...(opts['maxBatch'] === undefined ? {} : { maxBatch: opts['maxBatch'] as number }),
        ...(opts['cellBudgetMs'] === undefined ? {} : { cellBudgetMs: opts['cellBudgetMs'] as number }),
        ...(opts['modelBudgetMs'] === undefined ? {} : { modelBudgetMs: opts['modelBudgetMs'] as number }),
        executorKinds: executor === 'auto' ? 'auto' : [executor],
        json: opts['json'] === true,
        logLevel: opts['logLevel'] as string,
      });
    });
}
