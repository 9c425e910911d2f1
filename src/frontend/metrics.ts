// Prometheus metrics: subscribes to the engine's diagnostics channels and exposes a prom-client registry.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  type BatchEvent,
  type DeviceSwitchEvent,
  type DeviceUnitEvent,
  type QueueEvent,
  type RequestDoneEvent,
  type WorkerEvent,
  batchExecuted,
  deviceSwitch,
  deviceUnit,
  queueChanged,
  requestDone,
  workerChanged,
} from '../engine/channels.js';

/** Latency buckets in seconds, from 100 µs to 10 s. */
const LATENCY_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface WorkerSample {
  readonly id: string;
  readonly rssBytes: number | undefined;
}

interface Series {
  readonly success: ReturnType<Counter<'model' | 'version'>['labels']>;
  readonly inferences: ReturnType<Counter<'model' | 'version'>['labels']>;
  readonly executions: ReturnType<Counter<'model' | 'version'>['labels']>;
  readonly requestUs: ReturnType<Counter<'model' | 'version'>['labels']>;
  readonly queueUs: ReturnType<Counter<'model' | 'version'>['labels']>;
  readonly computeUs: ReturnType<Counter<'model' | 'version'>['labels']>;
  readonly requestHist: ReturnType<Histogram<'model' | 'version'>['labels']>;
  readonly queueHist: ReturnType<Histogram<'model' | 'version'>['labels']>;
  readonly computeHist: ReturnType<Histogram<'model' | 'version'>['labels']>;
  readonly batchSize: ReturnType<Histogram<'model' | 'version'>['labels']>;
  readonly pending: ReturnType<Gauge<'model' | 'version'>['labels']>;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly success: Counter<'model' | 'version'>;
  private readonly failure: Counter<'model' | 'version' | 'reason'>;
  private readonly inferences: Counter<'model' | 'version'>;
  private readonly executions: Counter<'model' | 'version'>;
  private readonly requestUs: Counter<'model' | 'version'>;
  private readonly queueUs: Counter<'model' | 'version'>;
  private readonly computeUs: Counter<'model' | 'version'>;
  private readonly requestHist: Histogram<'model' | 'version'>;
  private readonly queueHist: Histogram<'model' | 'version'>;
  private readonly computeHist: Histogram<'model' | 'version'>;
  private readonly batchSize: Histogram<'model' | 'version'>;
  private readonly pending: Gauge<'model' | 'version'>;
  private readonly restarts: Counter<'worker'>;
  private readonly appRequests: Counter<'tenant' | 'app' | 'outcome'>;
  private readonly appSlo: Counter<'tenant' | 'app' | 'result'>;
  private readonly appRejects: Counter<'tenant' | 'app' | 'reason'>;
  private readonly appLatency: Histogram<'tenant' | 'app'>;
  private readonly appVariant: Counter<'tenant' | 'app' | 'model' | 'version'>;
  private readonly deviceSeconds: Counter<'executor' | 'model' | 'tenant'>;
  private readonly deviceSwitches: Counter<'executor'>;
  private readonly switchInterval: Histogram<'executor'>;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly byVersion = new Map<string, Series>();

  constructor(workers: () => readonly WorkerSample[]) {
    const registers = [this.registry];
    const labelNames = ['model', 'version'] as const;
    this.success = new Counter({ name: 'tessera_request_success_total', help: 'Inference requests answered successfully', labelNames, registers });
    this.failure = new Counter({
      name: 'tessera_request_failure_total',
      help: 'Inference requests that failed, by reason (error code)',
      labelNames: ['model', 'version', 'reason'],
      registers,
    });
    this.inferences = new Counter({ name: 'tessera_inference_count_total', help: 'Inferences performed (a batch of N counts N)', labelNames, registers });
    this.executions = new Counter({ name: 'tessera_execution_count_total', help: 'Batches executed on executors', labelNames, registers });
    this.requestUs = new Counter({ name: 'tessera_request_duration_us_total', help: 'Cumulative end-to-end request time in the engine, µs', labelNames, registers });
    this.queueUs = new Counter({ name: 'tessera_queue_duration_us_total', help: 'Cumulative time requests waited in queues, µs', labelNames, registers });
    this.computeUs = new Counter({ name: 'tessera_compute_infer_duration_us_total', help: 'Cumulative executor compute time per request, µs', labelNames, registers });
    this.requestHist = new Histogram({ name: 'tessera_request_duration_seconds', help: 'End-to-end request time in the engine', labelNames, buckets: LATENCY_BUCKETS_S, registers });
    this.queueHist = new Histogram({ name: 'tessera_queue_duration_seconds', help: 'Time a request waited before its batch ran', labelNames, buckets: LATENCY_BUCKETS_S, registers });
    this.computeHist = new Histogram({ name: 'tessera_compute_duration_seconds', help: 'Executor compute time of each batch', labelNames, buckets: LATENCY_BUCKETS_S, registers });
    this.batchSize = new Histogram({ name: 'tessera_batch_size', help: 'Rows per executed batch', labelNames, buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024], registers });
    this.pending = new Gauge({ name: 'tessera_pending_requests', help: 'Requests queued or running', labelNames, registers });
    this.restarts = new Counter({ name: 'tessera_worker_restarts_total', help: 'Worker process restarts after a crash', labelNames: ['worker'], registers });
    new Gauge({
      name: 'tessera_worker_rss_bytes',
      help: 'Resident memory of each worker process, bytes',
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        for (const w of workers()) if (w.rssBytes !== undefined) this.set({ worker: w.id }, w.rssBytes);
      },
    });
    const appLabels = ['tenant', 'app'] as const;
    this.appRequests = new Counter({ name: 'tessera_app_requests_total', help: 'Requests to each app, by outcome (success or error code)', labelNames: [...appLabels, 'outcome'], registers });
    this.appSlo = new Counter({ name: 'tessera_app_slo_total', help: 'Requests to each app that met or missed its SLO latency (rejected and dropped ones count as missed)', labelNames: [...appLabels, 'result'], registers });
    this.appRejects = new Counter({ name: 'tessera_app_rejects_total', help: 'Requests refused or dropped, by reason (admission, deadline, queue_full, accuracy, ...)', labelNames: [...appLabels, 'reason'], registers });
    this.appLatency = new Histogram({ name: 'tessera_app_request_duration_seconds', help: 'End-to-end engine time of successful app requests', labelNames: appLabels, buckets: LATENCY_BUCKETS_S, registers });
    this.appVariant = new Counter({ name: 'tessera_app_variant_total', help: 'Model version that answered each app request', labelNames: [...appLabels, 'model', 'version'], registers });
    this.deviceSeconds = new Counter({ name: 'tessera_device_compute_seconds_total', help: 'Executor time spent on each model, charged to a tenant (shares of the device)', labelNames: ['executor', 'model', 'tenant'], registers });
    this.deviceSwitches = new Counter({ name: 'tessera_device_switches_total', help: 'Times an executor switched from one model to another', labelNames: ['executor'], registers });
    this.switchInterval = new Histogram({ name: 'tessera_device_switch_interval_seconds', help: 'Time between model switches on an executor', labelNames: ['executor'], buckets: LATENCY_BUCKETS_S, registers });
    collectDefaultMetrics({ register: this.registry, prefix: 'tessera_frontend_' });
    const onUnit = (m: unknown): void => {
      const e = m as DeviceUnitEvent;
      this.deviceSeconds.inc({ executor: e.executor, model: e.model, tenant: e.tenant }, e.computeNs / 1e9);
    };
    const onSwitch = (m: unknown): void => {
      const e = m as DeviceSwitchEvent;
      this.deviceSwitches.inc({ executor: e.executor });
      this.switchInterval.observe({ executor: e.executor }, e.intervalMs / 1000);
    };
    deviceUnit.subscribe(onUnit);
    deviceSwitch.subscribe(onSwitch);
    this.unsubscribe.push(
      () => deviceUnit.unsubscribe(onUnit),
      () => deviceSwitch.unsubscribe(onSwitch),
    );

    const onDone = (m: unknown): void => this.onRequest(m as RequestDoneEvent);
    const onBatch = (m: unknown): void => this.onBatch(m as BatchEvent);
    const onQueue = (m: unknown): void => {
      const e = m as QueueEvent;
      this.series(e.model, e.version).pending.inc(e.delta);
    };
    const onWorker = (m: unknown): void => {
      const e = m as WorkerEvent;
      if (e.kind === 'restart') this.restarts.inc({ worker: e.id });
    };
    requestDone.subscribe(onDone);
    batchExecuted.subscribe(onBatch);
    queueChanged.subscribe(onQueue);
    workerChanged.subscribe(onWorker);
    this.unsubscribe.push(
      () => requestDone.unsubscribe(onDone),
      () => batchExecuted.unsubscribe(onBatch),
      () => queueChanged.unsubscribe(onQueue),
      () => workerChanged.unsubscribe(onWorker),
    );
  }

  /** Label children per model version, so the per-request path does no label hashing. */
  private series(model: string, version: string): Series {
    const key = `${model}\u0000${version}`;
    let s = this.byVersion.get(key);
    if (s === undefined) {
      s = {
        success: this.success.labels(model, version),
        inferences: this.inferences.labels(model, version),
        executions: this.executions.labels(model, version),
        requestUs: this.requestUs.labels(model, version),
        queueUs: this.queueUs.labels(model, version),
        computeUs: this.computeUs.labels(model, version),
        requestHist: this.requestHist.labels(model, version),
        queueHist: this.queueHist.labels(model, version),
        computeHist: this.computeHist.labels(model, version),
        batchSize: this.batchSize.labels(model, version),
        pending: this.pending.labels(model, version),
      };
      this.byVersion.set(key, s);
    }
    return s;
  }

  private onRequest(e: RequestDoneEvent): void {
    if (e.app !== undefined) this.onAppRequest(e);
    if (e.model === '' && e.app !== undefined) return;
    if (e.outcome !== 'success') {
      this.failure.inc({ model: e.model, version: e.version, reason: e.outcome });
      return;
    }
    const s = this.series(e.model, e.version);
    s.success.inc();
    s.requestUs.inc(e.totalNs / 1000);
    s.queueUs.inc(e.queueNs / 1000);
    s.computeUs.inc(e.computeNs / 1000);
    s.requestHist.observe(e.totalNs / 1e9);
    s.queueHist.observe(e.queueNs / 1e9);
  }

  private onAppRequest(e: RequestDoneEvent): void {
    const labels = { tenant: e.tenant ?? '', app: e.app ?? '' };
    this.appRequests.inc({ ...labels, outcome: e.outcome });
    if (e.sloMet !== undefined) this.appSlo.inc({ ...labels, result: e.sloMet ? 'met' : 'missed' });
    if (e.outcome !== 'success') {
      if (e.reason !== undefined) this.appRejects.inc({ ...labels, reason: e.reason });
      return;
    }
    this.appLatency.observe(labels, e.totalNs / 1e9);
    this.appVariant.inc({ ...labels, model: e.model, version: e.version });
  }

  private onBatch(e: BatchEvent): void {
    const s = this.series(e.model, e.version);
    s.inferences.inc(e.rows);
    s.executions.inc();
    s.computeHist.observe(e.computeNs / 1e9);
    s.batchSize.observe(e.rows);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    for (const u of this.unsubscribe) u();
  }
}
