#!/usr/bin/env -S node --initial-old-space-size=256
// The `tessera` command line: serve, zoo, infer, profile, sim, app, tenant, bench.

import { Command, InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import pino from 'pino';
import { registerAppCommands } from './app-command.js';
import { registerBenchCommand } from './bench-command.js';
import { inferCommand } from './infer-command.js';
import { addProfileCommand } from './profile-command.js';
import { simCommand } from './sim-command.js';
import { type AdmissionSettings, type ServerOptions, defaultServerOptions } from './server-options.js';
import { ensureZoo, packageVersion, startServer } from './server.js';
import { POLICY_NAMES, type PolicyName } from '../engine/scheduling-policy.js';

function int(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
}

/** A fraction in (0, 1]: a quantile or a share. */
function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError('expected a number in (0, 1]');
  return n;
}

const d = defaultServerOptions();

/** `tessera serve --admission-*`: each flag, the AdmissionSettings field it sets, its parser and its help. */
const ADMISSION_FLAGS: readonly (readonly [keyof AdmissionSettings, string, (v: string) => number, string])[] = [
  ['quantile', '--admission-quantile <q>', fraction, "admission's margin: this quantile of recent lateness"],
  ['overloadedQuantile', '--admission-overloaded-quantile <q>', fraction, "admission's margin while overloaded (refusals free): this quantile of recent lateness"],
  ['horizonMs', '--admission-horizon-ms <n>', int(1), "admission's margin: lateness older than this is forgotten, ms"],
  ['minSamples', '--admission-min-samples <n>', int(1), "admission's margin: fewer late/early reports than this give no margin (not applied while overloaded)"],
  ['recurrence', '--admission-recurrence <n>', int(1), "admission's margin when not overloaded: at most the lateness reached in this many distinct 100 ms windows (1: off)"],
  ['overloadedShare', '--admission-overloaded-share <f>', fraction, 'executors count as overloaded when this share of recent decisions were refusals'],
];

const program = new Command('tessera').description('SLO-aware multi-tenant inference serving (Open Inference Protocol V2)').version(packageVersion());

const serve = program
  .command('serve')
  .description('serve a model repository (default: the built-in zoo) over HTTP and gRPC')
  .option('--repository <dir>', 'model repository directory (default: the built-in zoo in the state directory)')
  .option('--state-dir <dir>', 'state directory (zoo, persisted state)', d.stateDir)
  .option('--host <addr>', 'address to bind', d.host)
  .option('--http-port <n>', 'HTTP port (0: any free port)', int(0), d.httpPort)
  .option('--grpc-port <n>', 'gRPC port (0: any free port)', int(0), d.grpcPort)
  .option('--no-grpc', 'disable the gRPC front end')
  .option('--workers <n>', 'worker processes running onnxruntime', int(1), d.workers)
  .option('--threads <n>', 'onnxruntime intra-op threads per session (a model config may override)', int(1), d.intraOpThreads)
  .option('--max-batch-size <n>', 'max batch for models without a config whose graph batches', int(0), d.defaultMaxBatchSize)
  .option('--max-queue-delay-us <n>', 'dynamic batching delay for models without a config, µs', int(0), d.defaultMaxQueueDelayUs)
  .option('--max-queue-length <n>', 'queued requests per model version before 429', int(1), d.maxQueueLength)
  .option('--max-body-bytes <n>', 'largest request body before 413, bytes', int(1), d.maxBodyBytes)
  .addOption(new Option('--model-control <mode>', 'none: load all models at start; explicit: only --load-model').choices(['none', 'explicit']).default(d.modelControl))
  .option('--load-model <name...>', 'models to load at start in explicit mode', [])
  .option('--drain-timeout-ms <n>', 'how long SIGTERM waits for in-flight requests, ms', int(0), d.drainTimeoutMs)
  .option('--unavailable-timeout-ms <n>', 'how long requests wait for a crashed worker to return, ms', int(1), d.unavailableTimeoutMs)
  .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default(d.logLevel))
  .option('--max-batches-in-flight <n>', 'batches each model instance may have outstanding in its worker', int(1), d.maxBatchesInFlight)
  .option('--no-profile', 'do not profile models in the background after they load')
  .option('--profile-cell-budget-ms <n>', 'background profiling budget per batch-size × threads cell, ms', int(1), d.profileCellBudgetMs)
  .option('--profile-model-budget-ms <n>', 'background profiling budget per model, ms', int(1), d.profileModelBudgetMs)
  .addOption(new Option('--policy <name>', 'scheduling policy: tessera (EDF, deadline-aware batching, admission), fair (weighted-fair device arbiter), or a baseline').choices([...POLICY_NAMES]).default(d.policy))
  .option('--auth', 'require API keys (bearer tokens) per tenant; an admin key manages tenants and the repository')
  .option('--apps <file>', 'YAML file of tenants and apps to register at start')
  .option('--worker-nice <n>', 'niceness of the worker processes (0-19), so the front end is scheduled first on shared cores', int(0), d.workerNice)
  .option('--segment-quantum-ms <n>', 'fair policy: cut models into graph segments of about this much profiled time (0: whole batches)', nonNegative, d.segmentQuantumMs)
  .addOption(
    new Option('--worker-heap <mode>', "workers' C heap: release (freed memory back to the OS) or reuse (kept for the next tensors); auto: reuse when the policy cuts models into segments")
      .choices(['auto', 'release', 'reuse'])
      .default(d.workerHeap),
  )
  .option('--preempt-quantum-ms <n>', 'tessera policy: cut models slower than this into segments of about this size, so earlier deadlines overtake them (0: never)', nonNegative, d.preemptQuantumMs);
const admissionOptions = ADMISSION_FLAGS.map(([field, flag, parse, help]) => {
  const option = new Option(flag, help).argParser(parse).default(d.admission[field]);
  serve.addOption(option);
  return [field, option] as const;
});
serve.action(async (opts: Record<string, unknown>) => {
  const server = await startServer({
    repository: opts['repository'] as string | undefined,
    stateDir: opts['stateDir'] as string,
    host: opts['host'] as string,
    httpPort: opts['httpPort'] as number,
    grpcPort: opts['grpc'] === false ? -1 : (opts['grpcPort'] as number),
    workers: opts['workers'] as number,
    intraOpThreads: opts['threads'] as number,
    defaultMaxBatchSize: opts['maxBatchSize'] as number,
    defaultMaxQueueDelayUs: opts['maxQueueDelayUs'] as number,
    maxQueueLength: opts['maxQueueLength'] as number,
    maxBodyBytes: opts['maxBodyBytes'] as number,
    modelControl: opts['modelControl'] as 'none' | 'explicit',
    loadModels: opts['loadModel'] as string[],
    drainTimeoutMs: opts['drainTimeoutMs'] as number,
    unavailableTimeoutMs: opts['unavailableTimeoutMs'] as number,
    logLevel: opts['logLevel'] as string,
    maxBatchesInFlight: opts['maxBatchesInFlight'] as number,
    backgroundProfile: opts['profile'] !== false,
    profileCellBudgetMs: opts['profileCellBudgetMs'] as number,
    profileModelBudgetMs: opts['profileModelBudgetMs'] as number,
    policy: opts['policy'] as PolicyName,
    auth: opts['auth'] === true,
    appsFile: opts['apps'] as string | undefined,
    segmentQuantumMs: opts['segmentQuantumMs'] as number,
    preemptQuantumMs: opts['preemptQuantumMs'] as number,
    workerNice: opts['workerNice'] as number,
    workerHeap: opts['workerHeap'] as ServerOptions['workerHeap'],
    admission: Object.fromEntries(admissionOptions.map(([field, option]) => [field, opts[option.attributeName()] as number])) as AdmissionSettings,
  });
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      server.logger.info({ signal: sig }, 'shutting down');
      void server.stop().then(() => process.exit(0));
    });
  }
});

program
  .command('zoo')
  .description('(re)generate the built-in model zoo')
  .option('--state-dir <dir>', 'state directory', d.stateDir)
  .option('--out <dir>', 'write the zoo here instead of <state-dir>/zoo')
  .option('--reuse', 'keep up-to-date models instead of regenerating all')
  .action(async (opts: { stateDir: string; out?: string; reuse?: boolean }) => {
    const logger = pino({ level: 'info' });
    const written = await ensureZoo(opts.out ?? join(opts.stateDir, 'zoo'), logger, opts.reuse !== true);
    logger.info({ dir: written }, 'zoo written');
  });

program
  .command('infer <model>')
  .description('send one inference request to a running server and print outputs and timing')
  .option('--url <url>', 'server base URL', 'http://127.0.0.1:8000')
  .option('--model-version <v>', 'model version (default: latest ready)')
  .option('--batch <n>', 'batch size for random inputs', int(1), 1)
  .option('--data <name=file...>', 'raw little-endian bytes for an input (others random)', [])
  .option('--request <file>', 'a complete OIP JSON request body to send')
  .option('--repeat <n>', 'send the request n times and report latency percentiles', int(1), 1)
  .option('--json', 'print the response and timing as JSON')
  .action(async (model: string, opts: Record<string, unknown>) => {
    await inferCommand(model, {
      url: opts['url'] as string,
      ...(opts['modelVersion'] === undefined ? {} : { version: opts['modelVersion'] as string }),
      batch: opts['batch'] as number,
      data: opts['data'] as string[],
      ...(opts['request'] === undefined ? {} : { request: opts['request'] as string }),
      repeat: opts['repeat'] as number,
      json: opts['json'] === true,
    });
  });

addProfileCommand(program, { stateDir: d.stateDir });
registerAppCommands(program);
registerBenchCommand(program);

program
  .command('sim')
  .description('simulate a workload on a cluster from profiles (discrete-event, same batchers, selectors and admission as the server)')
  .requiredOption('--workload <file>', 'workload JSON/YAML, or a timestamp_ms,model CSV trace')
  .requiredOption('--cluster <file>', 'cluster JSON/YAML (executors with sharing fifo | wfq | edf, placements)')
  .requiredOption('--profiles <dir|file>', 'ModelProfile JSON file, or a directory searched for *.json')
  .option('--duration-s <n>', 'simulated seconds of arrivals', Number, 60)
  .option('--warmup-s <n>', 'seconds excluded from statistics (default 10% of the duration)', Number)
  .option('--seed <n>', 'random seed', int(0), 1)
  .option('--max-requests <n>', 'stop arrivals after n requests', int(1))
  .addOption(new Option('--distribution <d>', 'service-time spread').choices(['gamma', 'lognormal', 'exponential', 'deterministic']))
  .option('--json', 'print the result as JSON')
  .action(async (o: Record<string, unknown>) => {
    await simCommand({
      workload: o['workload'] as string,
      cluster: o['cluster'] as string,
      profiles: o['profiles'] as string,
      durationS: o['durationS'] as number,
      ...(o['warmupS'] === undefined ? {} : { warmupS: o['warmupS'] as number }),
      seed: o['seed'] as number,
      ...(o['maxRequests'] === undefined ? {} : { maxRequests: o['maxRequests'] as number }),
      ...(o['distribution'] === undefined ? {} : { distribution: o['distribution'] as 'gamma' | 'lognormal' | 'exponential' | 'deterministic' }),
      json: o['json'] === true,
    });
  });

program.parseAsync().catch((e: unknown) => {
  process.stderr.write(`tessera: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
