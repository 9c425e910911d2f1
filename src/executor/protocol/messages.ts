// Messages of the worker RPC: requests from the front end, replies from a worker. Tensors travel in the frame payload.

import type { ErrorCode } from '../../core/errors.js';
import { ServingError, isErrorCode } from '../../core/errors.js';
import type { LoadSpec, LoadedSegments, LoadedSession, RunRank, SegmentedLoadSpec } from '../executor.js';
import type { FrameHeader } from './frame-codec.js';
import type { WorkerAddress } from './worker-address.js';

export interface LoadRequest {
  readonly type: 'load';
  readonly id: number;
  readonly spec: LoadSpec;
}

export interface UnloadRequest {
  readonly type: 'unload';
  readonly id: number;
  readonly key: string;
}

/** The input tensors ride in the frame payload. */
export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly key: string;
  /** Outputs to return; empty means all. */
  readonly outputNames: readonly string[];
  /** Place among the calls waiting in the worker (RunOptions.rank); absent: the order sent. */
  readonly rank?: RunRank;
}

export interface PingRequest {
  readonly type: 'ping';
  readonly id: number;
}

export interface LoadSegmentsRequest {
  readonly type: 'load-segments';
  readonly id: number;
  readonly spec: SegmentedLoadSpec;
}

/** The model inputs ride in the frame payload, for segment 0 only. */
export interface RunSegmentRequest {
  readonly type: 'run-segment';
  readonly id: number;
  readonly key: string;
  readonly jobId: string;
  readonly segmentIndex: number;
  /** Outputs to return when the last segment has run; empty means all. */
  readonly outputNames: readonly string[];
  /** As for RunRequest. */
  readonly rank?: RunRank;
}

export interface DropJobRequest {
  readonly type: 'drop-job';
  readonly id: number;
  readonly key: string;
  readonly jobId: string;
}

export type WorkerRequest =
  | LoadRequest
  | UnloadRequest
  | RunRequest
  | PingRequest
  | LoadSegmentsRequest
  | RunSegmentRequest
  | DropJobRequest;

export interface LoadOkReply {
  readonly type: 'load-ok';
  readonly id: number;
  readonly session: LoadedSession;
}

export interface UnloadOkReply {
  readonly type: 'unload-ok';
  readonly id: number;
}

/** The output tensors ride in the frame payload. */
export interface RunOkReply {
  readonly type: 'run-ok';
  readonly id: number;
  /** Time inside session.run, in nanoseconds. */
  readonly computeNs: number;
}

export interface PingOkReply {
  readonly type: 'ping-ok';
  readonly id: number;
  readonly pid: number;
  /** Resident set size of the worker process. */
  readonly rssBytes: number;
}

export interface ErrorReply {
  readonly type: 'error';
  readonly id: number;
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryable: boolean;
}

export interface LoadSegmentsOkReply {
  readonly type: 'load-segments-ok';
  readonly id: number;
  readonly segments: LoadedSegments;
}

/** The model outputs ride in the frame payload when `done`. */
export interface RunSegmentOkReply {
  readonly type: 'run-segment-ok';
  readonly id: number;
  readonly done: boolean;
  /** Time inside this segment's session.run, in nanoseconds. */
  readonly computeNs: number;
}

export interface DropJobOkReply {
  readonly type: 'drop-job-ok';
  readonly id: number;
  /** False when the worker held no such job. */
  readonly dropped: boolean;
}

export type WorkerReply =
  | LoadOkReply
  | UnloadOkReply
  | RunOkReply
  | PingOkReply
  | LoadSegmentsOkReply
  | RunSegmentOkReply
  | DropJobOkReply
  | ErrorReply;

const REQUEST_TYPES: ReadonlySet<string> = new Set<WorkerRequest['type']>([
  'load',
  'unload',
  'run',
  'ping',
  'load-segments',
  'run-segment',
  'drop-job',
]);
const REPLY_TYPES: ReadonlySet<string> = new Set<WorkerReply['type']>([
  'load-ok',
  'unload-ok',
  'run-ok',
  'ping-ok',
  'load-segments-ok',
  'run-segment-ok',
  'drop-job-ok',
  'error',
]);

/**
 * Narrow a decoded header to a request. Both ends are ours, so only the discriminant is checked, and a run's rank,
 * which decides the order of the worker's queue.
 */
export function asWorkerRequest(header: FrameHeader): WorkerRequest {
  if (!REQUEST_TYPES.has(header.type)) throw new ServingError('UNIMPLEMENTED', `unknown worker request type '${header.type}'`);
  if ((header.type === 'run' || header.type === 'run-segment') && header['rank'] !== undefined) checkRank(header['rank']);
  return header as unknown as WorkerRequest;
}

function checkRank(value: unknown): void {
  const r = value as Partial<Record<keyof RunRank, unknown>> | null;
  const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
  if (typeof r !== 'object' || r === null || !finite(r.cls) || typeof r.group !== 'string' || !finite(r.groupTag) || !finite(r.tag)) {
    throw new ServingError('INVALID_ARGUMENT', `run rank must be {cls, group, groupTag, tag} with finite numbers and a string group, got ${JSON.stringify(value)}`);
  }
}

export function asWorkerReply(header: FrameHeader): WorkerReply {
  if (!REPLY_TYPES.has(header.type)) throw new ServingError('INTERNAL', `unknown worker reply type '${header.type}'`);
  if (header.type === 'error' && !isErrorCode(header['code'])) {
    return { type: 'error', id: header.id, code: 'INTERNAL', message: String(header['message']), retryable: false };
  }
  return header as unknown as WorkerReply;
}

export function errorReply(id: number, err: ServingError): ErrorReply {
  return { type: 'error', id, code: err.code, message: err.message, retryable: err.retryable };
}

export function errorFromReply(reply: ErrorReply): ServingError {
  return new ServingError(reply.code, reply.message, { retryable: reply.retryable });
}

/** Not an RPC message: what a worker announces once it accepts connections (IPC when forked, else a stdout line). */
export interface WorkerReadyMessage {
  readonly type: 'ready';
  readonly pid: number;
  readonly address: WorkerAddress;
}
