// Overhead benchmark (npm run bench:overhead): raw onnxruntime loop vs Tessera (HTTP JSON, HTTP binary, gRPC) vs a
// naive fastify server, same cores, external load generators; writes bench/results/overhead.json and prints a table.

import { mkdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../../src/cli/progress.js';
import { ZOO_MAX_QUEUE_DELAY_US, ZOO_MODEL_VERSION, generateZoo } from '../../src/repository/zoo/generate-zoo.js';
import { ZOO } from '../../src/repository/zoo/zoo-catalog.js';
import { type ChildTask, forkChildTask } from '../lib/child-task.js';
import type { MeasureWindow } from '../lib/load-result.js';
import { procMemory } from '../lib/proc-stats.js';
import { repoRoot } from '../lib/repo-root.js';
import { bestOfRepeats } from './best-of-repeats.js';
import type { BenchModelName } from './bench-models.js';
import { checkAnswer } from './check-answer.js';
import { type ServerPids, measureLoad } from './measure-load.js';
import { measureRaw } from './measure-raw.js';
import type { CaseResult, Protocol } from './measurements.js';
import type { NaiveServerConfig } from './naive-server-child.js';
import { buildOverheadReport, overheadTable } from './overhead-report.js';
import { type TesseraMemory, type TesseraProcess, startTesseraProcess } from './tessera-process.js';
import { engineBreakdown, fetchModelStats } from './tessera-stats.js';

const MODELS: readonly BenchModelName[] = ['tiny-add', 'resnet50'];
const PROTOCOLS: readonly Exclude<Protocol, 'ort'>[] = ['http-json', 'http-binary', 'grpc'];
const CONCURRENCIES = [1, 8] as const;
/** Tessera's layout on a 2-core machine: 2 worker processes × 1 intra-op thread. */
const WORKERS = 2;
const WORKER_THREADS = 1;
/** processes × intra-op threads; 2x1 is Tessera's layout, 1x2 the alternative, 1x1 the concurrency-1 reference. */
const RAW_LAYOUTS = [[1, 1], [2, 1], [1, 2]] as const;
const NAIVE_THREADS = 2;
const WINDOWS: Record<BenchModelName, MeasureWindow> = {
  'tiny-add': { warmupMs: 1_500, durationMs: 6_000 },
  resnet50: { warmupMs: 2_000, durationMs: 10_000 },
};
const QUICK_WINDOW: MeasureWindow = { warmupMs: 500, durationMs: 1_500 };
/** The whole matrix runs this many times, interleaved, so a burst of other load on the machine hits every server. */
const DEFAULT_REPEATS = 2;
const NAIVE_CHILD = new URL('./naive-server-child.js', import.meta.url);

interface Step {
  readonly label: string;
  run(): Promise<void>;
}

/** What the steps of every repetition write into. */
interface Sink {
  readonly cases: CaseResult[];
  readonly naivePeakRssBytes: Partial<Record<BenchModelName, number>>;
  /** Tessera memory once serving (first repetition) and when each server stopped. */
  idle?: TesseraMemory;
  readonly atStop: TesseraMemory[];
  server?: TesseraProcess;
}

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    repeats: { type: 'string', default: String(DEFAULT_REPEATS) },
    'state-dir': { type: 'string' },
  },
});
const window = (model: BenchModelName): MeasureWindow => (args.quick === true ? QUICK_WINDOW : WINDOWS[model]);
const log = (m: string): void => void process.stderr.write(`${m}\n`);

function rawSteps(sink: Sink, modelPath: (m: string) => string, repeat: number): Step[] {
  return MODELS.flatMap((model) =>
    RAW_LAYOUTS.map(([processes, threads]) => ({
      label: `raw ${model} ${processes}x${threads}`,
      run: async () => void sink.cases.push({ ...(await measureRaw(model, modelPath(model), processes, threads, window(model))), repeat }),
    })),
  );
}

function naiveSteps(sink: Sink, modelPath: (m: string) => string, repeat: number): Step[] {
  return MODELS.flatMap((model) => {
    const config: NaiveServerConfig = { modelPath: modelPath(model), model, intraOpThreads: NAIVE_THREADS };
    let naive: ChildTask<number, unknown> | undefined;
    let port = 0;
    const pids = (): ServerPids => ({ server: naive?.pid ?? -1, workers: [] });
    return [
      {
        label: `start naive server (${model})`,
        run: async () => {
          naive = forkChildTask<number, unknown>(NAIVE_CHILD, config, `naive server ${model}`);
          port = await naive.ready;
          if (model === 'tiny-add') await checkAnswer(port);
        },
      },
      ...CONCURRENCIES.map((c) => ({
        label: `naive ${model} http-json c${c}`,
        run: async () => void sink.cases.push({ ...(await measureLoad({ server: 'naive', httpPort: port, pids }, model, 'http-json', c, window(model))), intraOpThreads: NAIVE_THREADS, repeat }),
      })),
      {
        label: `stop naive server (${model})`,
        run: async () => {
          if (naive === undefined) return;
          const peak = procMemory(naive.pid)?.peakRssBytes ?? 0;
          sink.naivePeakRssBytes[model] = Math.max(peak, sink.naivePeakRssBytes[model] ?? 0);
          naive.send({ kind: 'stop' });
          await naive.result;
        },
      },
    ];
  });
}

function tesseraSteps(sink: Sink, stateDir: string, repeat: number): Step[] {
  const running = (): TesseraProcess => {
    if (sink.server === undefined) throw new Error('tessera is not running');
    return sink.server;
  };
  const cases = MODELS.flatMap((model) =>
    PROTOCOLS.flatMap((protocol) =>
      CONCURRENCIES.map((c) => ({
        label: `tessera ${model} ${protocol} c${c}`,
        run: async () => {
          const server = running();
          const before = await fetchModelStats(server.httpPort, model);
          const target = { server: 'tessera', httpPort: server.httpPort, grpcPort: server.grpcPort, pids: () => ({ server: server.pid, workers: server.workerPids() }) } as const;
          const result = await measureLoad(target, model, protocol, c, window(model));
          const engine = engineBreakdown(before, await fetchModelStats(server.httpPort, model));
          const memory = server.memory();
          sink.cases.push({
            ...result,
            intraOpThreads: WORKER_THREADS,
            engine,
            ...(memory.frontEnd === undefined ? {} : { frontEndPeakRssBytes: memory.frontEnd.peakRssBytes }),
            workerPeakRssBytes: memory.workers.map((w) => w.peakRssBytes),
            repeat,
          });
        },
      })),
    ),
  );
  return [
    {
      label: 'start tessera',
      run: async () => {
        sink.server = await startTesseraProcess({ stateDir, workers: WORKERS, intraOpThreads: WORKER_THREADS });
        await checkAnswer(sink.server.httpPort);
        sink.idle ??= sink.server.memory();
      },
    },
    ...cases,
    {
      label: 'stop tessera',
      run: async () => {
        sink.atStop.push(running().memory());
        await running().stop();
        delete sink.server;
      },
    },
  ];
}

async function main(): Promise<void> {
  const repeats = Number(args.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error('--repeats must be an integer >= 1');
  const stateDir = args['state-dir'] ?? join(tmpdir(), 'tessera-bench-state');
  const zooDir = join(stateDir, 'zoo');
  log(`overhead: preparing the zoo in ${zooDir}`);
  await generateZoo(zooDir); // before the server starts, so its peak RSS is serving, not model building
  const modelPath = (m: string): string => join(zooDir, m, ZOO_MODEL_VERSION, 'model.onnx');
  let workerModelBytes = 0;
  for (const e of ZOO) workerModelBytes += (await stat(modelPath(e.name))).size;

  const sink: Sink = { cases: [], naivePeakRssBytes: {}, atStop: [] };
  const steps: Step[] = [];
  for (let r = 0; r < repeats; r++) {
    const tag = (s: Step): Step => (repeats === 1 ? s : { ...s, label: `[${r + 1}/${repeats}] ${s.label}` });
    steps.push(...[...rawSteps(sink, modelPath, r), ...naiveSteps(sink, modelPath, r), ...tesseraSteps(sink, stateDir, r)].map(tag));
  }

  // A crash must not leave a server (and its workers) running: SIGTERM lets it stop its workers.
  process.on('exit', () => {
    if (sink.server !== undefined) process.kill(sink.server.pid, 'SIGTERM');
  });
  const startedAt = new Date();
  const loadAverageStart = loadavg();
  const progress = progressBar('overhead', log);
  try {
    for (const [i, step] of steps.entries()) {
      progress.update(i, steps.length, step.label);
      const before = sink.cases.length;
      await step.run();
      const measured = sink.cases[before];
      if (measured !== undefined) sink.cases[before] = { ...measured, loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)) };
    }
    progress.update(steps.length, steps.length, 'done');
  } finally {
    progress.stop();
    await sink.server?.stop();
  }

  const maxOf = (values: readonly (number | undefined)[]): number => Math.max(...values.map((v) => v ?? Number.NaN));
  const workerCount = Math.max(0, ...sink.atStop.map((m) => m.workers.length));
  const report = buildOverheadReport(
    bestOfRepeats(sink.cases),
    {
      frontEndPeakRssBytes: maxOf(sink.atStop.map((m) => m.frontEnd?.peakRssBytes)),
      frontEndIdleRssBytes: sink.idle?.frontEnd?.rssBytes ?? Number.NaN,
      workerPeakRssBytes: Array.from({ length: workerCount }, (_, i) => maxOf(sink.atStop.map((m) => m.workers[i]?.peakRssBytes))),
      workerIdleRssBytes: sink.idle?.workers.map((w) => w.rssBytes) ?? [],
      workerModelBytes,
      naivePeakRssBytes: sink.naivePeakRssBytes,
    },
    {
      startedAt: startedAt.toISOString(),
      wallS: Math.round((Date.now() - startedAt.getTime()) / 1000),
      quick: args.quick === true,
      repeats,
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageStart,
      loadAverageEnd: loadavg(),
      windowsMs: MODELS.map((m) => ({ model: m, ...window(m) })),
      tessera: { workers: WORKERS, intraOpThreads: WORKER_THREADS, zooMaxQueueDelayUs: ZOO_MAX_QUEUE_DELAY_US },
      naive: { intraOpThreads: NAIVE_THREADS },
      notes: [
        'raw = onnxruntime-node session.run back to back per process (no server, no load generator); its best layout is the limit.',
        'added latency at concurrency 1 = client p50/p99 minus raw session.run p50/p99 of one process with the server\'s intra-op threads (tessera 1x1, naive 1x2); at concurrency 8 vs the raw limit layout.',
        'load generators (autocannon, the gRPC closed loop) run in their own processes on the same cores as the server.',
        'each case is the repetition with the highest throughput; all repetitions are listed under repeats.',
      ],
    },
  );
  const outFile = join(repoRoot(), 'bench', 'results', 'overhead.json');
  await mkdir(join(repoRoot(), 'bench', 'results'), { recursive: true });
  await writeFile(outFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${overheadTable(report)}\n\nwritten to ${outFile}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`overhead benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
