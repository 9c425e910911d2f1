// Composes a running Tessera server: zoo, worker pool, engine, HTTP + gRPC front ends, metrics, graceful stop.

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { systemClock } from '../core/clock.js';
import { Engine } from '../engine/engine.js';
import { schedulingPolicy, segmentQuantumOf } from '../engine/scheduling-policy.js';
import { AppRegistry } from '../engine/app-registry.js';
import { TenantRegistry } from '../engine/tenant-registry.js';
import { authenticateMetadata } from '../frontend/http/auth.js';
import type { ExecutorChange, ExecutorPool } from '../engine/executor-pool.js';
import { workerChanged } from '../engine/channels.js';
import { WorkerPool } from '../executor/worker-pool.js';
import { startGrpcServer } from '../frontend/grpc/grpc-server.js';
import { buildHttpServer } from '../frontend/http/http-server.js';
import { Metrics } from '../frontend/metrics.js';
import { BackgroundProfiler } from '../profiler/background-profiler.js';
import { ProfileStore } from '../profiler/profile-store.js';
import { ModelRepository } from '../repository/model-repository.js';
import { generateZoo } from '../repository/zoo/generate-zoo.js';
import { progressBar } from './progress.js';
import type { ServerOptions } from './server-options.js';
import type { WorkerHeap } from '../executor/pool/pool-options.js';

export interface RunningServer {
  readonly httpPort: number;
  readonly grpcPort: number | undefined;
  readonly engine: Engine;
  readonly pool: WorkerPool;
  readonly logger: Logger;
  /** Drain in-flight requests, then stop front ends and workers. Idempotent. */
  stop(): Promise<void>;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Generates (or reuses) the built-in zoo under the state directory and returns its path. */
export async function ensureZoo(dir: string, logger: Logger, force = false): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const bar = progressBar('generating model zoo', (m) => logger.info(m));
  const t0 = performance.now();
  const res = await generateZoo(dir, { force, onProgress: (done, total, name) => bar.update(done, total, name) });
  bar.stop();
  if (res.generated.length > 0) {
    logger.info({ dir, generated: res.generated.length, reused: res.reused.length, seconds: +((performance.now() - t0) / 1000).toFixed(1) }, 'model zoo ready');
  }
  return dir;
}

function adaptPool(pool: WorkerPool): ExecutorPool {
  return {
    executors: () => pool.executors(),
    isAvailable: (id) => pool.executor(id).state === 'ready',
    onChange: (listener: (c: ExecutorChange) => void) => {
      pool.on('worker-exit', (e) => {
        workerChanged.publish({ id: e.id, kind: 'exit', detail: `code=${String(e.code)} signal=${String(e.signal)}` });
        listener({ id: e.id, kind: 'down' });
      });
      pool.on('worker-restart', (e) => workerChanged.publish({ id: e.id, kind: 'restart', detail: `restarts=${e.restarts}` }));
      pool.on('session-reload-failed', (e) => workerChanged.publish({ id: e.id, kind: 'exit', detail: `session ${e.key} failed to reload: ${e.error.message}` }));
      pool.on('worker-ready', (e) => {
        workerChanged.publish({ id: e.id, kind: 'ready' });
        listener({ id: e.id, kind: 'up' });
      });
    },
    stop: () => pool.stop(),
  };
}

/** 'auto' resolves to 'reuse' exactly when the policy cuts models into graph segments. */
export function workerHeapFor(o: Pick<ServerOptions, 'workerHeap' | 'policy' | 'segmentQuantumMs' | 'preemptQuantumMs'>): WorkerHeap {
  if (o.workerHeap !== 'auto') return o.workerHeap;
  return segmentQuantumOf(schedulingPolicy(o.policy), o) > 0 ? 'reuse' : 'release';
}

export async function startServer(o: ServerOptions, loggerOverride?: Logger): Promise<RunningServer> {
  const logger = loggerOverride ?? pino({ level: o.logLevel });
  mkdirSync(o.stateDir, { recursive: true });
  const repositoryDir = o.repository ?? (await ensureZoo(join(o.stateDir, 'zoo'), logger));
  const repository = new ModelRepository(repositoryDir);
  // Unix socket paths are limited to ~107 bytes, so worker sockets live in a short temp directory.
  const runDir = mkdtempSync(join(tmpdir(), 'tessera-'));
  const pool = new WorkerPool();
  await pool.start(o.workers, { runDir, nice: o.workerNice, heap: workerHeapFor(o) });
  const profileStore = new ProfileStore({ stateDir: o.stateDir, repositoryDir, logger });
  const background = o.backgroundProfile
    ? new BackgroundProfiler({ store: profileStore, logger, budget: { maxCellMs: o.profileCellBudgetMs, maxModelMs: o.profileModelBudgetMs } })
    : undefined;
  const apps = await AppRegistry.open(o.stateDir, { logger });
  const tenants = await TenantRegistry.open(o.stateDir, { logger });
  if (o.appsFile !== undefined) {
    const applied = await apps.loadYaml(o.appsFile, tenants);
    logger.info({ file: o.appsFile, apps: applied.apps, tenants: applied.tenants }, 'apps file applied');
  }
  if (!o.auth) {
    logger.warn('AUTHENTICATION IS DISABLED: every caller acts as the default tenant with admin rights. Start with --auth to require API keys.');
  } else {
    logger.info({ adminKey: tenants.adminKeyPath ?? tenants.adminKeySource }, 'API keys required; the admin key is read from here');
  }
  const engine = new Engine({
    apps: {
      get: (tenant, name) => apps.get(tenant, name),
      tenantWeight: (tenant) => tenants.getTenant(tenant)?.weight ?? 1,
    },
    profiles: {
      profiles: async (model, version) => (version === undefined ? await profileStore.forModel(model) : await profileStore.get(model, version)).profiles,
      background: (model) => (background?.status() ?? []).filter((e) => e.model === model),
      versionReady: (target) => background?.enqueue(target),
    },
    repository,
    policy: schedulingPolicy(o.policy),
    pool: adaptPool(pool),
    clock: systemClock,
    logger,
    serverVersion: packageVersion(),
    defaults: {
      intraOpThreads: o.intraOpThreads,
      maxBatchSize: o.defaultMaxBatchSize,
      maxQueueDelayUs: o.defaultMaxQueueDelayUs,
      maxQueueLength: o.maxQueueLength,
      unavailableTimeoutMs: o.unavailableTimeoutMs,
      maxBatchesInFlight: o.maxBatchesInFlight,
      segmentQuantumMs: o.segmentQuantumMs,
      preemptQuantumMs: o.preemptQuantumMs,
      segmentDir: join(o.stateDir, 'segments'),
      admissionMargins: o.admission,
    },
  });
  const metrics = new Metrics(() => pool.executors().map((e) => ({ id: e.id, rssBytes: e.rssBytes })));
  const http = buildHttpServer(engine, {
    host: o.host,
    port: o.httpPort,
    maxBodyBytes: o.maxBodyBytes,
    logger,
    metrics,
    tenancy: { apps, tenants, authEnabled: o.auth, validateApp: (app) => engine.checkAppTarget(app) },
  });
  logger.info({ repository: repositoryDir, workers: o.workers, intraOpThreads: o.intraOpThreads }, 'loading models');
  await engine.start({ loadAll: o.modelControl === 'none' });
  for (const name of o.modelControl === 'explicit' ? o.loadModels : []) {
    await engine.loadModel(name).catch((e: Error) => logger.error({ model: name, err: e.message }, 'model failed to load'));
  }
  await http.listen({ host: o.host, port: o.httpPort });
  const httpPort = (http.server.address() as { port: number }).port;
  const grpc =
    o.grpcPort >= 0
      ? await startGrpcServer(engine, {
          host: o.host,
          port: o.grpcPort,
          maxMessageBytes: o.maxBodyBytes,
          logger,
          ...(o.auth ? { authenticate: (value: string | undefined) => authenticateMetadata(value, { tenants, enabled: true }) } : {}),
        })
      : undefined;
  logger.info({ http: httpPort, grpc: grpc?.port, repository: repositoryDir, policy: o.policy, admission: o.admission }, 'tessera is serving');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('draining in-flight requests');
      await engine.drain(o.drainTimeoutMs);
      await Promise.allSettled([http.close(), grpc?.close()]);
      await background?.stop();
      await pool.stop();
      metrics.close();
      rmSync(runDir, { recursive: true, force: true });
      logger.info('stopped');
    })();
    return stopping;
  };
  return { httpPort, grpcPort: grpc?.port, engine, pool, logger, stop };
}
