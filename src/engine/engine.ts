// The engine: loads repository models onto executors, tracks their lifecycle, and serves inference requests.

import type { Clock } from '../core/clock.js';
import { ServingError, toServingError } from '../core/errors.js';
import type { ModelProfile } from '../profiler/profile.js';
import type {
  InferRequest,
  InferResponse,
  ModelMetadata,
  TensorSpec,
  ModelStatistics,
  RepositoryIndexEntry,
  ServerMetadata,
} from '../core/inference.js';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Executor, supportsSegments } from '../executor/executor.js';
import { writeSegmentFiles } from '../onnx/segment-files.js';
import { chooseSegmentation } from '../onnx/segment-choice.js';
import { segmentsForQuantum } from '../onnx/segment-quantum.js';
import type { ModelConfig } from '../repository/model-config.js';
import { ModelLifecycle } from '../repository/model-lifecycle.js';
import type { RepositoryModel } from '../repository/model-repository.js';
import { selectVersions } from '../repository/version-policy.js';
import type { AppSpec } from '../core/app.js';
import { AdmissionMargins, type AdmissionMarginsOptions } from '../scheduler/admission-margins.js';
import { DeadlineBatcher } from '../scheduler/batchers/deadline-batcher.js';
import { DynamicBatcher } from '../scheduler/batchers/dynamic-batcher.js';
import { SingleBatcher } from '../scheduler/batchers/single-batcher.js';
import type { Batcher } from '../scheduler/batcher.js';
import type { FlowSelector } from '../scheduler/flow-selector.js';
import { createFlowSelector } from '../scheduler/selectors/index.js';
import { createVariantRouter } from '../router/index.js';
import type { VariantCandidate, VariantRouter } from '../router/variant-router.js';
import { deviceSwitch, requestDone } from './channels.js';
import { CostEstimator } from './cost-estimator.js';
import { SharedSlowdown } from './shared-slowdown.js';
import type { EngineApi, ModelProfileAnswer, TaskInferOptions } from './engine-api.js';
import type { ExecutorPool } from './executor-pool.js';
import { ExecutorScheduler, ReservationGroup } from './executor-scheduler.js';
import { ModelStats } from './model-stats.js';
import { type ModelSignature, modelSignature } from './model-signature.js';
import { type InferContext, appContext, contextFromParameters, defaultContext, minAccuracyFromParameters } from './request-context.js';
import { type SchedulingPolicy, schedulingPolicy, segmentQuantumOf } from './scheduling-policy.js';
import { type PendingRequest, VersionRuntime } from './version-runtime.js';

export const EXTENSIONS = ['binary_tensor_data', 'model_repository', 'statistics', 'metrics', 'tessera_apps', 'tessera_tasks'] as const;

/** How often versions without a profile look for one (the background profiler may have finished), ms. */
const PROFILE_POLL_MS = 5000;
/** Under the fair arbiter, predicted work kept queued in a worker ahead of the unit running: this many quanta. */
export const QUEUE_AHEAD_QUANTA = 5;

/** Logged once a version runs in graph segments (benchmarks wait for it). */
export const SEGMENTED_LOG = 'model segmented';
/** Logged when a model the policy wants in segments runs as whole batches (benchmarks wait for it). */
export const NOT_SEGMENTED_LOG = 'could not segment the model; it runs as whole batches';
/** Logged when a model runs whole because its profiled batch-1 time fits in one segment quantum (benchmarks wait for it). */
export const UNDER_QUANTUM_LOG = 'model runs whole: it fits in one segment quantum';

export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RepositorySource {
  scan(): Promise<RepositoryModel[]>;
  get(name: string): Promise<RepositoryModel | undefined>;
}

export interface EngineDefaults {
  /** onnxruntime intra-op threads per session when a model's config does not say. */
  readonly intraOpThreads: number;
  /** max_batch_size for models whose graph batches but whose config does not say. */
  readonly maxBatchSize: number;
  /** Dynamic-batching delay for models without a config, in microseconds. */
  readonly maxQueueDelayUs: number;
  /** Most queued requests per model version. */
  readonly maxQueueLength: number;
  /** How long queued requests wait for a restarting worker before failing, in ms. */
  readonly unavailableTimeoutMs: number;
  /** Batches each instance may have outstanding at once (pipelining into the worker). */
  readonly maxBatchesInFlight: number;
  /** Fair policy: cut models into graph segments of about this much profiled time, ms (0 or absent: whole batches). */
  readonly segmentQuantumMs?: number;
  /**
   * Tessera (EDF) policy: models whose batch-1 cost exceeds this are cut into segments of about this profiled time,
   * so earlier deadlines overtake them at segment boundaries, ms (0 or absent: whole batches).
   */
  readonly preemptQuantumMs?: number;
  /** Where segment files are written (a state directory, never the repository). */
  readonly segmentDir?: string;
  /** How admission learns its margins, per executor kind (default: AdmissionMargins' own defaults). */
  readonly admissionMargins?: AdmissionMarginsOptions;
}

/** Where stored profiles come from and where newly ready versions are sent to be profiled. */
export interface ProfileSource {
  profiles(model: string, version: string | undefined): Promise<readonly ModelProfile[]>;
  background(model: string): readonly { readonly version: string; readonly state: string; readonly reason?: string }[];
  versionReady(target: { model: string; version: string; path: string; maxBatchSize: number; inputs: readonly TensorSpec[] }): void;
}

/** Where registered apps and tenant weights come from (the app registry). */
export interface AppDirectory {
  get(tenant: string, name: string): AppSpec | undefined;
  tenantWeight(tenant: string): number;
}

export interface EngineOptions {
  readonly profiles?: ProfileSource;
  /** Scheduling policy (default 'tessera'). */
  readonly policy?: SchedulingPolicy;
  readonly apps?: AppDirectory;
  readonly repository: RepositorySource;
  readonly pool: ExecutorPool;
  readonly clock: Clock;
  readonly logger: EngineLogger;
  readonly defaults: EngineDefaults;
  readonly serverVersion: string;
}

interface SharedContention {
  readonly slowdown: SharedSlowdown;
  readonly margins: AdmissionMargins;
}

/** What the router makes of a task request (Engine.chooseVariant). */
type VariantChoice =
  | { readonly kind: 'route'; readonly model: string; readonly version: string }
  /** No variant of the task is ready, or the task is unknown. */
  | { readonly kind: 'unavailable'; readonly error: ServingError }
  /** No variant meets the accuracy floor. */
  | { readonly kind: 'no-variant'; readonly error: ServingError }
  /** Admission control: no variant can answer within the deadline. */
  | { readonly kind: 'refused'; readonly error: ServingError; readonly runtime: VersionRuntime | undefined; readonly atMs: number };

interface LoadedVersion {
  readonly runtime: VersionRuntime;
  readonly signature: ModelSignature;
  readonly config: ModelConfig;
  readonly cost: CostEstimator;
  readonly path: string;
  readonly threads: number;
}

export class Engine implements EngineApi {
  private readonly models = new Map<string, RepositoryModel>();
  private readonly loaded = new Map<string, Map<number, LoadedVersion>>();
  private readonly stats = new Map<string, ModelStats>();
  /** Shared slowdown and admission margins per executor kind. */
  private readonly contention = new Map<string, SharedContention>();
  readonly lifecycle: ModelLifecycle;
  private started = false;
  private draining = false;
  private modelCount = 0;
  private readonly schedulers = new Map<string, ExecutorScheduler>();
  /** The executors' reservation for short work (policies that keep one: tessera). */
  private readonly reservation: ReservationGroup | undefined;
  readonly policy: SchedulingPolicy;
  private readonly router: VariantRouter;
  private profilePoll: NodeJS.Timeout | undefined;

  constructor(private readonly o: EngineOptions) {
    this.lifecycle = new ModelLifecycle(o.clock);
    this.policy = o.policy ?? schedulingPolicy('tessera');
    this.router = createVariantRouter(this.policy.router);
    this.reservation = this.policy.reserveForShortWork ? new ReservationGroup() : undefined;
    o.pool.onChange((change) => {
      this.schedulers.get(change.id)?.changed(change.kind === 'up');
      for (const versions of this.loaded.values()) {
        for (const v of versions.values()) {
          if (v.runtime.executorIds.includes(change.id)) v.runtime.executorChanged();
        }
      }
    });
  }

  private schedulerFor(executor: Executor): ExecutorScheduler {
    let s = this.schedulers.get(executor.id);
    if (s === undefined) {
      const selector: FlowSelector = createFlowSelector(this.policy.selector);
      s = new ExecutorScheduler({
        executor,
        selector,
        clock: this.o.clock,
        isAvailable: () => this.o.pool.isAvailable(executor.id),
        // Every policy, the fair arbiter included, keeps --max-batches-in-flight units in the worker: with 2 the next
        // unit waits there, so the worker does not idle for each reply's round trip through the front end. Under the
        // fair policy that unit is chosen one unit early, which delays a light model behind a heavy segment.
        // bench:fairness with 1 intra-op thread: throughput loss 3.0-4.5% and small-model p99 48-54 ms with 2 units, 24.3%
        // and 40 ms with 1; with 2 threads on 2 cores 2 units lost 30% (threads of the queued session spin against the
        // running one), so there 1 unit was better.
        maxUnitsInFlight: this.o.defaults.maxBatchesInFlight,
        ...(this.reservation === undefined ? {} : { reservation: this.reservation }),
        // Segments of a ~2 ms quantum are shorter than the front end's reaction to a reply: with two in the worker it
        // still idled. So the fair arbiter keeps several quanta of predicted work ahead in the worker (unless told to
        // keep a single unit), and sends every unit with its rank in the arbiter's order, so the worker runs the units
        // waiting in it in that order and a newly arrived model waits for the segment running, not for the whole budget
        // (a unit that would run ahead of a waiting one is sent even without room). Measured with a probe in the worker
        // (time waiting for the next call while the bench kept every model busy), bench:fairness --quick: the three
        // models at equal weights waited 10-12% of the time with 2 quanta ahead, ~6% with 5 and ~4% with 10;
        // resnet18 alone 12.5%, 2.0% and 0.5%. 5 quanta with ranked units: see docs/fair-sharing.md.
        ...(this.policy.selector === 'wfq' && this.o.defaults.maxBatchesInFlight > 1
          ? { queueAheadMs: QUEUE_AHEAD_QUANTA * segmentQuantumOf(this.policy, this.o.defaults), rankUnits: true }
          : {}),
        onSwitch: (_from, _to, intervalMs) => {
          if (deviceSwitch.hasSubscribers) deviceSwitch.publish({ executor: executor.id, intervalMs });
        },
      });
      this.schedulers.set(executor.id, s);
    }
    return s;
  }

  /** Scans the repository and loads every model (or none, in explicit model-control mode). */
  async start(options: { loadAll: boolean }): Promise<void> {
    for (const m of await this.o.repository.scan()) this.models.set(m.name, m);
    if (options.loadAll) {
      await Promise.all([...this.models.values()].map((m) => this.loadVersions(m).catch(() => undefined)));
    }
    this.started = true;
  }

  isLive(): boolean {
    return true;
  }

  isReady(): boolean {
    return this.started && !this.draining;
  }

  serverMetadata(): ServerMetadata {
    return { name: 'tessera', version: this.o.serverVersion, extensions: [...EXTENSIONS] };
  }

  isModelReady(name: string, version?: string): boolean {
    const { model, v } = this.known(name, version);
    if (v === undefined) return this.lifecycle.readyVersions(model).length > 0;
    return this.lifecycle.get(model, v)?.state === 'READY';
  }

  modelMetadata(name: string, version?: string): ModelMetadata {
    const { loaded } = this.resolve(name, version);
    const c = loaded.config;
    const parameters: Record<string, string | number> = { max_batch_size: loaded.signature.maxBatchSize };
    if (c.task !== undefined) parameters['task'] = c.task;
    if (c.declaredAccuracy !== undefined) parameters['declared_accuracy'] = c.declaredAccuracy;
    if (c.description !== undefined) parameters['description'] = c.description;
    return {
      name,
      versions: this.lifecycle.readyVersions(name).map(String),
      platform: 'onnxruntime_onnx',
      inputs: loaded.signature.inputs,
      outputs: loaded.signature.outputs,
      parameters,
    };
  }

  infer(request: InferRequest, context?: InferContext): Promise<InferResponse> {
    if (this.draining) return Promise.reject(new ServingError('UNAVAILABLE', 'server is shutting down'));
    let runtime: VersionRuntime;
    let ctx: InferContext;
    try {
      runtime = this.resolve(request.model, request.version).loaded.runtime;
      ctx = contextFromParameters(request.parameters, this.o.clock.nowMs(), context);
    } catch (e) {
      const err = toServingError(e);
      // Unknown names get an empty label so clients cannot grow the metric series without bound.
      const model = this.models.has(request.model) ? request.model : '';
      requestDone.publish({ model, version: '', outcome: err.code, totalNs: 0, queueNs: 0, computeNs: 0 });
      return Promise.reject(err);
    }
    return runtime.infer(request, ctx);
  }

  /** A request to a registered app: its SLO, accuracy floor, weight and priority apply; the router picks the variant. */
  inferApp(tenant: string, appName: string, request: Omit<InferRequest, 'model'>): Promise<InferResponse> {
    const app = this.o.apps?.get(tenant, appName);
    if (app === undefined) return Promise.reject(new ServingError('NOT_FOUND', `unknown app '${appName}'`));
    const now = this.o.clock.nowMs();
    let ctx: InferContext;
    try {
      ctx = contextFromParameters(request.parameters, now, appContext(app, now, this.o.apps?.tenantWeight(app.tenant) ?? 1));
    } catch (e) {
      return Promise.reject(toServingError(e));
    }
    if (app.model !== undefined) {
      return this.infer({ ...request, model: app.model, ...(app.version === undefined ? {} : { version: app.version }) }, ctx);
    }
    return this.routeAndInfer(app.task as string, app.minAccuracy, request, ctx);
  }

  /**
   * The admission refusal an app request gets whatever its body holds, decided before the body is read: the router's
   * check on the app's own deadline for one row. A body can only tighten the deadline (`timeout`, `tessera.slo_ms`)
   * or add rows, so a request refused here would be refused after reading it as well; undefined lets it through to
   * the full check. Only task apps with the reject policy are decided early (a fixed-model app's admission happens
   * in its version's queue).
   */
  refuseAppEarly(tenant: string, appName: string): ServingError | undefined {
    if (this.draining || !this.policy.admission) return undefined;
    const app = this.o.apps?.get(tenant, appName);
    if (app === undefined || app.task === undefined || app.overload !== 'reject') return undefined;
    const ctx = appContext(app, this.o.clock.nowMs(), this.o.apps?.tenantWeight(app.tenant) ?? 1);
    const c = this.chooseVariant(app.task, app.minAccuracy, 1, ctx);
    return c.kind === 'refused' ? this.settle(c, ctx) : undefined;
  }

  /** Refuses an app whose model or task the repository does not have (INVALID_ARGUMENT naming it). */
  checkAppTarget(app: AppSpec): void {
    if (app.model !== undefined && !this.models.has(app.model)) {
      throw new ServingError('INVALID_ARGUMENT', `app '${app.name}': model '${app.model}' is not in the repository`);
    }
    if (app.task !== undefined && ![...this.models.values()].some((m) => m.config.task === app.task)) {
      const tasks = [...new Set([...this.models.values()].flatMap((m) => (m.config.task === undefined ? [] : [m.config.task])))].sort();
      throw new ServingError('INVALID_ARGUMENT', `app '${app.name}': no model serves task '${app.task}' (tasks: ${tasks.join(', ') || 'none'})`);
    }
  }

  /** A model-less request: the task, an SLO and an accuracy floor from the request's tessera.* parameters. */
  inferTask(task: string, request: Omit<InferRequest, 'model'>, options: TaskInferOptions = {}): Promise<InferResponse> {
    const now = this.o.clock.nowMs();
    let ctx: InferContext;
    let minAccuracy: number;
    try {
      minAccuracy = minAccuracyFromParameters(request.parameters);
      ctx = contextFromParameters(request.parameters, now, { ...defaultContext(), tenant: options.tenant ?? defaultContext().tenant });
    } catch (e) {
      return Promise.reject(toServingError(e));
    }
    return this.routeAndInfer(task, minAccuracy, request, ctx);
  }

  /** Variants of a task, with what the router needs to know about each for a request due at `deadlineAtMs`. */
  taskCandidates(task: string, deadlineAtMs = Infinity): VariantCandidate[] {
    const now = this.o.clock.nowMs();
    const out: VariantCandidate[] = [];
    for (const [name, m] of this.models) {
      if (m.config.task !== task) continue;
      for (const v of this.lifecycle.readyVersions(name)) {
        const lv = this.loaded.get(name)?.get(v);
        if (lv === undefined) continue;
        const rt = lv.runtime;
        out.push({
          model: name,
          version: String(v),
          accuracy: m.config.declaredAccuracy,
          loaded: true,
          loadMs: 0,
          predictBatchMs: rt.costKnown ? (b: number) => rt.predictBatchMs(b) : undefined,
          maxBatchSize: rt.maxBatchSize,
          cores: lv.threads,
          instances: rt.instanceCount,
          waitMs: rt.waitMs(now, deadlineAtMs),
          queuedRequests: rt.load,
        });
      }
    }
    return out;
  }

  private routeAndInfer(task: string, minAccuracy: number, request: Omit<InferRequest, 'model'>, ctx: InferContext): Promise<InferResponse> {
    const c = this.chooseVariant(task, minAccuracy, Math.max(1, request.inputs[0]?.shape[0] ?? 1), ctx);
    if (c.kind !== 'route') return Promise.reject(this.settle(c, ctx));
    return this.infer({ ...request, model: c.model, version: c.version }, ctx);
  }

  /** The router's variant for a request of `rows` rows, or why it gets none; no side effects (see settle). */
  private chooseVariant(task: string, minAccuracy: number, rows: number, ctx: InferContext): VariantChoice {
    const candidates = this.taskCandidates(task, ctx.deadlineAtMs);
    if (candidates.length === 0) {
      const known = [...this.models.values()].some((m) => m.config.task === task);
      return { kind: 'unavailable', error: new ServingError(known ? 'UNAVAILABLE' : 'NOT_FOUND', known ? `no variant of task '${task}' is ready` : `unknown task '${task}'`) };
    }
    const now = this.o.clock.nowMs();
    const budgetMs = Number.isFinite(ctx.deadlineAtMs) ? ctx.deadlineAtMs - now : Number.MAX_SAFE_INTEGER;
    const d = this.router.route({ task, budgetMs, minAccuracy, rows }, candidates);
    if (d.kind === 'none') return { kind: 'no-variant', error: new ServingError('NOT_FOUND', `no variant of task '${task}' meets the request: ${d.reason}`) };
    // Only a prediction can justify a reject: with no profile or observation yet, the request is let through.
    const chosen = candidates.find((c) => c.model === d.model && c.version === d.version);
    const known = chosen?.predictBatchMs !== undefined;
    if (!d.meetsSlo && known && this.policy.admission && ctx.overload === 'reject' && Number.isFinite(budgetMs)) {
      const retryAfterMs = Math.max(1, Math.ceil(d.predictedMs - budgetMs));
      return {
        kind: 'refused',
        error: new ServingError('RESOURCE_EXHAUSTED', `request rejected by admission control: no variant of task '${task}' can answer within ${budgetMs.toFixed(1)} ms (best predicted ${d.predictedMs.toFixed(1)} ms by ${d.model})`, { retryAfterMs }),
        runtime: this.loaded.get(d.model)?.get(Number(d.version))?.runtime,
        atMs: now,
      };
    }
    return { kind: 'route', model: d.model, version: d.version };
  }

  /** Counts a choice that answers no variant (a refusal tells the chosen version it is overloaded) and gives its error. */
  private settle(c: Exclude<VariantChoice, { kind: 'route' }>, ctx: InferContext): ServingError {
    if (c.kind === 'refused') {
      c.runtime?.noteRefused(c.atMs);
      this.publishReject(ctx, 'RESOURCE_EXHAUSTED', 'admission');
    } else if (c.kind === 'no-variant') {
      this.publishReject(ctx, 'NOT_FOUND', 'accuracy');
    }
    return c.error;
  }

  private publishReject(ctx: InferContext, outcome: string, reason: string): void {
    if (!requestDone.hasSubscribers) return;
    requestDone.publish({ model: '', version: '', outcome, totalNs: 0, queueNs: 0, computeNs: 0, reason, ...(ctx.app === undefined ? {} : { app: ctx.app, tenant: ctx.tenant }), ...(Number.isFinite(ctx.sloMs) ? { sloMet: false } : {}) });
  }

  repositoryIndex(readyOnly: boolean): RepositoryIndexEntry[] {
    const out: RepositoryIndexEntry[] = [];
    for (const name of [...this.models.keys()].sort()) {
      const versions = this.lifecycle.list().filter((e) => e.model === name);
      if (versions.length === 0 && !readyOnly) out.push({ name });
      for (const e of versions.sort((a, b) => a.version - b.version)) {
        if (readyOnly && e.state !== 'READY') continue;
        out.push({ name, version: String(e.version), state: e.state, ...(e.reason === undefined ? {} : { reason: e.reason }) });
      }
    }
    return out;
  }

  async loadModel(name: string): Promise<void> {
    const m = await this.o.repository.get(name);
    if (m === undefined) throw new ServingError('NOT_FOUND', `model '${name}' is not in the repository`);
    this.models.set(name, m);
    await this.loadVersions(m);
  }

  async unloadModel(name: string): Promise<void> {
    if (!this.models.has(name)) throw new ServingError('NOT_FOUND', `model '${name}' is not in the repository`);
    const versions = this.loaded.get(name);
    if (versions === undefined) return;
    await Promise.all([...versions.keys()].map((v) => this.unloadVersion(name, v)));
  }

  statistics(name?: string, version?: string): ModelStatistics[] {
    if (name === undefined) return [...this.stats.values()].map((s) => s.snapshot());
    const { model, v } = this.known(name, version);
    return [...this.stats.entries()]
      .filter(([key]) => key.startsWith(`${model}@`) && (v === undefined || key === `${model}@${v}`))
      .map(([, s]) => s.snapshot());
  }

  async modelProfile(name: string, version?: string): Promise<ModelProfileAnswer> {
    const { model, v } = this.known(name, version);
    const source = this.o.profiles;
    const profiles = (await source?.profiles(model, v === undefined ? undefined : String(v))) ?? [];
    const background = (source?.background(model) ?? []).filter((b) => v === undefined || b.version === String(v));
    if (profiles.length === 0) {
      const state = background.map((b) => `version ${b.version} ${b.state}${b.reason === undefined ? '' : `: ${b.reason}`}`).join('; ');
      throw new ServingError('NOT_FOUND', `model '${name}' has no profile yet${state === '' ? '' : ` (${state})`}`);
    }
    return { model, profiles, ...(background.length === 0 ? {} : { background }) };
  }

  /** Stop taking requests, let everything queued or running finish (up to `timeoutMs`). */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    if (this.profilePoll !== undefined) clearInterval(this.profilePoll);
    this.profilePoll = undefined;
    const all = [...this.loaded.values()].flatMap((vs) => [...vs.values()].map((v) => v.runtime.drain()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(all), timeout]);
    clearTimeout(timer);
    for (const vs of this.loaded.values()) {
      for (const v of vs.values()) {
        v.runtime.failQueued(new ServingError('UNAVAILABLE', 'server is shutting down'));
        v.runtime.close();
      }
    }
    for (const s of this.schedulers.values()) s.close();
  }

  /** Requests queued or running, per model, for the pending-requests gauge. */
  pendingByModel(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, vs] of this.loaded) {
      let n = 0;
      for (const v of vs.values()) n += v.runtime.load;
      out.set(name, n);
    }
    return out;
  }

  private known(name: string, version: string | undefined): { model: string; v: number | undefined } {
    if (!this.models.has(name)) throw new ServingError('NOT_FOUND', `unknown model '${name}'`);
    if (version === undefined || version === '') return { model: name, v: undefined };
    const v = Number(version);
    if (!/^\d+$/.test(version) || this.lifecycle.get(name, v) === undefined) {
      throw new ServingError('NOT_FOUND', `unknown version '${version}' of model '${name}'`);
    }
    return { model: name, v };
  }

  private resolve(name: string, version: string | undefined): { v: number; loaded: LoadedVersion } {
    const { model, v } = this.known(name, version);
    const chosen = v ?? this.lifecycle.readyVersions(model)[0];
    const loaded = chosen === undefined ? undefined : this.loaded.get(model)?.get(chosen);
    if (chosen === undefined || loaded === undefined || this.lifecycle.get(model, chosen)?.state !== 'READY') {
      const states = this.lifecycle
        .list()
        .filter((e) => e.model === model && (v === undefined || e.version === v))
        .map((e) => `version ${e.version} ${e.state}${e.reason === undefined ? '' : `: ${e.reason}`}`);
      const why = states.length === 0 ? 'not loaded' : states.join('; ');
      throw new ServingError('UNAVAILABLE', `model '${name}'${v === undefined ? '' : ` version ${v}`} is not ready (${why})`);
    }
    return { v: chosen, loaded };
  }

  private async loadVersions(m: RepositoryModel): Promise<void> {
    const wanted = selectVersions(
      m.config.versionPolicy,
      m.versions.map((x) => x.version),
    );
    const current = this.loaded.get(m.name) ?? new Map<number, LoadedVersion>();
    // Reload semantics: versions no longer wanted go away, wanted ones are (re)loaded from disk.
    await Promise.all([...current.keys()].map((v) => this.unloadVersion(m.name, v)));
    if (m.error !== undefined) {
      for (const x of m.versions) this.markFailed(m.name, x.version, m.error);
      this.o.logger.error({ model: m.name, reason: m.error }, 'model configuration is invalid');
      throw new ServingError('INVALID_ARGUMENT', `model '${m.name}': ${m.error}`);
    }
    if (wanted.length === 0) {
      throw new ServingError('INVALID_ARGUMENT', `model '${m.name}' has no version directory with a model.onnx that its version policy selects`);
    }
    const results = await Promise.allSettled(
      wanted.map((v) => this.loadVersion(m, v, m.versions.find((x) => x.version === v)?.path as string)),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
    if (failures.length === results.length) {
      throw new ServingError('INVALID_ARGUMENT', `model '${m.name}' failed to load: ${failures.join('; ')}`);
    }
  }

  private markFailed(name: string, version: number, reason: string): void {
    const st = this.lifecycle.get(name, version)?.state;
    if (st === undefined || st === 'UNAVAILABLE') this.lifecycle.begin(name, version);
    this.lifecycle.fail(name, version, reason);
  }

  /** The contention every version on one kind of executor shares: its slowdown against profiles, its admission lateness. */
  private sharedFor(kind: string): SharedContention {
    let c = this.contention.get(kind);
    if (c === undefined) {
      c = { slowdown: new SharedSlowdown(), margins: new AdmissionMargins(this.o.defaults.admissionMargins) };
      this.contention.set(kind, c);
    }
    return c;
  }

  private chooseExecutors(config: ModelConfig): Executor[] {
    const all = this.o.pool.executors();
    const count = Math.max(1, Math.min(all.length, config.instance.count ?? all.length));
    const offset = this.modelCount++ % all.length;
    return Array.from({ length: count }, (_, i) => all[(offset + i) % all.length] as Executor);
  }

  private async loadVersion(m: RepositoryModel, version: number, path: string): Promise<void> {
    const key = `${m.name}@${version}`;
    this.lifecycle.begin(m.name, version);
    const executors = this.chooseExecutors(m.config);
    const providers = m.config.instance.kind === 'gpu' ? ['cuda', 'cpu'] : ['cpu'];
    const options = {
      intraOpThreads: m.config.instance.intraOpThreads ?? this.o.defaults.intraOpThreads,
      executionProviders: providers,
      // Under the fair arbiter models take turns on the same cores: threads still spinning after a run would steal
      // the next one's, so they park when a run ends.
      ...(this.policy.selector === 'wfq' ? { stopSpinningAfterRun: true } : {}),
    };
    const t0 = this.o.clock.nowMs();
    const settled = await Promise.allSettled(executors.map((e) => e.load({ key, path, options })));
    const failed = settled.find((r) => r.status === 'rejected');
    try {
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
      const session = (settled[0] as PromiseFulfilledResult<Awaited<ReturnType<Executor['load']>>>).value;
      const signature = modelSignature(m.config, session, this.o.defaults.maxBatchSize);
      const stats = new ModelStats(m.name, String(version));
      this.stats.set(key, stats);
      const shared = this.sharedFor(m.config.instance.kind === 'gpu' ? 'gpu' : 'cpu');
      const cost = new CostEstimator(options.intraOpThreads, shared.slowdown);
      const runtime = new VersionRuntime({
        model: m.name,
        version: String(version),
        key,
        inputs: signature.inputs,
        outputs: signature.outputs,
        maxBatchSize: signature.maxBatchSize,
        batcher: this.makeBatcher(m.config, signature.maxBatchSize, cost),
        schedulers: executors.map((e) => this.schedulerFor(e)),
        clock: this.o.clock,
        stats,
        cost,
        admission: this.policy.admission,
        protectAdmitted: this.policy.selector === 'edf',
        unavailableTimeoutMs: this.o.defaults.unavailableTimeoutMs,
        maxQueueLength: this.o.defaults.maxQueueLength,
        margins: shared.margins,
      });
      let versions = this.loaded.get(m.name);
      if (versions === undefined) {
        versions = new Map();
        this.loaded.set(m.name, versions);
      }
      versions.set(version, { runtime, signature, config: m.config, cost, path, threads: options.intraOpThreads });
      void this.refreshProfile(m.name, version);
      this.armProfilePoll();
      this.lifecycle.ready(m.name, version);
      this.o.profiles?.versionReady({ model: m.name, version: String(version), path, maxBatchSize: signature.maxBatchSize, inputs: signature.inputs });
      this.o.logger.info(
        { model: m.name, version, instances: executors.map((e) => e.id), loadMs: Math.round(this.o.clock.nowMs() - t0), maxBatchSize: signature.maxBatchSize },
        'model ready',
      );
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      await Promise.all(executors.map((ex, i) => (settled[i]?.status === 'fulfilled' ? ex.unload(key).catch(() => undefined) : undefined)));
      this.lifecycle.fail(m.name, version, reason);
      this.o.logger.error({ model: m.name, version, reason }, 'model failed to load');
      throw e;
    }
  }

  /** Gives a version's cost estimator its stored profile once one exists. */
  private async refreshProfile(model: string, version: number): Promise<void> {
    const lv = this.loaded.get(model)?.get(version);
    if (lv === undefined || lv.cost.hasProfile || this.o.profiles === undefined) return;
    try {
      const profiles = await this.o.profiles.profiles(model, String(version));
      const cpu = profiles.find((p) => p.executorKind === 'cpu') ?? profiles[0];
      if (cpu !== undefined) lv.cost.setProfile(cpu.fit);
    } catch {
      // No profile yet (or an unreadable one): the estimator keeps learning from observed runs.
      return;
    }
    await this.segmentVersion(model, version, lv).catch((e: unknown) =>
      this.o.logger.warn({ model, version, reason: e instanceof Error ? e.message : String(e) }, NOT_SEGMENTED_LOG),
    );
  }

  /**
   * Under the fair policy: cuts the version into graph segments of about the quantum's profiled time, loads them on
   * its executors, and lets the arbiter switch models at every segment boundary. Under Tessera's EDF, when
   * `preemptQuantumMs` is set, the same for models slower than it: a request due sooner need not wait out a whole
   * long batch that started before it arrived.
   */
  private async segmentVersion(model: string, version: number, lv: LoadedVersion): Promise<void> {
    const quantumMs = segmentQuantumOf(this.policy, this.o.defaults);
    const dir = this.o.defaults.segmentDir;
    if (quantumMs <= 0 || dir === undefined || lv.runtime.segmentCount > 0) return;
    const latencyMs = lv.cost.predictMs(1);
    const wanted = segmentsForQuantum(latencyMs, quantumMs);
    if (wanted <= 1) {
      this.o.logger.info({ model, version, quantumMs, latencyMs: +latencyMs.toFixed(2), policy: this.policy.name }, UNDER_QUANTUM_LOG);
      return;
    }
    const executors = this.o.pool.executors().filter((e) => lv.runtime.executorIds.includes(e.id));
    if (!executors.every((e) => supportsSegments(e))) return;
    const key = `${model}@${version}`;
    const segDir = join(dir, model, String(version));
    const runtimeGraph = await this.runtimeGraph(key, lv, executors[0], segDir);
    const choice = chooseSegmentation(new Uint8Array(await readFile(lv.path)), runtimeGraph, { targetSegments: wanted });
    const segmented = choice.model;
    if (segmented.segments.length <= 1) {
      this.o.logger.info({ model, version, reason: 'the graph has no clean cut' }, NOT_SEGMENTED_LOG);
      return;
    }
    const segKey = `${key}#seg`;
    const paths = await writeSegmentFiles(segDir, key, segmented);
    await Promise.all(
      executors.map((e) => (supportsSegments(e) ? e.loadSegments({ key: segKey, paths, options: { intraOpThreads: lv.threads, executionProviders: ['cpu'], stopSpinningAfterRun: true } }) : undefined)),
    );
    // The version may have been unloaded while the segments loaded.
    if (this.loaded.get(model)?.get(version) !== lv) {
      await Promise.all(executors.map((e) => e.unload(segKey).catch(() => undefined)));
      return;
    }
    // EDF only needs preemption points while another model shares the executor; the fair arbiter always uses them.
    lv.runtime.enableSegments({ key: segKey, costFractions: segmented.segments.map((s) => s.costFraction), onlyWhenShared: this.policy.selector !== 'wfq' });
    this.o.logger.info(
      { model, version, segments: segmented.segments.length, quantumMs, latencyMs: +latencyMs.toFixed(2), policy: this.policy.name, graph: choice.graph, ...(choice.reason === undefined ? {} : { storedBecause: choice.reason }) },
      SEGMENTED_LOG,
    );
  }

  /**
   * The graph onnxruntime runs for this version on this machine (after its optimisations, blocked layout
   * included), written by one executor opening the model once more; undefined (logged) when that fails. Every
   * executor of the pool is a worker on this machine, so the graph suits them all.
   */
  private async runtimeGraph(key: string, lv: LoadedVersion, executor: Executor | undefined, segDir: string): Promise<Uint8Array | undefined> {
    if (executor === undefined) return undefined;
    const path = resolve(join(segDir, 'runtime-graph.onnx'));
    const tempKey = `${key}#runtime-graph`;
    try {
      await mkdir(segDir, { recursive: true });
      await executor.load({ key: tempKey, path: lv.path, options: { intraOpThreads: lv.threads, executionProviders: ['cpu'], saveOptimizedTo: path } });
      return new Uint8Array(await readFile(path));
    } catch (e) {
      this.o.logger.warn({ key, reason: e instanceof Error ? e.message : String(e) }, 'cannot get the runtime graph; cutting the stored graph');
      return undefined;
    } finally {
      await executor.unload(tempKey).catch(() => undefined);
      await rm(path, { force: true }).catch(() => undefined);
    }
  }

  private armProfilePoll(): void {
    if (this.profilePoll !== undefined || this.o.profiles === undefined) return;
    this.profilePoll = setInterval(() => {
      let missing = false;
      for (const [model, vs] of this.loaded) {
        for (const [v, lv] of vs) {
          if (lv.cost.hasProfile) continue;
          missing = true;
          void this.refreshProfile(model, v);
        }
      }
      if (!missing && this.profilePoll !== undefined) {
        clearInterval(this.profilePoll);
        this.profilePoll = undefined;
      }
    }, PROFILE_POLL_MS);
    this.profilePoll.unref();
  }

  private makeBatcher(config: ModelConfig, maxBatchSize: number, cost: CostEstimator): Batcher<PendingRequest> {
    if (this.policy.batching === 'deadline') {
      // Deadline-aware batching replaces the delay knob: the largest batch that still meets the earliest deadline, less
      // the rows that save nothing per row. Models that do not batch get the same EDF queue with batches of one.
      return new DeadlineBatcher<PendingRequest>({ maxBatchSize: Math.max(1, maxBatchSize), predictBatchMs: (rows) => cost.predictMs(rows), knowsBatchGain: () => cost.knowsGrowth });
    }
    if (maxBatchSize <= 0 || this.policy.batching === 'single') return new SingleBatcher();
    if (config.dynamicBatching !== undefined) {
      return new DynamicBatcher({
        maxBatchSize,
        maxQueueDelayMs: config.dynamicBatching.maxQueueDelayUs / 1000,
        preferredBatchSizes: config.dynamicBatching.preferredBatchSizes,
      });
    }
    // Like Triton's auto-complete: a model without a config that can batch gets dynamic batching.
    if (config.source === 'none') return new DynamicBatcher({ maxBatchSize, maxQueueDelayMs: this.o.defaults.maxQueueDelayUs / 1000 });
    return new SingleBatcher();
  }

  private async unloadVersion(name: string, version: number): Promise<void> {
    const versions = this.loaded.get(name);
    const lv = versions?.get(version);
    if (versions === undefined || lv === undefined) return;
    this.lifecycle.beginUnload(name, version);
    await lv.runtime.drain();
    lv.runtime.close();
    versions.delete(version);
    if (versions.size === 0) this.loaded.delete(name);
    const key = `${name}@${version}`;
    const segmented = lv.runtime.segmentCount > 0;
    await Promise.all(
      this.o.pool
        .executors()
        .filter((e) => lv.runtime.executorIds.includes(e.id))
        .flatMap((e) => [e.unload(key).catch(() => undefined), ...(segmented ? [e.unload(`${key}#seg`).catch(() => undefined)] : [])]),
    );
    this.lifecycle.unloaded(name, version);
    this.o.logger.info({ model: name, version }, 'model unloaded');
  }
}
