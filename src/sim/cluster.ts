// Cluster description for the simulator (JSON-serialisable): executors, and which models have instances where with what batching.

import type { ExecutorKind } from '../profiler/profile.js';
import { asArray, asNumber, asObject, asOneOf, asString, invalid, onlyKeys } from './input-fields.js';

/**
 * How an executor picks the next work among its models. 'fifo': batches run in the order the models sent them
 * (the fifo, triton and infaas policies). 'wfq': the fair policy's device arbiter: one unit at a time, the live
 * server's WfqSelector picks the model by weighted fair queueing over profiled cost, and may switch models at every
 * graph segment boundary. 'edf': the tessera policy's scheduling: each model's requests wait in the live
 * DeadlineBatcher, admission control (the live admit(), with the learned AdmissionMargins) refuses at arrival what
 * cannot meet its deadline, queued requests that no longer can are dropped, and when the executor is free the live
 * EdfSelector picks the model holding the earliest deadline.
 */
export type SimSharing = 'fifo' | 'wfq' | 'edf';

export const SIM_SHARINGS: readonly SimSharing[] = ['fifo', 'wfq', 'edf'];

export interface SimExecutor {
  readonly id: string;
  readonly kind: ExecutorKind;
  readonly cores: number;
  /** Default 'fifo'. */
  readonly sharing?: SimSharing;
}

/**
 * Dynamic batching as DynamicBatcher runs it; absent means no batching (SingleBatcher: one request per batch). On
 * 'edf' executors only maxBatchSize applies: the DeadlineBatcher sizes batches by deadline, with no delay knob.
 */
export interface SimBatching {
  /** Largest batch in rows. */
  readonly maxBatchSize: number;
  /** Longest the oldest queued request waits for a fuller batch, ms. */
  readonly maxQueueDelayMs: number;
  readonly preferredBatchSizes?: readonly number[];
}

export interface SimPlacement {
  readonly model: string;
  /** Profile version to use; default: the only profile of the model for the executor's kind. */
  readonly version?: string;
  /** One instance (session) per listed executor id; an id listed twice gets two instances there. */
  readonly executors: readonly string[];
  /** Intra-op threads per session; default: the executor's cores. */
  readonly threads?: number;
  readonly batching?: SimBatching;
  /** Most requests queued in the batcher; more are rejected. Default: the cluster's maxQueueLength. */
  readonly maxQueueLength?: number;
  /**
   * A delay outside the executor added to each request's latency (front end, HTTP, reply): it does not queue and
   * takes no executor time. Gamma with this mean and scv; default none.
   */
  readonly delay?: SimDelay;
  /** On 'wfq' executors: graph segments each batch is cut into, of equal cost (the arbiter may switch between them). Default 1. */
  readonly segments?: number;
  /** On 'wfq' executors: the model's share weight (> 0). Default 1. */
  readonly weight?: number;
}

/** Mean (ms) and squared coefficient of variation of a per-request delay. */
export interface SimDelay {
  readonly meanMs: number;
  readonly scv: number;
}

export interface SimCluster {
  readonly executors: readonly SimExecutor[];
  readonly placements: readonly SimPlacement[];
  /** Added to a batch's service time when the executor's previous batch was of another model, ms; default 0. */
  readonly switchCostMs?: number;
  /** Default queue bound per model, as the live server's --max-queue-length; default 1024. */
  readonly maxQueueLength?: number;
}

export const DEFAULT_MAX_QUEUE_LENGTH = 1024;

/** Validates parsed JSON/YAML as a SimCluster; errors name the field (`cluster.placements[1].executors[0]: ...`). */
export function parseCluster(value: unknown, path = 'cluster'): SimCluster {
  const o = asObject(value, path);
  onlyKeys(o, path, ['executors', 'placements', 'switchCostMs', 'maxQueueLength']);
  const executors = asArray(o['executors'], `${path}.executors`).map((e, i) => parseExecutor(e, `${path}.executors[${i}]`));
  if (executors.length === 0) invalid(`${path}.executors`, 'needs at least one executor');
  const ids = new Set<string>();
  executors.forEach((e, i) => {
    if (ids.has(e.id)) invalid(`${path}.executors[${i}].id`, `duplicate executor id '${e.id}'`);
    ids.add(e.id);
  });
  const models = new Set<string>();
  const placements = asArray(o['placements'], `${path}.placements`).map((p, i) => {
    const where = `${path}.placements[${i}]`;
    const placement = parsePlacement(p, where);
    if (models.has(placement.model)) invalid(`${where}.model`, `model '${placement.model}' is placed twice; list all its executors in one placement`);
    models.add(placement.model);
    placement.executors.forEach((id, j) => {
      if (!ids.has(id)) invalid(`${where}.executors[${j}]`, `no executor with id '${id}'`);
    });
    checkEdfPlacement(placement, where, executors);
    return placement;
  });
  return {
    executors,
    placements,
    ...(o['switchCostMs'] === undefined ? {} : { switchCostMs: asNumber(o['switchCostMs'], `${path}.switchCostMs`, { min: 0 }) }),
    ...(o['maxQueueLength'] === undefined ? {} : { maxQueueLength: asNumber(o['maxQueueLength'], `${path}.maxQueueLength`, { min: 1, integer: true }) }),
  };
}

/** Whether the model of a placement is scheduled by deadline ('edf' executors); all its executors must agree. */
export function placedOnEdf(placement: SimPlacement, executors: readonly SimExecutor[]): boolean {
  return placement.executors.some((id) => executors.find((e) => e.id === id)?.sharing === 'edf');
}

function checkEdfPlacement(p: SimPlacement, where: string, executors: readonly SimExecutor[]): void {
  if (!placedOnEdf(p, executors)) return;
  p.executors.forEach((id, j) => {
    const sharing = executors.find((e) => e.id === id)?.sharing ?? 'fifo';
    if (sharing !== 'edf') {
      invalid(`${where}.executors[${j}]`, `model '${p.model}' is placed on 'edf' executors and on '${id}' (sharing '${sharing}'); a model's queue is deadline-ordered on all its executors or on none`);
    }
  });
  if (p.batching === undefined) return;
  if (p.batching.maxQueueDelayMs > 0) invalid(`${where}.batching.maxQueueDelayMs`, `'edf' executors batch by deadline (DeadlineBatcher), with no delay knob; give maxBatchSize only`);
  if (p.batching.preferredBatchSizes !== undefined) invalid(`${where}.batching.preferredBatchSizes`, `'edf' executors batch by deadline (DeadlineBatcher); give maxBatchSize only`);
}

function parseExecutor(value: unknown, path: string): SimExecutor {
  const o = asObject(value, path);
  onlyKeys(o, path, ['id', 'kind', 'cores', 'sharing']);
  return {
    id: asString(o['id'], `${path}.id`),
    kind: asOneOf(o['kind'], `${path}.kind`, ['cpu', 'gpu'] as const),
    cores: asNumber(o['cores'], `${path}.cores`, { min: 1, integer: true }),
    ...(o['sharing'] === undefined ? {} : { sharing: asOneOf(o['sharing'], `${path}.sharing`, SIM_SHARINGS) }),
  };
}

function parsePlacement(value: unknown, path: string): SimPlacement {
  const o = asObject(value, path);
  onlyKeys(o, path, ['model', 'version', 'executors', 'threads', 'batching', 'maxQueueLength', 'delay', 'segments', 'weight']);
  const executors = asArray(o['executors'], `${path}.executors`).map((id, j) => asString(id, `${path}.executors[${j}]`));
  if (executors.length === 0) invalid(`${path}.executors`, 'needs at least one executor id');
  return {
    model: asString(o['model'], `${path}.model`),
    ...(o['version'] === undefined ? {} : { version: asString(o['version'], `${path}.version`) }),
    executors,
    ...(o['threads'] === undefined ? {} : { threads: asNumber(o['threads'], `${path}.threads`, { min: 1, integer: true }) }),
    ...(o['batching'] === undefined || o['batching'] === null ? {} : { batching: parseBatching(o['batching'], `${path}.batching`) }),
    ...(o['maxQueueLength'] === undefined ? {} : { maxQueueLength: asNumber(o['maxQueueLength'], `${path}.maxQueueLength`, { min: 1, integer: true }) }),
    ...(o['delay'] === undefined || o['delay'] === null ? {} : { delay: parseDelay(o['delay'], `${path}.delay`) }),
    ...(o['segments'] === undefined ? {} : { segments: asNumber(o['segments'], `${path}.segments`, { min: 1, integer: true }) }),
    ...(o['weight'] === undefined ? {} : { weight: asNumber(o['weight'], `${path}.weight`, { above: 0 }) }),
  };
}

function parseDelay(value: unknown, path: string): SimDelay {
  const o = asObject(value, path);
  onlyKeys(o, path, ['meanMs', 'scv']);
  return { meanMs: asNumber(o['meanMs'], `${path}.meanMs`, { min: 0 }), scv: asNumber(o['scv'] ?? 0, `${path}.scv`, { min: 0 }) };
}

function parseBatching(value: unknown, path: string): SimBatching {
  const o = asObject(value, path);
  onlyKeys(o, path, ['maxBatchSize', 'maxQueueDelayMs', 'preferredBatchSizes']);
  const maxBatchSize = asNumber(o['maxBatchSize'], `${path}.maxBatchSize`, { min: 1, integer: true });
  const batching = { maxBatchSize, maxQueueDelayMs: asNumber(o['maxQueueDelayMs'] ?? 0, `${path}.maxQueueDelayMs`, { min: 0 }) };
  if (o['preferredBatchSizes'] === undefined) return batching;
  const preferredBatchSizes = asArray(o['preferredBatchSizes'], `${path}.preferredBatchSizes`).map((n, i) =>
    asNumber(n, `${path}.preferredBatchSizes[${i}]`, { min: 1, integer: true }),
  );
  return { ...batching, preferredBatchSizes };
}
