// Assembles the validation's JSON, printed table and documentation text from measurements and predictions.

import type { SharingMode } from '../../src/perfmodel/predictor.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import type { MeasuredCase } from './measure-case.js';
import type { CasePredictions } from './predictions.js';
import type { OverheadProbe } from './probe-overhead.js';
import { ANALYTIC_MODE, type ServerMode, type ValidationCase } from './validation-cases.js';
import { COMMAND, type ValidationDocs } from './validation-docs.js';
import { type ErrorSummary, TARGETS, type ValidationRow, rowErrors, summarizeErrors, summaryTable, targetsMet, validationTable } from './validation-report.js';

export interface ReportMeta {
  readonly startedAt: string;
  readonly wallS: number;
  readonly quick: boolean;
  readonly cores: number;
  readonly cpu: string;
  readonly node: string;
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
  readonly workers: number;
  readonly threads: number;
  readonly warmupMs: number;
  readonly windowS: number;
  readonly maxInFlight: number;
  readonly simRequestsPerCase: number;
  readonly utilisations: readonly number[];
  readonly modelSets: readonly (readonly string[])[];
  readonly modesNotInServer: readonly { readonly mode: SharingMode; readonly why: string }[];
}

export interface ReportInput {
  readonly runs: readonly {
    readonly mode: ServerMode;
    readonly overheads: readonly OverheadProbe[];
    readonly cases: readonly { readonly c: ValidationCase; readonly measured: MeasuredCase; readonly predictions: CasePredictions }[];
  }[];
  readonly profiles: readonly ModelProfile[];
  readonly threads: number;
  readonly scale: { readonly seconds: number; readonly requests: number; readonly events: number; readonly executors: number };
  readonly meta: ReportMeta;
}

export interface ValidationReport {
  readonly json: unknown;
  readonly printed: string;
  readonly docs: ValidationDocs;
}

const round = (v: number, digits = 3): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

function profileSummary(p: ModelProfile, threads: number): unknown {
  const b1 = p.points.find((q) => q.batchSize === 1 && q.threads === threads);
  return {
    model: p.model,
    serviceB1MeanMs: round(b1?.latency.meanMs ?? Number.NaN),
    serviceB1StdMs: round(b1?.latency.stdMs ?? Number.NaN),
    serviceB1P50Ms: round(b1?.latency.p50Ms ?? Number.NaN),
    fit: p.fit,
    points: p.points.map((q) => ({ batchSize: q.batchSize, threads: q.threads, samples: q.latency.samples, meanMs: round(q.latency.meanMs), stdMs: round(q.latency.stdMs), p95Ms: round(q.latency.p95Ms), converged: q.converged })),
    skipped: p.skipped ?? [],
    sweepMs: p.sweepMs,
    notes: p.notes ?? [],
  };
}

export function buildValidationReport(input: ReportInput): ValidationReport {
  const rows: ValidationRow[] = input.runs.flatMap((run) =>
    run.cases.flatMap(({ c, measured, predictions }) =>
      measured.perModel.map((m, i) => {
        const meas = { meanMs: m.meanMs, p95Ms: m.p95Ms, completed: m.completed, failed: m.failed, skipped: m.skipped };
        const analytic = predictions.analytic[i] ?? null;
        const sim = predictions.sim[i] ?? null;
        return { mode: run.mode, models: c.models, utilisation: c.utilisation, model: m.model, ratePerS: m.ratePerS, measured: meas, analytic, sim, errors: rowErrors(meas, analytic, sim), server: m.server };
      }),
    ),
  );
  const overall = summarizeErrors(rows);
  const byMode: Record<string, ErrorSummary> = {};
  for (const run of input.runs) byMode[run.mode] = summarizeErrors(rows.filter((r) => r.mode === run.mode));
  const met = targetsMet(overall);
  const cases = input.runs.flatMap((run) =>
    run.cases.map(({ c, measured, predictions }) => ({
      mode: run.mode,
      analyticPredictor: ANALYTIC_MODE[run.mode],
      models: c.models,
      utilisation: c.utilisation,
      ratesPerS: c.ratesPerS.map((r) => round(r, 2)),
      measuredUtilisation: round(measured.measuredUtilisation),
      analyticUtilisation: round(predictions.analyticUtilisation),
      simUtilisation: round(predictions.simUtilisation),
      ...(predictions.analyticNote === undefined ? {} : { analyticNote: predictions.analyticNote }),
      analyticMs: round(predictions.analyticMs, 1),
      simMs: round(predictions.simMs, 1),
      windowS: round(measured.windowS, 2),
      cpu: {
        frontEndCores: round(measured.cpu.frontEndCores),
        workerCores: round(measured.cpu.workerCores),
        loadGeneratorCores: round(measured.cpu.loadGeneratorCores),
        otherCores: round(measured.cpu.otherCores),
      },
      loadAverage1m: round(measured.loadAverage1m, 2),
      meanLatenessMs: measured.perModel.map((m) => round(m.meanLatenessMs)),
      failed: measured.perModel.reduce((a, m) => a + m.failed, 0),
      skipped: measured.perModel.reduce((a, m) => a + m.skipped, 0),
      firstErrors: measured.perModel.flatMap((m) => (m.firstError === undefined ? [] : [`${m.model}: ${m.firstError}`])),
    })),
  );
  const meanOf = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const loadGeneratorCores = round(meanOf(cases.map((c) => c.cpu.loadGeneratorCores)));
  const otherCores = round(meanOf(cases.map((c) => c.cpu.otherCores)));
  const notes = [
    `Service times: each model profiled once through a worker process (1 worker, ${input.threads} intra-op thread(s), batch 1..8); the analytic predictors use the profile's fit (fitted on per-cell p50) and batch-1 scv, the simulator the measured per-batch means and spread.`,
    'Predictions = queueing + service from the models, plus a fixed per-request overhead per model and mode measured with requests sent one at a time (client latency − profiled batch-1 mean); the same constant is added to mean and p95.',
    'fcfs = batching off (each request runs alone); fcfs-batching = dynamic batching with max_queue_delay_us 0, max_batch_size 8. In both, each model keeps one batch in flight and the one worker runs what it receives in arrival order.',
    `Rates: equal utilisation share per model, λ_i = u / (n · S_i) with S_i the profiled batch-1 mean, so Σ λ_i S_i = u.`,
    `Load generator: open-loop Poisson in its own process, ≤ ${input.meta.maxInFlight} requests in flight (arrivals beyond are skipped and counted), binary OIP over HTTP/1.1 keep-alive to 127.0.0.1; mean CPU ${loadGeneratorCores} cores. Other processes on the machine used ${otherCores} cores on average during the windows.`,
    ...input.meta.modesNotInServer.map((m) => `Analytic mode '${m.mode}' is not validated: ${m.why}.`),
    ...cases.flatMap((c) => (c.analyticNote === undefined ? [] : [`No analytic prediction for ${c.mode} ${c.models.join(' + ')} at u=${c.utilisation}: ${c.analyticNote}.`])),
  ];
  const json = {
    startedAt: input.meta.startedAt,
    wallS: input.meta.wallS,
    command: COMMAND,
    analytic_mean_median_abs_err: overall.analytic_mean_median_abs_err,
    analytic_p95_median_abs_err: overall.analytic_p95_median_abs_err,
    sim_mean_median_abs_err: overall.sim_mean_median_abs_err,
    sim_p95_median_abs_err: overall.sim_p95_median_abs_err,
    sim_seconds_1m_requests_100_executors: round(input.scale.seconds, 2),
    targets: TARGETS,
    targetsMet: met,
    byMode,
    scaleCheck: input.scale,
    setup: input.meta,
    notes,
    profiles: input.profiles.map((p) => profileSummary(p, input.threads)),
    overheads: Object.fromEntries(input.runs.map((r) => [r.mode, r.overheads])),
    cases,
    rows,
  };
  const summary = summaryTable(overall, byMode);
  const table = validationTable(rows);
  const date = input.meta.startedAt.slice(0, 10);
  const setupLine =
    `${date}, \`${COMMAND}\` (${Math.round(input.meta.wallS / 60)} min), ${input.meta.cores} cores (${input.meta.cpu}), Node ${input.meta.node}; ` +
    `server: ${input.meta.workers} worker × ${input.meta.threads} intra-op thread(s); per case ${input.meta.warmupMs / 1000} s warm-up + ${input.meta.windowS} s window; ` +
    `simulator: ${input.meta.simRequestsPerCase.toLocaleString('en-US')} requests per case; simulator scale check (1M requests, 100 executors): ${round(input.scale.seconds, 1)} s.`;
  const overheadLines = input.runs.map(
    (r) => `- ${r.mode}: ${r.overheads.map((o) => `${o.model} ${o.overheadMs.toFixed(2)} ms (S=${o.profiledServiceMs.toFixed(2)} ms)`).join(', ')}`,
  );
  const docSection = [
    `Measured ${setupLine}`,
    '',
    summary,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    'Fixed per-request overhead added to every prediction (by mode and model):',
    '',
    ...overheadLines,
    '',
    table,
  ].join('\n');
  const readmeBlock = [
    `### Performance model (\`${COMMAND}\`)`,
    '',
    `Poisson load on the live server for pairs and triples of co-located zoo models at utilisation ${input.meta.utilisations.join(', ')}, under each sharing mode the server has, against the analytic predictor and the simulator. Median absolute error (${date}; full table in [docs/perfmodel.md](docs/perfmodel.md#validation)):`,
    '',
    summary,
  ].join('\n');
  const printed = [summary, '', table, '', `sim scale check (1M requests, 100 executors): ${round(input.scale.seconds, 2)} s`].join('\n');
  return { json, printed, docs: { docSection, readmeBlock } };
}
