// Before a run: one transport per protocol, each app's input shapes from model metadata, and its prepared sender.

import { ServingError } from '../core/errors.js';
import { SeededRandom, hashString } from '../onnx/seeded-random.js';
import { type AppLoad, LOAD_DEFAULTS, type LoadSpec, type Protocol } from './load-spec.js';
import { randomInputs } from './random-inputs.js';
import { formatTarget } from './target.js';
import type { LoadTransport, Sender } from './transport.js';
import { GrpcTransport } from './transports/grpc-transport.js';
import { HttpTransport } from './transports/http-transport.js';

export interface PreparedLoadApp {
  readonly app: AppLoad;
  readonly protocol: Protocol;
  readonly send: Sender;
}

/** Metadata lookups wait at most this long, ms (or the request timeout, if shorter). */
const LOOKUP_TIMEOUT_MS = 10_000;

export class TransportSet {
  private readonly created = new Map<Protocol, LoadTransport>();

  constructor(
    private readonly spec: LoadSpec,
    private readonly given: Partial<Record<Protocol, LoadTransport>> = {},
  ) {}

  get(protocol: Protocol): LoadTransport {
    const given = this.given[protocol];
    if (given !== undefined) return given;
    let t = this.created.get(protocol);
    if (t === undefined) {
      const lookupTimeoutMs = Math.min(LOOKUP_TIMEOUT_MS, this.spec.requestTimeoutMs ?? LOAD_DEFAULTS.requestTimeoutMs);
      t =
        protocol === 'http'
          ? new HttpTransport(this.spec.url ?? LOAD_DEFAULTS.url, { connections: this.spec.connections ?? LOAD_DEFAULTS.connections, lookupTimeoutMs })
          : new GrpcTransport(this.spec.grpcUrl ?? LOAD_DEFAULTS.grpcUrl, lookupTimeoutMs);
      this.created.set(protocol, t);
    }
    return t;
  }

  /** Closes the transports this set created (given ones belong to the caller). */
  close(): void {
    for (const t of this.created.values()) t.close();
    this.created.clear();
  }
}

export async function prepareApps(spec: LoadSpec, transports: TransportSet): Promise<PreparedLoadApp[]> {
  const seed = spec.seed ?? LOAD_DEFAULTS.seed;
  const out: PreparedLoadApp[] = [];
  for (const app of spec.apps) {
    const protocol = app.protocol ?? spec.protocol ?? LOAD_DEFAULTS.protocol;
    const transport = transports.get(protocol);
    const t = app.target;
    const fromTarget = app.shapeModel === undefined && t.kind === 'model';
    const shapeModel = app.shapeModel ?? (t.kind === 'model' ? t.name : t.kind === 'app' ? await transport.appModel(t.name, app.key) : undefined);
    if (shapeModel === undefined) {
      throw new ServingError('INVALID_ARGUMENT', `app '${app.name}' (${formatTarget(t)}): set shapeModel, the model whose metadata gives the input shapes`);
    }
    const meta = await transport.metadata(shapeModel, fromTarget && t.kind === 'model' ? t.version : undefined, app.key);
    const rng = new SeededRandom(hashString(`${seed}:${app.name}:inputs`));
    const inputs = randomInputs(meta.inputs, rng, { ...(app.rows === undefined ? {} : { rows: app.rows }), ...(app.inputShapes === undefined ? {} : { shapes: app.inputShapes }) });
    out.push({ app, protocol, send: transport.prepare({ app, inputs, encoding: app.encoding ?? spec.encoding ?? LOAD_DEFAULTS.encoding }) });
  }
  return out;
}
