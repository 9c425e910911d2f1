// Runs every experiment point of one policy on its own server: each model alone, equal weights, 1:2:4, head-of-line.

import type { LoadArrival } from '../../src/loadgen/index.js';
import { awaitSegmentLogs } from '../lib/segment-logs.js';
import { type ServeProcess, startServeProcess } from '../lib/serve-process.js';
import { type Experiment, type FairnessPolicy, type FairnessSettings, LARGE_MODEL, MODELS, SMALL_MODEL, WEIGHTS, policyServeArgs } from './fairness-config.js';
import { type PointFlow, type PointMeasurement, measurePoint, registerApps } from './measure-point.js';

export interface RawPoint {
  readonly experiment: Experiment;
  readonly measurement: PointMeasurement;
}

export interface PolicyRun {
  readonly policy: FairnessPolicy;
  /** Fair policy: segments per model as the server logged them (absent: it runs whole). */
  readonly segments: Readonly<Record<string, number>>;
  /** Warnings and errors the server logged (a model that could not be segmented shows here). */
  readonly problems: readonly string[];
  readonly points: readonly RawPoint[];
}

export interface PolicyRunOptions {
  readonly repository: string;
  readonly stateDir: string;
  readonly settings: FairnessSettings;
  /** Appended to the server's arguments (the last occurrence of an option wins). */
  readonly extraArgs: readonly string[];
  /** Run each model alone first (the exclusive baseline, and under fair the cost of segmentation alone). */
  readonly alone: boolean;
  /** Poisson rate of the small model in the head-of-line point, requests/s (asked when that point starts). */
  readonly holSmallRatePerS: () => number;
  /** Called after each point (run.ts sets the head-of-line rate from FIFO's alone points). */
  readonly onPoint?: (policy: FairnessPolicy, p: RawPoint) => void;
  readonly log: (message: string) => void;
}

/** Segmenting vgg16 writes and loads ~0.5 GB of segment files. */
const SEGMENT_TIMEOUT_MS = 240_000;
const WARN_LEVEL = 40;

const equalApp = (model: string): string => `eq-${model}`;
const weightedApp = (model: string): string => `w-${model}`;

export async function runPolicy(policy: FairnessPolicy, o: PolicyRunOptions): Promise<PolicyRun> {
  const s = o.settings;
  const serveArgs = [...policyServeArgs(policy, s), ...o.extraArgs];
  o.log(`${policy}: starting tessera serve ${serveArgs.join(' ')}`);
  const server = await startServeProcess(['--no-grpc', '--repository', o.repository, '--state-dir', o.stateDir, ...serveArgs]);
  try {
    const segments = policy === 'fair' ? await awaitSegments(server, o.log) : {};
    await registerApps(server.httpPort, [
      ...MODELS.map((model) => ({ app: equalApp(model), model, weight: 1 })),
      ...MODELS.map((model, i) => ({ app: weightedApp(model), model, weight: WEIGHTS[i] as number })),
    ]);
    const closed = (weighted: boolean, clients: number) => (model: string, i: number): PointFlow => ({
      app: weighted ? weightedApp(model) : equalApp(model),
      model,
      weight: weighted ? (WEIGHTS[i] as number) : 1,
      arrival: { kind: 'closed', clients },
    });
    const plan: { experiment: Experiment; flows: () => PointFlow[]; durationS: number }[] = [];
    if (o.alone) for (const [i, m] of MODELS.entries()) plan.push({ experiment: 'alone', flows: () => [closed(false, s.clientsPerModel)(m, i)], durationS: s.pointS });
    plan.push({ experiment: 'equal', flows: () => MODELS.map(closed(false, s.clientsPerModel)), durationS: s.pointS });
    plan.push({ experiment: 'weighted', flows: () => MODELS.map(closed(true, s.clientsPerModel)), durationS: s.pointS });
    plan.push({
      experiment: 'hol',
      flows: () => [
        { app: equalApp(SMALL_MODEL), model: SMALL_MODEL, weight: 1, arrival: { kind: 'poisson', ratePerS: o.holSmallRatePerS() } },
        { app: equalApp(LARGE_MODEL), model: LARGE_MODEL, weight: 1, arrival: { kind: 'closed', clients: s.holLargeClients } },
      ],
      durationS: s.holPointS,
    });
    const points: RawPoint[] = [];
    for (const p of plan) {
      const flows = p.flows();
      o.log(`${policy}: ${p.experiment} ${flows.map((f) => `${f.model} ${arrivalText(f.arrival)}`).join(' + ')} (${p.durationS} s)`);
      const measurement = await measurePoint(server.httpPort, flows, { durationS: p.durationS, warmupS: s.warmupS, requestTimeoutMs: s.requestTimeoutMs, seed: s.seed });
      const point = { experiment: p.experiment, measurement };
      points.push(point);
      o.onPoint?.(policy, point);
    }
    const problems = server.logs.filter((e) => (e.level ?? 0) >= WARN_LEVEL && !String(e.msg).startsWith('AUTHENTICATION IS DISABLED')).map((e) => JSON.stringify(e));
    return { policy, segments, problems, points };
  } finally {
    await server.stop();
  }
}

function arrivalText(a: LoadArrival): string {
  return a.kind === 'closed' ? `closed(${a.clients})` : a.kind === 'poisson' ? `poisson(${a.ratePerS}/s)` : a.kind;
}

/** Waits until the server logged, for every model, that it was segmented or why not. */
async function awaitSegments(server: ServeProcess, log: (m: string) => void): Promise<Record<string, number>> {
  const { segments, cutGraphs, noCut, missing } = await awaitSegmentLogs(server, MODELS, SEGMENT_TIMEOUT_MS);
  for (const w of noCut) log(`fair: ${w.model} NOT segmented: ${w.reason}`);
  log(`fair: segments ${MODELS.map((m) => `${m}=${segments[m] ?? 'whole'}${cutGraphs[m] === undefined ? '' : ` (${cutGraphs[m]} graph)`}`).join(' ')}`);
  if (missing.length > 0) log(`fair: no segmentation log for ${missing.join(', ')} within ${SEGMENT_TIMEOUT_MS / 1000} s`);
  return segments;
}
