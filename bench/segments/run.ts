// In-process cost of graph segmentation: a zoo model run whole (onnxruntime defaults, what FIFO runs) against the
// same model as a chain of segments, with the intra-op threads never spinning or parking after each run, cut either
// in the stored graph or in the graph onnxruntime runs (blocked NCHWc layout, what the engine cuts). No server, no
// IPC: what onnxruntime itself loses across cuts. Prints JSON and a table and writes bench/results/segments.json.
// Rounds alternate between the variants, so machine noise hits them alike. `--threads N` (default 1, as
// bench:fairness runs its worker).

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { chooseSegmentation } from '../../src/onnx/segment-choice.js';
import { writeSegmentFiles } from '../../src/onnx/segment-files.js';
import { segmentModel } from '../../src/onnx/segment-graph.js';
import { segmentsForQuantum } from '../../src/onnx/segment-quantum.js';
import { findZooEntry } from '../../src/repository/zoo/zoo-catalog.js';
import { repoRoot } from '../lib/repo-root.js';

const MODELS = ['squeezenet1.1', 'resnet18', 'vgg16'] as const;
const threadsArg = process.argv.indexOf('--threads');
const THREADS = threadsArg > 0 ? Number(process.argv[threadsArg + 1]) : 1;
if (!(Number.isInteger(THREADS) && THREADS >= 1)) throw new Error('--threads takes a positive integer');
const QUANTUM_MS = 2;
const ROUNDS = 7;
/** Runs per round are sized so a round takes about this long. */
const ROUND_MS = 400;

type Variant = 'whole' | 'whole_parking' | 'segments_no_spin' | 'segments_parking' | 'runtime_segments_parking';
const VARIANTS: readonly Variant[] = ['whole', 'whole_parking', 'segments_no_spin', 'segments_parking', 'runtime_segments_parking'];

function sessionOptions(variant: Variant): InferenceSession.SessionOptions {
  const base = { intraOpNumThreads: THREADS, graphOptimizationLevel: 'all' as const };
  if (variant === 'segments_no_spin') return { ...base, extra: { session: { intra_op: { allow_spinning: '0' } } } };
  if (variant === 'segments_parking' || variant === 'whole_parking' || variant === 'runtime_segments_parking') return { ...base, extra: { session: { force_spinning_stop: '1' } } };
  return base;
}

async function runChain(sessions: readonly InferenceSession[], inputName: string, x: OrtTensor): Promise<void> {
  const tensors = new Map<string, OrtTensor>([[inputName, x]]);
  for (const s of sessions) {
    const feeds: Record<string, OrtTensor> = {};
    for (const n of s.inputNames) feeds[n] = tensors.get(n) as OrtTensor;
    const out = await s.run(feeds);
    for (const n of s.outputNames) tensors.set(n, out[n] as OrtTensor);
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function measure(model: string, dir: string): Promise<Record<string, unknown>> {
  const entry = findZooEntry(model);
  if (entry === undefined) throw new Error(`${model} is not in the zoo`);
  const bytes = entry.build();
  const wholePath = join(dir, `${model}.onnx`);
  await writeFile(wholePath, bytes);
  // The probe also writes the graph onnxruntime runs (what one executor saves for the engine's cut).
  const runtimePath = join(dir, `${model}.runtime.onnx`);
  const probe = await InferenceSession.create(wholePath, { ...sessionOptions('whole'), optimizedModelFilePath: runtimePath, logSeverityLevel: 3 });
  const inputName = probe.inputNames[0] as string;
  const meta = probe.inputMetadata[0];
  const shape = meta !== undefined && meta.isTensor ? meta.shape.map((d) => (typeof d === 'number' ? d : 1)) : [1];
  const x = new OrtTensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), shape);
  for (let i = 0; i < 3; i++) await probe.run({ [inputName]: x });
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) await probe.run({ [inputName]: x });
  const wholeMs = (performance.now() - t0) / 5;
  await probe.release();

  const targetSegments = segmentsForQuantum(wholeMs, QUANTUM_MS);
  const segmented = segmentModel(bytes, { targetSegments });
  const paths = await writeSegmentFiles(join(dir, model), model, segmented);
  // The engine's cut: the runtime graph's, when it cuts as finely.
  const choice = chooseSegmentation(bytes, new Uint8Array(await readFile(runtimePath)), { targetSegments });
  const runtimePaths = await writeSegmentFiles(join(dir, `${model}-runtime`), model, choice.model);
  const chains = new Map<Variant, InferenceSession[]>();
  for (const v of VARIANTS) {
    const files = v.startsWith('whole') ? [wholePath] : v === 'runtime_segments_parking' ? runtimePaths : paths;
    chains.set(v, await Promise.all(files.map((p) => InferenceSession.create(p, sessionOptions(v)))));
  }
  const runs = Math.max(2, Math.round(ROUND_MS / wholeMs));
  const perRun = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  for (const v of VARIANTS) for (let i = 0; i < 3; i++) await runChain(chains.get(v) ?? [], inputName, x);
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of VARIANTS) {
      const start = performance.now();
      for (let i = 0; i < runs; i++) await runChain(chains.get(v) ?? [], inputName, x);
      perRun.get(v)?.push((performance.now() - start) / runs);
    }
  }
  for (const ss of chains.values()) await Promise.all(ss.map((s) => s.release()));
  const ms = Object.fromEntries(VARIANTS.map((v) => [v, +median(perRun.get(v) ?? []).toFixed(3)])) as Record<Variant, number>;
  const loss = (v: Variant): number => +(1 - ms.whole / ms[v]).toFixed(4);
  return {
    model,
    segments: segmented.segments.length,
    runtime_graph: { cut: choice.graph, segments: choice.model.segments.length, ...(choice.reason === undefined ? {} : { stored_because: choice.reason }) },
    ms_per_run: ms,
    loss_vs_whole: {
      whole_parking: loss('whole_parking'),
      segments_no_spin: loss('segments_no_spin'),
      segments_parking: loss('segments_parking'),
      runtime_segments_parking: loss('runtime_segments_parking'),
    },
  };
}

const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-segments-'));
try {
  const started = new Date().toISOString();
  const rows = [];
  for (const model of MODELS) rows.push(await measure(model, dir));
  const result = { started_at: started, command: 'npm run bench:segments', threads: THREADS, quantum_ms: QUANTUM_MS, rounds: ROUNDS, node: process.version, rows };
  await writeFile(join(repoRoot(), 'bench', 'results', 'segments.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
  console.log('model          segments  whole ms  parking whole  no-spin chain  parking chain  runtime-graph chain   (loss vs whole, default spinning)');
  for (const r of rows as { model: string; segments: number; ms_per_run: Record<Variant, number>; loss_vs_whole: Record<string, number> }[]) {
    const pct = (k: string): string => `${((r.loss_vs_whole[k] ?? 0) * 100).toFixed(1)}%`.padStart(13);
    console.log(`${r.model.padEnd(15)}${String(r.segments).padStart(8)}${r.ms_per_run.whole.toFixed(2).padStart(10)}  ${pct('whole_parking')}  ${pct('segments_no_spin')}  ${pct('segments_parking')}  ${pct('runtime_segments_parking').padStart(19)}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
