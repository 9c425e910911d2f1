// OIP REST transport on node:http with a keep-alive agent: one pre-built body per app, sent as is for every request.

import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ServingError } from '../../core/errors.js';
import type { ModelMetadata } from '../../core/inference.js';
import { httpPayload } from '../http-payload.js';
import { LOAD_DEFAULTS } from '../load-spec.js';
import { rejectReasonKey } from '../reject-reason.js';
import { requestParameters } from '../request-parameters.js';
import { type LoadTransport, type PreparedApp, type SendOutcome, type Sender, abortedOutcome } from '../transport.js';

export interface HttpTransportOptions {
  /** Keep-alive sockets to the server; requests beyond them wait in the agent's queue. */
  readonly connections: number;
  /** Metadata lookups give up after this long, ms. */
  readonly lookupTimeoutMs: number;
}

interface RawReply {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

const enc = encodeURIComponent;

export class HttpTransport implements LoadTransport {
  private readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  constructor(url: string, private readonly o: HttpTransportOptions) {
    this.base = new URL(url.replace(/\/+$/, ''));
    const https = this.base.protocol === 'https:';
    this.agent = new (https ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets: o.connections });
    this.request = https ? httpsRequest : httpRequest;
  }

  async metadata(model: string, version: string | undefined, key: string | undefined): Promise<ModelMetadata> {
    const path = `/v2/models/${enc(model)}${version === undefined ? '' : `/versions/${enc(version)}`}`;
    const reply = await this.lookup(path, key);
    if (reply.status !== 200) throw new ServingError(reply.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE', `GET ${path}: HTTP ${reply.status} ${errorText(reply.body)}`);
    return JSON.parse(reply.body.toString('utf8')) as ModelMetadata;
  }

  async appModel(app: string, key: string | undefined): Promise<string | undefined> {
    const reply = await this.lookup(`/v2/apps/${enc(app)}`, key);
    if (reply.status !== 200) return undefined;
    const body = parseJson(reply.body) as { model?: unknown; app?: { model?: unknown } } | undefined;
    const model = body?.model ?? body?.app?.model;
    return typeof model === 'string' && model !== '' ? model : undefined;
  }

  prepare(p: PreparedApp): Sender {
    const t = p.app.target;
    const path =
      t.kind === 'app'
        ? `/v2/apps/${enc(t.name)}/infer`
        : t.kind === 'task'
          ? `/v2/tasks/${enc(t.name)}/infer`
          : `/v2/models/${enc(t.name)}${t.version === undefined ? '' : `/versions/${enc(t.version)}`}/infer`;
    const payload = httpPayload(p.inputs, requestParameters(p.app, 'http'), p.encoding, LOAD_DEFAULTS.binaryFromBytes);
    const headers = { ...payload.headers, ...bearer(p.app.key) };
    // Only model-less targets need to know which model answered; others skip parsing successful bodies.
    const wantModel = t.kind !== 'model';
    return async (signal) => {
      if (signal.aborted) return abortedOutcome(signal);
      try {
        return outcomeOf(await this.send('POST', path, headers, payload.body, signal), wantModel);
      } catch (e) {
        if (signal.aborted) return abortedOutcome(signal);
        const code = (e as { code?: unknown }).code;
        return { kind: 'error', status: `transport_${typeof code === 'string' ? code : 'error'}`, message: e instanceof Error ? e.message : String(e) };
      }
    };
  }

  close(): void {
    this.agent.destroy();
  }

  private async lookup(path: string, key: string | undefined): Promise<RawReply> {
    try {
      return await this.send('GET', path, bearer(key), undefined, AbortSignal.timeout(this.o.lookupTimeoutMs));
    } catch (e) {
      throw new ServingError('UNAVAILABLE', `GET ${this.base.origin}${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private send(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal): Promise<RawReply> {
    return new Promise((resolve, reject) => {
      const req = this.request(
        { protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port, path: `${this.base.pathname.replace(/\/$/, '')}${path}`, method, headers, agent: this.agent, signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

function bearer(key: string | undefined): Record<string, string> {
  return key === undefined ? {} : { authorization: `Bearer ${key}` };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function errorText(body: Buffer): string {
  const parsed = parseJson(body) as { error?: unknown; reason?: unknown } | undefined;
  const text = parsed?.reason ?? parsed?.error;
  return typeof text === 'string' ? text : body.toString('utf8', 0, Math.min(body.byteLength, 200));
}

function outcomeOf(reply: RawReply, wantModel: boolean): SendOutcome {
  if (reply.status === 200) {
    if (!wantModel) return { kind: 'ok' };
    const headerBytes = Number(reply.headers['inference-header-content-length'] ?? reply.body.byteLength);
    const json = parseJson(reply.body.subarray(0, headerBytes)) as { model_name?: unknown; model_version?: unknown } | undefined;
    return typeof json?.model_name === 'string' ? { kind: 'ok', answeredBy: `${json.model_name}@${String(json.model_version ?? '')}` } : { kind: 'ok' };
  }
  if (reply.status === 429) return { kind: 'rejected', reason: rejectReasonKey(errorText(reply.body)) };
  return { kind: 'error', status: `http_${reply.status}`, message: errorText(reply.body) };
}
