// Load generator workload spec: the apps to drive, their targets, arrival processes and the run's settings.

import type { Parameters } from '../core/inference.js';
import type { ArrivalProcess } from '../sim/workload.js';

export type Protocol = 'http' | 'grpc';

/** How inputs travel over HTTP: JSON numbers, the binary tensor extension, or binary once inputs reach a size. */
export type Encoding = 'auto' | 'json' | 'binary';

/** What an app's requests address: a registered app, a task (model-less, ad hoc SLO), or a concrete model. */
export type Target =
  | { readonly kind: 'app'; readonly name: string }
  | { readonly kind: 'task'; readonly name: string }
  | { readonly kind: 'model'; readonly name: string; readonly version?: string };

/** Open-loop arrivals: the simulator's processes; diurnal may also ramp linearly (a triangle wave). */
export type OpenArrival =
  | Exclude<ArrivalProcess, { readonly kind: 'diurnal' }>
  | (Extract<ArrivalProcess, { readonly kind: 'diurnal' }> & { readonly shape?: 'sine' | 'linear' });

/** Closed loop: `clients` concurrent clients, each sending its next request when the previous one returns. */
export interface ClosedArrival {
  readonly kind: 'closed';
  readonly clients: number;
  /** Pause between a response and the client's next request, ms; default 0. */
  readonly thinkMs?: number;
}

export type LoadArrival = OpenArrival | ClosedArrival;

export interface AppLoad {
  /** Names the app in the report (and, for trace replay, in the trace's `app` column). */
  readonly name: string;
  readonly target: Target;
  readonly arrival: LoadArrival;
  /** Default: the spec's protocol. */
  readonly protocol?: Protocol;
  /** Latency objective used to score responses, ms; none: every OK response counts as within the SLO. */
  readonly sloMs?: number;
  /** Task targets: sent as `tessera.min_accuracy`. */
  readonly minAccuracy?: number;
  /** Model targets: the OIP/Triton `timeout` parameter, µs. */
  readonly timeoutUs?: number;
  /** Model targets: the OIP/Triton `priority` parameter. */
  readonly priority?: number;
  /** Extra request parameters, sent as given (after the ones above). */
  readonly parameters?: Parameters;
  /** Model whose metadata gives the input names, types and shapes; default: the target's model. */
  readonly shapeModel?: string;
  /** Full shapes per input name, overriding the metadata's (for dynamic dimensions other than the batch). */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Rows per request along a dynamic first dimension; default 1. */
  readonly rows?: number;
  /** Bearer token sent with every request of this app. */
  readonly key?: string;
  /** Default: the spec's encoding. */
  readonly encoding?: Encoding;
  /** Open loop: most requests of this app awaiting a response; arrivals beyond it are dropped by the client. */
  readonly maxOutstanding?: number;
}

export interface LoadSpec {
  /** HTTP base URL; default http://127.0.0.1:8000. */
  readonly url?: string;
  /** gRPC address host:port; default 127.0.0.1:8001. */
  readonly grpcUrl?: string;
  /** Default http. */
  readonly protocol?: Protocol;
  /** Seconds during which requests are sent. */
  readonly durationS: number;
  /** Leading seconds whose requests are sent but not counted; default 0. */
  readonly warmupS?: number;
  /** Seed of the arrival processes and random inputs; default 1. */
  readonly seed?: number;
  /** A request unanswered after this long counts as a `timeout` error, ms; default 30000. */
  readonly requestTimeoutMs?: number;
  /** Default for apps' maxOutstanding; default 1024. */
  readonly maxOutstanding?: number;
  /** HTTP keep-alive connections per server (requests beyond them wait in the client, counted in latency); default 256. */
  readonly connections?: number;
  /** Default auto. */
  readonly encoding?: Encoding;
  readonly apps: readonly AppLoad[];
}

export const LOAD_DEFAULTS = {
  url: 'http://127.0.0.1:8000',
  grpcUrl: '127.0.0.1:8001',
  protocol: 'http' as Protocol,
  warmupS: 0,
  seed: 1,
  requestTimeoutMs: 30_000,
  maxOutstanding: 1024,
  connections: 256,
  encoding: 'auto' as Encoding,
  /** In auto encoding, inputs of at least this many bytes in all go binary. */
  binaryFromBytes: 1024,
} as const;
