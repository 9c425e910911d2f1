// Assembles the validation's JSON, printed table and documentation text from measurements and predictions.

import type { SharingMode } from '../../src/perfmodel/predictor.js';
import type { ModelProfile } from '../../src/profiler/profile.js';
import type { MeasuredCase } from './measure-case.js';
import type { ProfiledModel } from './profile-models.js';
import type { CasePredictions } from './predictions.js';
import type { OverheadProbe } from './probe-overhead.js';
import type { ModelCalibration } from './calibrate-server.js';
import { type FittedMeasurements, type OccupancySource, calibrationSummary } from './calibration-measurements.js';
import type { ServedModelMeasurements } from '../../src/perfmodel/served-calibration.js';
import { ANALYTIC_MODE, FAIR_QUANTUM_MS, type ServerMode, type ValidationCase } from './validation-cases.js';
import { COMMAND, type ValidationDocs } from './validation-docs.js';
import {
  type ErrorSummary,
  type RepeatPair,
  TARGETS,
  type ValidationRow,
  analyticVsSim,
  median,
  repeatability,
  stabilityAgreement,
  rowErrors,
  summarizeErrors,
  summaryTable,
  targetsMet,
  validationTable,
} from './validation-report.js';

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
  readonly otherCoresLimit: number;
}

export interface ReportInput {
  readonly runs: readonly {
    readonly mode: ServerMode;
    readonly overheads: readonly OverheadProbe[];
    readonly calibration?: readonly ModelCalibration[];
    /** The calibration's measurements with the fitted occupancies (present with `calibration`). */
    readonly fitted?: FittedMeasurements;
    /** The measurements the predictions used, and where their occupancy came from (present with `fitted`). */
    readonly used?: Readonly<Record<string, ServedModelMeasurements>>;
    readonly occupancySource?: OccupancySource;
    /** Fair mode: graph segments per model as the server logged them. */
    readonly segments?: Readonly<Record<string, number>>;
    readonly cases: readonly {
      readonly c: ValidationCase;
      readonly measured: MeasuredCase;
      readonly predictions: CasePredictions;
      /** Reported beside the predictions: every mode on the loaded fit's occupancy (with the case's probe); the calibration's idle latency without the probe. */
      readonly loadedFit?: CasePredictions;
      readonly calibrationIdle?: CasePredictions;
      readonly idle?: readonly OverheadProbe[];
      readonly attempts: number;
      readonly otherCoresAttempts: readonly number[];
    }[];
    /** Cases measured a second time at the end of the mode (repeatedCases). */
    readonly repeats?: readonly { readonly c: ValidationCase; readonly measured: MeasuredCase }[];
  }[];
  readonly profiled: readonly ProfiledModel[];
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

function profileSummary(profiled: ProfiledModel, threads: number): unknown {
  const p: ModelProfile = profiled.profile;
  const b1 = p.points.find((q) => q.batchSize === 1 && q.threads === threads);
  return {
    model: p.model,
    otherCores: round(profiled.otherCores),
    attempts: profiled.attempts,
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
  type CaseInput = ReportInput['runs'][number]['cases'][number];
  /** One row per model of every case, with the errors of the predictions `pick` chooses (none: the case is left out). */
  const rowsOf = (pick: (x: CaseInput) => CasePredictions | undefined): ValidationRow[] =>
    input.runs.flatMap((run) =>
      run.cases.flatMap((x) => {
        const predictions = pick(x);
        if (predictions === undefined) return [];
        const { c, measured } = x;
        return measured.perModel.map((m, i) => {
          const saturated = measured.perModel.some((y) => y.skipped > 0);
          const meas = { meanMs: m.meanMs, p95Ms: m.p95Ms, completed: m.completed, failed: m.failed, skipped: m.skipped, saturated };
          const analytic = predictions.analytic[i] ?? null;
          const sim = predictions.sim[i] ?? null;
          return { mode: run.mode, models: c.models, utilisation: c.utilisation, model: m.model, ratePerS: m.ratePerS, measured: meas, analytic, sim, errors: rowErrors(meas, analytic, sim), server: m.server };
        });
      }),
    );
  const rows = rowsOf((x) => x.predictions);
  const overall = summarizeErrors(rows);
  // Reported beside the errors: the calibration's idle latency without the case's probe, where every case had one;
  // every mode on the loaded fit's occupancy (the fair mode's predictions already are).
  const calibrationIdleRows = rowsOf((x) => x.calibrationIdle);
  const alternatives = {
    calibration_idle_only: calibrationIdleRows.length === rows.length ? summarizeErrors(calibrationIdleRows) : null,
    loaded_fit_occupancy_everywhere: summarizeErrors(rowsOf((x) => x.loadedFit ?? x.predictions)),
  };
  // The repeats against the first measurement of the same case, model by model.
  const repeatRows = input.runs.flatMap((run) =>
    (run.repeats ?? []).flatMap((r) => {
      const first = run.cases.find((x) => x.c.utilisation === r.c.utilisation && x.c.models.join('+') === r.c.models.join('+'));
      if (first === undefined) return [];
      const saturatedIn = (m: MeasuredCase): boolean => m.perModel.some((y) => y.skipped > 0);
      return r.measured.perModel.flatMap((second) => {
        const one = first.measured.perModel.find((y) => y.model === second.model);
        if (one === undefined) return [];
        const latency = (m: MeasuredCase, y: MeasuredCase['perModel'][number]): RepeatPair['first'] => ({ meanMs: y.meanMs, p95Ms: y.p95Ms, completed: y.completed, failed: y.failed, skipped: y.skipped, saturated: saturatedIn(m) });
        return [{ mode: run.mode, models: r.c.models, utilisation: r.c.utilisation, model: second.model, first: latency(first.measured, one), second: latency(r.measured, second) }];
      });
    }),
  );
  const repeat = repeatability(repeatRows);
  const caseIdleShift = input.runs.flatMap((run) =>
    run.cases.flatMap(({ c, idle }) =>
      (idle ?? []).map((p) => {
        const cal = run.overheads.find((o) => o.model === p.model);
        return { mode: run.mode, models: c.models, utilisation: c.utilisation, model: p.model, caseIdleMeanMs: round(p.clientMeanMs), calibrationIdleMeanMs: round(cal?.clientMeanMs ?? Number.NaN) };
      }),
    ),
  );
  const idleShifts = caseIdleShift.map((x) => Math.abs(x.caseIdleMeanMs / x.calibrationIdleMeanMs - 1));
  const byMode: Record<string, ErrorSummary> = {};
  for (const run of input.runs) byMode[run.mode] = summarizeErrors(rows.filter((r) => r.mode === run.mode));
  const byUtilisation: Record<string, ErrorSummary> = {};
  for (const u of input.meta.utilisations) byUtilisation[`u=${u}`] = summarizeErrors(rows.filter((r) => r.utilisation === u));
  const consistency = analyticVsSim(rows);
  const met = targetsMet(overall);
  const cases = input.runs.flatMap((run) =>
    run.cases.map(({ c, measured, predictions, attempts, otherCoresAttempts }) => ({
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
      attempts,
      otherCoresAttempts: otherCoresAttempts.map((v) => round(v)),
      meanLatenessMs: measured.perModel.map((m) => round(m.meanLatenessMs)),
      failed: measured.perModel.reduce((a, m) => a + m.failed, 0),
      skipped: measured.perModel.reduce((a, m) => a + m.skipped, 0),
      firstErrors: measured.perModel.flatMap((m) => (m.firstError === undefined ? [] : [`${m.model}: ${m.firstError}`])),
    })),
  );
  // Where the live server departs from both models: time its instance is held beyond session.run with nothing
  // queued ahead (lowest utilisation), arrivals the open-loop generator had to skip, and the overhead's own tail.
  const lowest = Math.min(...input.meta.utilisations);
  const dispatchRoundTrip = [...new Set(rows.map((r) => r.model))].map((model) => {
    const at = rows.filter((r) => r.model === model && r.utilisation === lowest && r.server !== undefined);
    const gaps = at.map((r) => (r.server === undefined ? null : r.server.meanInstanceMs - r.server.meanComputeMs));
    return { model, ms: round(median(gaps) ?? Number.NaN) };
  });
  const saturated = cases.filter((c) => c.skipped > 0);
  const stability = stabilityAgreement(rows);
  const overheadTail = input.runs.flatMap((r) => r.overheads.map((o) => ({ mode: r.mode, model: o.model, p95MinusMeanMs: round(o.clientP95Ms - o.clientMeanMs) })));
  const profiles = input.profiled.map((p) => p.profile);
  const calibration = input.runs.map((r) => ({ mode: r.mode, models: r.calibration === undefined || r.fitted === undefined ? [] : calibrationSummary(r.calibration, r.fitted, r.used ?? r.fitted.measurements, r.occupancySource ?? 'loaded-fit', profiles, input.threads) }));
  const calibrated = calibration.every((c) => c.models.length > 0);
  const diagnostics = {
    dispatchRoundTripMs: dispatchRoundTrip,
    saturatedCases: saturated.map((c) => ({ mode: c.mode, models: c.models, utilisation: c.utilisation, skipped: c.skipped, measuredUtilisation: c.measuredUtilisation })),
    stability,
    overheadTail,
  };
  const diagnosticLines = [
    `Per batch, the server holds a model's instance this long beyond session.run at u=${lowest} (batch assembly, worker round trip, front-end turnaround, waiting behind other models' batches; median over cases): ${dispatchRoundTrip.map((d) => `${d.model} ${d.ms.toFixed(2)} ms`).join(', ')}.`,
    saturated.length === 0
      ? 'The open-loop generator never had to skip an arrival.'
      : `The server could not keep up (the generator skipped arrivals at ${input.meta.maxInFlight} in flight) in ${saturated.length} of ${cases.length} cases: ${saturated.map((c) => `${c.mode} ${c.models.join(' + ')} u=${c.utilisation} (session.run utilisation ${c.measuredUtilisation})`).join('; ')}.`,
    `Overload verdicts (a case the server did not keep up with vs. a model predicted unstable), of ${stability.rows} rows: ${stability.measuredSaturated} measured saturated; analytic unstable ${stability.analyticUnstable}, agreeing on ${stability.analyticAgree}; simulator unstable ${stability.simUnstable}, agreeing on ${stability.simAgree}. A model predicted unstable in a case the server kept up with counts as a 100% error; one the server did not keep up with is left out of the error medians.`,
  ];
  const meanOf = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  const loadGeneratorCores = round(meanOf(cases.map((c) => c.cpu.loadGeneratorCores)));
  const otherCores = round(meanOf(cases.map((c) => c.cpu.otherCores)));
  const notes = [
    `Service times: each model profiled once through a worker process (1 worker, ${input.threads} intra-op thread(s), batch 1..8).`,
    calibrated
      ? 'Calibration (per mode, before any case): first every model keeps the fresh server backlogged for 4 s, unmeasured (warm-up); then each model alone: (1) 150 requests one at a time with exponential pauses (nothing queues): client latency mean and variance; (2) a closed loop keeping 4 requests outstanding for 3 s (the server always backlogged): throughput and rows per batch; (3) open-loop Poisson arrivals at half that throughput for 8 s: mean latency. Batch-1 occupancy: fcfs and fcfs-batching (two batches in flight) = the worker\'s CPU time per request in (2), scaled to one row along the profile; fair (one unit in flight) = the loaded fit, the value at which the mode\'s analytic model of the model alone at (3)\'s rate predicts (3)\'s mean (bisection, no lower than (2)\'s profiled latency × rows / throughput, which stands where (3) did not keep up or measured no queueing); a batch\'s occupancy = its profiled latency × the same scale; the rest of the idle latency is a delay that does not queue, its mean what (1)\'s mean leaves, its variance the one that puts (1)\'s p95 where it was measured. Before each case its models get a 100-request idle probe of their own (one at a time, nothing queued); each model\'s idle distribution (mean, spread, p95) is scaled by the probe\'s mean ÷ the calibration\'s, for that case only (the server\'s unloaded latency drifts between calibration and case; the occupancies stay). The predictions from the calibration\'s idle latency alone, and those on the loaded fit in every mode, are reported beside the errors (alternatives), not used for them.'
      : 'Predictions = queueing + service from the models, plus a fixed per-request overhead per model and mode measured with requests sent one at a time (client latency − profiled batch-1 mean); the same constant is added to mean and p95.',
    calibrated
      ? 'Analytic = the mode\'s predictor on the calibrated occupancy curve (fit × scale, profile batch-1 scv), plus the delay stage (means and variances add; p95 from the gamma of the sum). Simulator = the same queueing (the server\'s batchers) on the profile\'s points × scale, plus the delay drawn per request (gamma).'
      : 'The analytic predictors use the profile\'s fit (fitted on per-cell p50) and batch-1 scv, the simulator the measured per-batch means and spread.',
    'fcfs = batching off (each request runs alone); fcfs-batching = the dynamic batching of --policy triton with max_queue_delay_us 0, max_batch_size 8: every queued row up to 8. In both, each model keeps up to 2 batches in flight and the one worker runs what it receives in arrival order.',
    ...input.runs
      .filter((r) => r.mode === 'fair')
      .map((r) => {
        const models = [...new Set(r.cases.flatMap((x) => x.c.models))];
        const cut = models.map((m) => `${m} ${r.segments?.[m] ?? 1}`).join(', ');
        return `fair = the fair policy (--policy fair --segment-quantum-ms ${FAIR_QUANTUM_MS} --max-batches-in-flight 1), batching off: one unit in the worker at a time; weighted fair queueing over profiled cost (equal weights) picks the model and may switch at every graph-segment boundary. Segments per request: ${cut}. Analytic = the arbiter model with a ${FAIR_QUANTUM_MS} ms quantum and those segment counts; simulator = the live WfqSelector on a 'wfq' executor with the same segments.`;
      }),
    calibrated
      ? 'Rates: equal utilisation share per model, λ_i = u / (n · O_i) with O_i the loaded fit\'s batch-1 occupancy in every mode (the load points of earlier runs), so u is the server\'s load as that fit sees it; the worker\'s own load is lower (measured utilisation in the cases).'
      : 'Rates: equal utilisation share per model, λ_i = u / (n · S_i) with S_i the profiled batch-1 mean, so Σ λ_i S_i = u.',
    `Load generator: open-loop Poisson in its own process, ≤ ${input.meta.maxInFlight} requests in flight (arrivals beyond are skipped and counted), binary OIP over HTTP/1.1 keep-alive to 127.0.0.1; mean CPU ${loadGeneratorCores} cores.`,
    `The machine is shared: other processes used ${otherCores} cores on average during the kept windows; a window (or profile sweep) where they used more than ${input.meta.otherCoresLimit} cores was measured once more and the quieter attempt kept (${cases.filter((c) => c.attempts > 1).length} of ${cases.length} cases).`,
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
    byUtilisation,
    analytic_vs_sim_mean_median_rel_diff: consistency.mean,
    analytic_vs_sim_p95_median_rel_diff: consistency.p95,
    alternatives,
    repeat_mean_median_abs_diff: repeat.mean_median_abs_diff,
    repeat_p95_median_abs_diff: repeat.p95_median_abs_diff,
    repeats: repeatRows.map((r) => ({ mode: r.mode, models: r.models, utilisation: r.utilisation, model: r.model, firstMeanMs: round(r.first.meanMs), secondMeanMs: round(r.second.meanMs), firstP95Ms: round(r.first.p95Ms), secondP95Ms: round(r.second.p95Ms), saturated: r.first.saturated === true || r.second.saturated === true })),
    case_idle_vs_calibration_median_abs_shift: idleShifts.length === 0 ? null : round(median(idleShifts) ?? Number.NaN),
    caseIdle: caseIdleShift,
    diagnostics,
    scaleCheck: input.scale,
    setup: input.meta,
    notes,
    profiles: input.profiled.map((p) => profileSummary(p, input.threads)),
    overheads: Object.fromEntries(input.runs.map((r) => [r.mode, r.overheads])),
    calibration: Object.fromEntries(input.runs.map((r) => [r.mode, r.calibration ?? []])),
    calibrationSummary: Object.fromEntries(calibration.map((c) => [c.mode, c.models.map((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])))])),
    cases,
    rows,
  };
  const summary = summaryTable(overall, { ...byMode, ...byUtilisation });
  const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  const consistencyLine = `Analytic predictor vs simulator (same profiles, no measurement): median relative difference ${pct(consistency.mean)} (mean), ${pct(consistency.p95)} (p95).`;
  const triple = (e: ErrorSummary | null): string =>
    e === null ? 'n/a' : `${pct(e.analytic_mean_median_abs_err)} / ${pct(e.analytic_p95_median_abs_err)} / ${pct(e.sim_mean_median_abs_err)}`;
  const alternativesLine =
    `Reported beside these, not used for them (analytic mean / analytic p95 / simulator mean): the calibration's idle latency without each case's probe ${triple(alternatives.calibration_idle_only)}; ` +
    `the loaded fit's occupancy in every mode ${triple(alternatives.loaded_fit_occupancy_everywhere)}.`;
  const repeatLine =
    repeat.rows === 0
      ? 'No case was measured twice in this run.'
      : `The same case measured twice, minutes apart on the same server (${repeat.rows} model rows; one case per model set and mode, at the end of the mode): median |second ÷ first − 1| ${pct(repeat.mean_median_abs_diff)} (mean), ${pct(repeat.p95_median_abs_diff)} (p95). Against one measurement no model can be expected to do much better than this ÷ √2.`;
  const table = validationTable(rows);
  const date = input.meta.startedAt.slice(0, 10);
  const setupLine =
    `${date}, \`${COMMAND}\` (${Math.round(input.meta.wallS / 60)} min), ${input.meta.cores} cores (${input.meta.cpu}), Node ${input.meta.node}; ` +
    `server: ${input.meta.workers} worker × ${input.meta.threads} intra-op thread(s); per case ${input.meta.warmupMs / 1000} s warm-up + ${input.meta.windowS} s window; ` +
    `simulator: ${input.meta.simRequestsPerCase.toLocaleString('en-US')} requests per case; simulator scale check (1M requests, 100 executors): ${round(input.scale.seconds, 1)} s.`;
  const overheadLines = calibrated
    ? [
        '| mode | model | profiled run | idle mean ± sd | idle session.run | saturation req/s (rows) | occupancy b=1 from saturation | open loop req/s → mean | occupancy b=1 (loaded fit) | occupancy b=1 used (source) | scale | delay mean ± sd | CPU ms/req FE / worker / loadgen |',
        '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...calibration.flatMap((c) =>
          c.models.map(
            (m) =>
              `| ${c.mode} | ${m.model} | ${m.profiledB1Ms.toFixed(2)} | ${m.idleMeanMs.toFixed(2)} ± ${m.idleStdMs.toFixed(2)} | ${m.idleComputeMs.toFixed(2)} | ${m.saturationPerS.toFixed(0)} (${m.saturationBatchRows.toFixed(2)}) | ${m.saturationOccupancyB1Ms.toFixed(2)} | ${m.loadedRatePerS === undefined || m.loadedMeanMs === undefined ? '—' : `${m.loadedRatePerS.toFixed(0)} → ${m.loadedMeanMs.toFixed(2)}`} | ${m.loadedFitOccupancyB1Ms.toFixed(2)}${m.occupancyFit === undefined || m.occupancyFit === 'fitted' ? '' : ` (${m.occupancyFit})`} | ${m.occupancyB1Ms.toFixed(2)} (${m.occupancySource}) | ${m.occupancyScale.toFixed(2)} | ${m.delayMeanMs.toFixed(2)} ± ${m.delayStdMs.toFixed(2)} | ${m.frontEndCpuMsPerRequest.toFixed(2)} / ${m.workerCpuMsPerRequest.toFixed(2)} / ${m.loadGeneratorCpuMsPerRequest.toFixed(2)} |`,
          ),
        ),
      ]
    : input.runs.map((r) => `- ${r.mode}: ${r.overheads.map((o) => `${o.model} ${o.overheadMs.toFixed(2)} ms (S=${o.profiledServiceMs.toFixed(2)} ms)`).join(', ')}`);
  const docSection = [
    `Measured ${setupLine}`,
    '',
    summary,
    '',
    consistencyLine,
    '',
    alternativesLine,
    '',
    repeatLine,
    '',
    'Where the live server departs from the models:',
    '',
    ...diagnosticLines.map((n) => `- ${n}`),
    '',
    'Set-up:',
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    calibrated ? 'Calibration (ms unless noted; scale = occupancy ÷ profiled session.run):' : 'Fixed per-request overhead added to every prediction (by mode and model):',
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
    '',
    consistencyLine,
    '',
    alternativesLine,
    '',
    repeatLine,
  ].join('\n');
  const printed = [summary, '', consistencyLine, '', alternativesLine, '', repeatLine, '', ...diagnosticLines, '', table, '', `sim scale check (1M requests, 100 executors): ${round(input.scale.seconds, 2)} s`].join('\n');
  return { json, printed, docs: { docSection, readmeBlock } };
}
