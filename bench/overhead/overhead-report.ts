// Turns the measured cases into overhead.json: ratios to the raw limit, added latency, targets, and a text table.

import type { FoldedCase } from './best-of-repeats.js';
import type { BenchModelName } from './bench-models.js';
import type { CaseResult, Protocol, ServerKind } from './measurements.js';

export interface MemoryReport {
  /** Highest VmHWM of the front end over every Tessera run. */
  readonly frontEndPeakRssBytes: number;
  /** VmRSS of the front end once serving, before any load. */
  readonly frontEndIdleRssBytes: number;
  readonly workerPeakRssBytes: readonly number[];
  readonly workerIdleRssBytes: readonly number[];
  /** Bytes of model.onnx files each worker holds (every zoo model is loaded on every worker). */
  readonly workerModelBytes: number;
  readonly naivePeakRssBytes: Readonly<Partial<Record<BenchModelName, number>>>;
}

export type ReportedCase = FoldedCase & {
  /** Throughput over the raw limit of the same model (the better raw layout). */
  readonly vsRaw: number;
  /** Client latency minus raw session.run latency (c1: raw 1 process × the server's threads; else the raw limit), µs. */
  readonly addedP50Us?: number;
  readonly addedP99Us?: number;
};

export interface Target {
  readonly name: string;
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
}

export type OverheadReport = Record<string, unknown> & {
  readonly targets: readonly Target[];
  readonly cases: readonly ReportedCase[];
};

/** Front end must stay under this while serving the zoo, bytes. */
const FRONT_END_RSS_LIMIT_BYTES = 150 * 1024 * 1024;
/** A worker may use this multiple of its models' bytes ... */
const WORKER_RSS_MODEL_FACTOR = 1.5;
/** ... plus this much, bytes. */
const WORKER_RSS_ALLOWANCE_BYTES = 100 * 1024 * 1024;

/** Repetitions of a case whose throughputs differ by more than this fraction mark the run as noisy. */
const NOISY_SPREAD = 0.1;

const MIB = 1024 * 1024;

function caseLabel(c: CaseResult): string {
  return [c.server, c.layout, c.model, c.protocol, `c${c.concurrency}`].filter((v) => v !== undefined).join(' ');
}

/** (max − min) / max of the repetitions' throughputs; 0 with a single repetition. */
function throughputSpread(c: FoldedCase): number {
  const values = c.repeats.map((r) => r.throughputPerS);
  const max = Math.max(...values);
  return max > 0 ? (max - Math.min(...values)) / max : 0;
}
const round = (v: number, digits = 0): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : Number.NaN);

export function buildOverheadReport(cases: readonly FoldedCase[], memory: MemoryReport, context: Record<string, unknown>): OverheadReport {
  const rawCases = (model: BenchModelName): FoldedCase[] => cases.filter((c) => c.server === 'raw' && c.model === model);
  const rawLimit = (model: BenchModelName): CaseResult | undefined =>
    rawCases(model).reduce<CaseResult | undefined>((best, c) => (best === undefined || c.throughputPerS > best.throughputPerS ? c : best), undefined);
  /** One process running one request at a time on `threads` intra-op threads: what a lone request gets. */
  const rawSingle = (model: BenchModelName, threads = 1): CaseResult | undefined => rawCases(model).find((c) => c.layout === `1x${threads}`);

  const reported: ReportedCase[] = cases.map((c) => {
    const limit = rawLimit(c.model);
    const vsRaw = limit === undefined ? Number.NaN : round(c.throughputPerS / limit.throughputPerS, 3);
    if (c.server === 'raw') return { ...c, vsRaw };
    const base = c.concurrency === 1 ? rawSingle(c.model, c.intraOpThreads) : limit;
    if (base === undefined) return { ...c, vsRaw };
    return { ...c, vsRaw, addedP50Us: round(c.latency.p50Us - base.latency.p50Us), addedP99Us: round(c.latency.p99Us - base.latency.p99Us) };
  });
  const get = (server: ServerKind, model: BenchModelName, protocol: Protocol, concurrency: number): ReportedCase | undefined =>
    reported.find((c) => c.server === server && c.model === model && c.protocol === protocol && c.concurrency === concurrency);

  const keys: Record<string, number> = {};
  const put = (key: string, value: number | undefined): void => {
    if (value !== undefined) keys[key] = round(value, 3);
  };
  for (const [model, short] of [['tiny-add', 'tiny'], ['resnet50', 'resnet50']] as const) {
    const protocols = [['http-json', 'http'], ['http-binary', 'binary_http'], ['grpc', 'grpc']] as const;
    for (const [protocol, p] of protocols) {
      const c8 = get('tessera', model, protocol, 8);
      const c1 = get('tessera', model, protocol, 1);
      put(`${short}_${p}_c8_vs_raw`, c8?.vsRaw);
      put(`${short}_${p}_infer_per_s`, c8?.throughputPerS);
      put(`${short}_${p}_c1_added_p50_us`, c1?.addedP50Us);
      put(`${short}_${p}_c1_added_p99_us`, c1?.addedP99Us);
    }
    const naive = get('naive', model, 'http-json', 8);
    const json = get('tessera', model, 'http-json', 8);
    if (naive !== undefined && json !== undefined) put(`${short}_http_vs_naive`, json.throughputPerS / naive.throughputPerS);
    put(`${short}_raw_limit_per_s`, rawLimit(model)?.throughputPerS);
    put(`${short}_raw_p50_us`, rawSingle(model)?.latency.p50Us);
    put(`${short}_naive_c8_per_s`, naive?.throughputPerS);
  }
  // The headline names: HTTP means the default JSON encoding; added latency is JSON at concurrency 1.
  put('tiny_added_p50_us', keys['tiny_http_c1_added_p50_us']);
  put('tiny_added_p99_us', keys['tiny_http_c1_added_p99_us']);

  const workerLimit = WORKER_RSS_MODEL_FACTOR * memory.workerModelBytes + WORKER_RSS_ALLOWANCE_BYTES;
  const workerPeak = Math.max(0, ...memory.workerPeakRssBytes);
  const targets: Target[] = [];
  const target = (name: string, value: number | undefined, text: string, met: (v: number) => boolean): void => {
    if (value !== undefined) targets.push({ name, value, target: text, met: met(value) });
  };
  target('resnet50_binary_http_c8_vs_raw', keys['resnet50_binary_http_c8_vs_raw'], '>= 0.9', (v) => v >= 0.9);
  target('tiny_http_infer_per_s', keys['tiny_http_infer_per_s'], '>= 5000', (v) => v >= 5000);
  target('tiny_http_vs_naive', keys['tiny_http_vs_naive'], '> 1', (v) => v > 1);
  target('tiny_added_p50_us', keys['tiny_added_p50_us'], '<= 150', (v) => v <= 150);
  target('frontend_peak_rss_mib', memory.frontEndPeakRssBytes / MIB, `<= ${FRONT_END_RSS_LIMIT_BYTES / MIB}`, (v) => v * MIB <= FRONT_END_RSS_LIMIT_BYTES);
  target('worker_peak_rss_mib', workerPeak / MIB, `<= ${round(workerLimit / MIB)} (1.5 x ${round(memory.workerModelBytes / MIB)} MiB models + 100)`, (v) => v * MIB <= workerLimit);

  // Other work on a shared machine shows up as repetitions that disagree; say so next to the numbers.
  const noisyCases = cases.filter((c) => throughputSpread(c) > NOISY_SPREAD).map((c) => `${caseLabel(c)} (spread ${round(throughputSpread(c) * 100)}%)`);
  return {
    ...keys,
    frontend_peak_rss_bytes: memory.frontEndPeakRssBytes,
    frontend_idle_rss_bytes: memory.frontEndIdleRssBytes,
    worker_peak_rss_bytes: memory.workerPeakRssBytes,
    worker_idle_rss_bytes: memory.workerIdleRssBytes,
    worker_model_bytes: memory.workerModelBytes,
    worker_rss_limit_bytes: workerLimit,
    frontend_rss_limit_bytes: FRONT_END_RSS_LIMIT_BYTES,
    naive_peak_rss_bytes: memory.naivePeakRssBytes,
    targets: targets.map((t) => ({ ...t, value: round(t.value, 3) })),
    noisy_cases: noisyCases,
    context,
    cases: reported,
  };
}

function cpuCell(c: CaseResult): string {
  const cpu = c.cpuUsPerRequest;
  if (cpu === undefined) return '-';
  return [cpu.server, cpu.workers, cpu.loadGenerator].filter((v) => v !== undefined).map((v) => cell(v)).join('+');
}

function cell(v: number | undefined, digits = 0): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

export function overheadTable(report: OverheadReport): string {
  const header = ['server', 'model', 'protocol', 'c', 'infer/s', 'x raw', 'p50 us', 'p99 us', '+p50 us', '+p99 us', 'batch', 'engine us', 'cpu us/req srv+wk+gen', 'fail', 'load'];
  const rows = report.cases.map((c) => [
    c.layout === undefined ? c.server : `raw ${c.layout}`,
    c.model,
    c.protocol,
    String(c.concurrency),
    cell(c.throughputPerS),
    cell(c.vsRaw, 3),
    cell(c.latency.p50Us),
    cell(c.latency.p99Us),
    cell(c.addedP50Us),
    cell(c.addedP99Us),
    cell(c.engine?.meanBatchRows, 1),
    cell(c.engine?.engineUs),
    cpuCell(c),
    String(c.failed),
    cell(c.loadAverage1m, 1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((v, i) => (i < 3 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  const mib = (v: unknown): string => (typeof v === 'number' ? (v / MIB).toFixed(0) : '-');
  const list = (v: unknown): string => (Array.isArray(v) ? v.map(mib).join(', ') : '-');
  out.push(`memory (MiB): front end idle ${mib(report['frontend_idle_rss_bytes'])}, peak ${mib(report['frontend_peak_rss_bytes'])}; workers idle ${list(report['worker_idle_rss_bytes'])}, peak ${list(report['worker_peak_rss_bytes'])}; models per worker ${mib(report['worker_model_bytes'])}`, '');
  for (const t of report.targets) out.push(`${t.met ? 'MET   ' : 'MISSED'} ${t.name} = ${t.value} (target ${t.target})`);
  const noisy = report['noisy_cases'];
  if (Array.isArray(noisy) && noisy.length > 0) {
    out.push('', `NOISY: repetitions disagree by more than ${NOISY_SPREAD * 100}% in throughput (other load on the machine?):`);
    for (const n of noisy) out.push(`  ${String(n)}`);
  }
  return out.join('\n');
}
