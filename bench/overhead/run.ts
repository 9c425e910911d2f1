// Overhead benchmark (npm run bench:overhead): raw onnxruntime loop vs Tessera (HTTP JSON, HTTP binary, gRPC) vs a
// naive fastify server, same cores, external load generators; writes bench/results/overhead.json and prints a table.

import { mkdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { progressBar } from '../../src/cli/progress.js';
import { ZOO_MODEL_VERSION, generateZoo } from '../../src/repository/zoo/generate-zoo.js';
import { ZOO } from '../../src/repository/zoo/zoo-catalog.js';
import { forkChildTask } from '../lib/child-task.js';
import type { MeasureWindow } from '../lib/load-result.js';
import { procMemory } from '../lib/proc-memory.js';
import { repoRoot } from '../lib/repo-root.js';
import type { BenchModelName } from './bench-models.js';
import { checkAnswer } from './check-answer.js';
import { measureLoad } from './measure-load.js';
import { measureRaw } from './measure-raw.js';
import type { CaseResult, Protocol, ServerKind } from './measurements.js';
import type { NaiveServerConfig } from './naive-server-child.js';
import { writeNoDelayRepository } from './no-delay-repository.js';
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
  'tiny-add': { warmupMs: 2_000, durationMs: 8_000 },
  resnet50: { warmupMs: 2_000, durationMs: 12_000 },
};
const QUICK_WINDOW: MeasureWindow = { warmupMs: 500, durationMs: 1_500 };
const NAIVE_CHILD = new URL('./naive-server-child.js', import.meta.url);

interface Step {
  readonly label: string;
  run(): Promise<void>;
}

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, 'state-dir': { type: 'string' } },
});
const window = (model: BenchModelName): MeasureWindow => (args.quick === true ? QUICK_WINDOW : WINDOWS[model]);
const log = (m: string): void => void process.stderr.write(`${m}\n`);

async function main(): Promise<void> {
  const root = repoRoot();
  const stateDir = args['state-dir'] ?? join(tmpdir(), 'tessera-bench-state');
  const zooDir = join(stateDir, 'zoo');
  log(`overhead: preparing the zoo in ${zooDir}`);
  await generateZoo(zooDir); // before the server starts, so its peak RSS is serving, not model building
  const noDelayDir = await writeNoDelayRepository(zooDir, join(stateDir, 'no-delay-repo'), MODELS);
  const modelPath = (m: string): string => join(zooDir, m, ZOO_MODEL_VERSION, 'model.onnx');
  let workerModelBytes = 0;
  for (const e of ZOO) workerModelBytes += (await stat(modelPath(e.name))).size;

  const cases: CaseResult[] = [];
  const naivePeakRssBytes: Partial<Record<BenchModelName, number>> = {};
  let zooMemory: TesseraMemory | undefined;
  let zooMemoryAtStart: TesseraMemory | undefined;
  let server: TesseraProcess | undefined;
  const steps: Step[] = [];

  for (const model of MODELS) {
    for (const [processes, threads] of RAW_LAYOUTS) {
      steps.push({ label: `raw ${model} ${processes}x${threads}`, run: async () => void cases.push(await measureRaw(model, modelPath(model), processes, threads, window(model))) });
    }
  }
  for (const model of MODELS) {
    const config: NaiveServerConfig = { modelPath: modelPath(model), model, intraOpThreads: NAIVE_THREADS };
    let naive: ReturnType<typeof forkChildTask<number, unknown>> | undefined;
    let port = 0;
    steps.push({
      label: `start naive server (${model})`,
      run: async () => {
        naive = forkChildTask<number, unknown>(NAIVE_CHILD, config, `naive server ${model}`);
        port = await naive.ready;
        if (model === 'tiny-add') await checkAnswer(port);
      },
    });
    for (const c of CONCURRENCIES) {
      steps.push({ label: `naive ${model} http-json c${c}`, run: async () => void cases.push(await measureLoad({ server: 'naive', httpPort: port }, model, 'http-json', c, window(model))) });
    }
    steps.push({
      label: `stop naive server (${model})`,
      run: async () => {
        if (naive === undefined) return;
        const peak = procMemory(naive.pid)?.peakRssBytes;
        if (peak !== undefined) naivePeakRssBytes[model] = peak;
        naive.send({ kind: 'stop' });
        await naive.result;
      },
    });
  }
  for (const kind of ['tessera', 'tessera-no-delay'] as const satisfies readonly ServerKind[]) {
    steps.push({
      label: `start ${kind}`,
      run: async () => {
        server = await startTesseraProcess({
          stateDir,
          ...(kind === 'tessera-no-delay' ? { repository: noDelayDir } : {}),
          workers: WORKERS,
          intraOpThreads: WORKER_THREADS,
        });
        await checkAnswer(server.httpPort);
        if (kind === 'tessera') zooMemoryAtStart = server.memory();
      },
    });
    for (const model of MODELS) {
      for (const protocol of PROTOCOLS) {
        for (const c of CONCURRENCIES) {
          steps.push({
            label: `${kind} ${model} ${protocol} c${c}`,
            run: async () => {
              if (server === undefined) throw new Error('tessera is not running');
              const before = await fetchModelStats(server.httpPort, model);
              const result = await measureLoad({ server: kind, httpPort: server.httpPort, grpcPort: server.grpcPort }, model, protocol, c, window(model));
              const engine = engineBreakdown(before, await fetchModelStats(server.httpPort, model));
              cases.push({ ...result, engine });
            },
          });
        }
      }
    }
    steps.push({
      label: `stop ${kind}`,
      run: async () => {
        if (kind === 'tessera') zooMemory = server?.memory();
        await server?.stop();
        server = undefined;
      },
    });
  }

  // A crash must not leave a server (and its workers) running: SIGTERM lets it stop its workers.
  process.on('exit', () => {
    if (server !== undefined) process.kill(server.pid, 'SIGTERM');
  });
  const startedAt = new Date();
  const loadAverageStart = loadavg();
  const progress = progressBar('overhead', log);
  try {
    for (const [i, step] of steps.entries()) {
      progress.update(i, steps.length, step.label);
      const before = cases.length;
      await step.run();
      const measured = cases[before];
      if (measured !== undefined) cases[before] = { ...measured, loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)) };
    }
    progress.update(steps.length, steps.length, 'done');
  } finally {
    progress.stop();
    await server?.stop();
  }

  const report = buildOverheadReport(
    cases,
    {
      frontEndPeakRssBytes: zooMemory?.frontEnd?.peakRssBytes ?? Number.NaN,
      frontEndIdleRssBytes: zooMemoryAtStart?.frontEnd?.rssBytes ?? Number.NaN,
      workerPeakRssBytes: zooMemory?.workers.map((w) => w.peakRssBytes) ?? [],
      workerIdleRssBytes: zooMemoryAtStart?.workers.map((w) => w.rssBytes) ?? [],
      workerModelBytes,
      naivePeakRssBytes,
    },
    {
      startedAt: startedAt.toISOString(),
      wallS: Math.round((Date.now() - startedAt.getTime()) / 1000),
      quick: args.quick === true,
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageStart,
      loadAverageEnd: loadavg(),
      windowsMs: MODELS.map((m) => ({ model: m, ...window(m) })),
      tessera: { workers: WORKERS, intraOpThreads: WORKER_THREADS },
      naive: { intraOpThreads: NAIVE_THREADS },
      notes: [
        'raw = onnxruntime-node session.run back to back per process (no server, no load generator); its best layout is the limit.',
        'tessera serves the zoo as generated (dynamic batching, max_queue_delay_us 500); tessera-no-delay serves tiny-add and resnet50 with max_queue_delay_us 0.',
        'added latency at concurrency 1 = client p50/p99 minus raw 1x1 session.run p50/p99; at concurrency 8 vs the raw limit layout.',
        'load generators (autocannon, the gRPC closed loop) run in their own processes on the same cores as the server.',
      ],
    },
  );
  const outDir = join(root, 'bench', 'results');
  await mkdir(outDir, { recursive: true });
  const outFile = join(outDir, 'overhead.json');
  await writeFile(outFile, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${overheadTable(report)}\n\nwritten to ${outFile}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`overhead benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
