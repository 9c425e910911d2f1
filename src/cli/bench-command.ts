// `tessera bench`: drive a server with open- or closed-loop load from a spec file or quick flags; print a table or JSON.

import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ServingError } from '../core/errors.js';
import { type Encoding, type LoadArrival, type LoadReport, type LoadSpec, type Protocol, formatLoadReport, parseTarget, readLoadSpecFile, runLoad } from '../loadgen/index.js';
import { DEFAULT_KEY_ENV } from '../loadgen/parse-load-spec.js';
import { traceTimesAll } from '../loadgen/trace-arrivals.js';
import { progressBar } from './progress.js';

export interface BenchOptions {
  readonly spec?: string;
  readonly target?: string;
  readonly rate?: number;
  readonly duration?: number;
  readonly arrival?: 'poisson' | 'deterministic' | 'mmpp' | 'diurnal' | 'closed' | 'replay';
  readonly clients?: number;
  readonly thinkMs?: number;
  readonly rates?: readonly [number, number];
  readonly dwellMs?: readonly [number, number];
  readonly minRate?: number;
  readonly periodS?: number;
  readonly ramp?: 'sine' | 'linear';
  readonly trace?: string;
  readonly timeScale?: number;
  readonly sloMs?: number;
  readonly minAccuracy?: number;
  readonly timeoutUs?: number;
  readonly priority?: number;
  readonly shapeModel?: string;
  readonly rows?: number;
  readonly protocol?: Protocol;
  readonly url?: string;
  readonly grpcUrl?: string;
  readonly key?: string;
  readonly encoding?: Encoding;
  readonly warmup?: number;
  readonly seed?: number;
  readonly maxOutstanding?: number;
  readonly connections?: number;
  readonly requestTimeoutMs?: number;
  readonly json?: boolean;
  readonly out?: string;
  /** true/false force the progress bar on/off; default: on when stderr is a terminal. */
  readonly progress?: boolean;
}

const DEFAULT_DURATION_S = 10;
const DEFAULT_RATE_PER_S = 10;
/** A forced progress display off a terminal prints a line this often, ms (a bar redraws every 500 ms). */
const LOG_PROGRESS_INTERVAL_MS = 5000;
const TTY_PROGRESS_INTERVAL_MS = 500;

/** The spec a run uses: the --spec file with command-line overrides, or one app built from the quick flags. */
export function benchSpec(o: BenchOptions, env: Readonly<Record<string, string | undefined>> = process.env): LoadSpec {
  const overrides = {
    ...(o.url === undefined ? {} : { url: o.url }),
    ...(o.grpcUrl === undefined ? {} : { grpcUrl: o.grpcUrl }),
    ...(o.protocol === undefined ? {} : { protocol: o.protocol }),
    ...(o.duration === undefined ? {} : { durationS: o.duration }),
    ...(o.warmup === undefined ? {} : { warmupS: o.warmup }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    ...(o.maxOutstanding === undefined ? {} : { maxOutstanding: o.maxOutstanding }),
    ...(o.connections === undefined ? {} : { connections: o.connections }),
    ...(o.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: o.requestTimeoutMs }),
    ...(o.encoding === undefined ? {} : { encoding: o.encoding }),
  };
  if (o.spec !== undefined) {
    if (o.target !== undefined) throw new ServingError('INVALID_ARGUMENT', '--spec and --target exclude each other');
    return { ...readLoadSpecFile(o.spec, env), ...overrides };
  }
  if (o.target === undefined) throw new ServingError('INVALID_ARGUMENT', 'give --spec <file> or --target <app:|task:|model:...>');
  const target = parseTarget(o.target, '--target');
  const key = o.key ?? env[DEFAULT_KEY_ENV];
  return {
    durationS: DEFAULT_DURATION_S,
    ...overrides,
    apps: [
      {
        name: target.name,
        target,
        arrival: quickArrival(o, o.duration ?? DEFAULT_DURATION_S),
        ...(o.sloMs === undefined ? {} : { sloMs: o.sloMs }),
        ...(o.minAccuracy === undefined ? {} : { minAccuracy: o.minAccuracy }),
        ...(o.timeoutUs === undefined ? {} : { timeoutUs: o.timeoutUs }),
        ...(o.priority === undefined ? {} : { priority: o.priority }),
        ...(o.shapeModel === undefined ? {} : { shapeModel: o.shapeModel }),
        ...(o.rows === undefined ? {} : { rows: o.rows }),
        ...(key === undefined ? {} : { key }),
      },
    ],
  };
}

function quickArrival(o: BenchOptions, durationS: number): LoadArrival {
  const rate = o.rate ?? DEFAULT_RATE_PER_S;
  const kind = o.arrival ?? (o.trace !== undefined ? 'replay' : o.clients !== undefined && o.rate === undefined ? 'closed' : 'poisson');
  switch (kind) {
    case 'poisson':
    case 'deterministic':
      return { kind, ratePerS: rate };
    case 'closed':
      return { kind, clients: o.clients ?? 1, ...(o.thinkMs === undefined ? {} : { thinkMs: o.thinkMs }) };
    case 'mmpp':
      return { kind, ratesPerS: o.rates ?? [rate, rate * 4], meanDwellMs: o.dwellMs ?? [1000, 250] };
    case 'diurnal':
      return { kind, minRatePerS: o.minRate ?? 0, maxRatePerS: rate, periodMs: (o.periodS ?? durationS) * 1000, ...(o.ramp === undefined ? {} : { shape: o.ramp }) };
    case 'replay': {
      if (o.trace === undefined) throw new ServingError('INVALID_ARGUMENT', '--arrival replay needs --trace <file.csv>');
      return { kind, timesMs: traceTimesAll(readFileSync(o.trace, 'utf8'), o.trace, o.timeScale ?? 1) };
    }
  }
}

/** Where the command writes: the report to `stdout`, progress to `stderr`. */
export interface BenchIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

const PROCESS_IO: BenchIo = { stdout: process.stdout, stderr: process.stderr };

export async function benchCommand(o: BenchOptions, io: BenchIo = PROCESS_IO): Promise<LoadReport> {
  const spec = benchSpec(o);
  const tty = io.stderr.isTTY === true;
  const showProgress = o.progress ?? tty;
  const bar = showProgress ? progressBar('bench', (msg) => io.stderr.write(`${msg}\n`)) : undefined;
  const ac = new AbortController();
  const onSigint = (): void => ac.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  let report: LoadReport;
  try {
    report = await runLoad(spec, {
      signal: ac.signal,
      ...(bar === undefined
        ? {}
        : {
            progressIntervalMs: tty ? TTY_PROGRESS_INTERVAL_MS : LOG_PROGRESS_INTERVAL_MS,
            onProgress: (p) => bar.update(Math.floor(p.elapsedS), Math.ceil(p.durationS), `s  sent ${p.sent} ok ${p.ok} rejected ${p.rejected}`),
          }),
    });
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (o.out !== undefined) writeFileSync(o.out, json);
  io.stdout.write(o.json === true ? json : formatLoadReport(report));
  return report;
}

function num(min: number, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`expected ${integer ? 'an integer' : 'a number'} >= ${min}`);
    return n;
  };
}

function pairOf(value: string): [number, number] {
  const parts = value.split(',').map(Number);
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x) || x < 0)) throw new InvalidArgumentError('expected two numbers >= 0, comma-separated (state 0, state 1)');
  return [parts[0] as number, parts[1] as number];
}

/** Adds `tessera bench` to `program`; `io` is for tests (default the process's stdout and stderr). */
export function registerBenchCommand(program: Command, io: BenchIo = PROCESS_IO): void {
  program
    .command('bench')
    .description('send open- or closed-loop load to an OIP server (HTTP or gRPC); report SLO attainment, goodput and latency per app')
    .option('--spec <file>', 'workload spec, YAML or JSON (see docs/loadgen.md)')
    .option('--target <t>', 'single target: app:<name>, task:<task> or model:<name>[@version]')
    .addOption(new Option('--arrival <kind>', 'arrival process (default poisson; closed when only --clients is given; replay with --trace)').choices(['poisson', 'deterministic', 'mmpp', 'diurnal', 'closed', 'replay']))
    .option('--rate <n>', `requests per second (diurnal: the peak) (default ${DEFAULT_RATE_PER_S})`, num(0))
    .option('--duration <s>', `seconds of load (default ${DEFAULT_DURATION_S})`, num(0))
    .option('--warmup <s>', 'leading seconds sent but not counted', num(0))
    .option('--clients <n>', 'closed loop: concurrent clients', num(1, true))
    .option('--think-ms <n>', 'closed loop: pause between a response and the next request, ms', num(0))
    .option('--rates <a,b>', 'mmpp: rate in state 0 and state 1, requests per second', pairOf)
    .option('--dwell-ms <a,b>', 'mmpp: mean time in state 0 and state 1, ms', pairOf)
    .option('--min-rate <n>', 'diurnal: lowest rate, requests per second (default 0)', num(0))
    .option('--period-s <n>', 'diurnal: period, s (default the duration)', num(0))
    .addOption(new Option('--ramp <shape>', 'diurnal: rate curve').choices(['sine', 'linear']))
    .option('--trace <file>', 'replay a timestamp_ms,app CSV trace (every row goes to --target)')
    .option('--time-scale <x>', 'replay: multiply trace gaps by this', num(0))
    .option('--slo-ms <n>', 'latency objective for scoring (task targets: also sent as tessera.slo_ms)', num(0))
    .option('--min-accuracy <x>', 'task targets: tessera.min_accuracy', num(0))
    .option('--timeout-us <n>', 'model targets: OIP timeout parameter, µs', num(1, true))
    .option('--priority <n>', 'model targets: OIP priority parameter', num(0, true))
    .option('--shape-model <m>', 'model whose metadata gives the input shapes (needed for task targets)')
    .option('--rows <n>', 'rows per request along a dynamic first dimension', num(1, true))
    .addOption(new Option('--protocol <p>', 'transport').choices(['http', 'grpc']))
    .option('--url <url>', 'HTTP base URL (default http://127.0.0.1:8000)')
    .option('--grpc-url <host:port>', 'gRPC address (default 127.0.0.1:8001)')
    .option('--key <token>', `bearer key (default $${DEFAULT_KEY_ENV})`)
    .addOption(new Option('--encoding <e>', 'HTTP input encoding').choices(['auto', 'json', 'binary']))
    .option('--seed <n>', 'random seed', num(0, true))
    .option('--max-outstanding <n>', 'open loop: most requests awaiting a response per app; more are dropped and counted', num(1, true))
    .option('--connections <n>', 'HTTP keep-alive connections', num(1, true))
    .option('--request-timeout-ms <n>', 'a request unanswered this long counts as a timeout', num(1))
    .option('--json', 'print the report as JSON instead of a table')
    .option('--out <file>', 'also write the JSON report to this file')
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .option('--no-progress', 'never show progress')
    .action(async (opts: BenchOptions) => {
      await benchCommand(opts, io);
    });
}
