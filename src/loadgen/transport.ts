// Transport contract of the load generator: look up model metadata, prepare an app's request once, send it many times.

import type { ModelMetadata } from '../core/inference.js';
import type { Tensor } from '../core/tensor.js';
import type { AppLoad, Encoding } from './load-spec.js';

/** How one request ended. Transports never throw from `send`; every failure is an outcome. */
export type SendOutcome =
  /** `answeredBy` is model@version when the response names it. */
  | { readonly kind: 'ok'; readonly answeredBy?: string }
  /** Admission said no (HTTP 429 / gRPC RESOURCE_EXHAUSTED), with the server's reason. */
  | { readonly kind: 'rejected'; readonly reason: string }
  /** `status` is the report key: http_503, grpc_UNAVAILABLE, timeout, cancelled, transport_ECONNRESET, ... */
  | { readonly kind: 'error'; readonly status: string; readonly message: string };

/** Sends the app's prepared request; `signal` ends it early (timeout or run cancelled). */
export type Sender = (signal: AbortSignal) => Promise<SendOutcome>;

export interface PreparedApp {
  readonly app: AppLoad;
  readonly inputs: readonly Tensor[];
  readonly encoding: Encoding;
}

export interface LoadTransport {
  /** GET the model's metadata (rejects with a ServingError when the server says no). */
  metadata(model: string, version: string | undefined, key: string | undefined): Promise<ModelMetadata>;
  /** The fixed model of a registered app, where the server tells it; undefined otherwise. */
  appModel(app: string, key: string | undefined): Promise<string | undefined>;
  prepare(p: PreparedApp): Sender;
  close(): void;
}

/** Abort reason of a request that ran past the request timeout (any other reason means the run was cancelled). */
export const REQUEST_TIMEOUT_REASON: Error = Object.assign(new Error('request timed out'), { name: 'TimeoutError' });

/** The outcome for a request whose signal fired: a timeout, or the run being cancelled. */
export function abortedOutcome(signal: AbortSignal): SendOutcome {
  const timedOut = signal.reason === REQUEST_TIMEOUT_REASON || (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
  return timedOut ? { kind: 'error', status: 'timeout', message: 'no response within the request timeout' } : { kind: 'error', status: 'cancelled', message: 'run cancelled' };
}
