// OIP V2 REST front end on fastify: health, metadata, inference (JSON + binary tensors), repository, statistics, metrics.

import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ServingError, httpStatusOf, toServingError } from '../../core/errors.js';
import { type AppSpec, DEFAULT_TENANT } from '../../core/app.js';
import type { AppRegistry } from '../../engine/app-registry.js';
import type { TenantRegistry } from '../../engine/tenant-registry.js';
import { registerAppRoutes } from './app-routes.js';
import { installAuth } from './auth.js';
import type { InferRequest, InferResponse } from '../../core/inference.js';
import type { EngineApi } from '../../engine/engine-api.js';
import { defaultContext } from '../../engine/request-context.js';
import type { Metrics } from '../metrics.js';
import { binaryOutputByDefault, decodeInferRequest } from './codec/decode-infer-request.js';
import { encodeInferResponse } from './codec/encode-infer-response.js';
import { readBody } from './body-reader.js';

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  /** Largest accepted request body, bytes; larger bodies get 413. */
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Tenants, API keys and apps; absent: no app routes and no authentication. */
  readonly tenancy?: {
    readonly apps: AppRegistry;
    readonly tenants: TenantRegistry;
    /** Require bearer keys (false: every caller is the default tenant with admin rights). */
    readonly authEnabled: boolean;
    readonly validateApp?: (app: AppSpec) => void;
  };
}

type ModelParams = { model: string; version?: string };

const HEADER_LENGTH = 'inference-header-content-length';

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const e = toServingError(err);
  if (e.retryAfterMs !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(e.retryAfterMs / 1000))));
  return reply.code(httpStatusOf(e.code)).type('application/json').send({ error: e.message, ...(e.retryAfterMs === undefined ? {} : { retry_after_ms: Math.ceil(e.retryAfterMs) }) });
}

/** Tenant of the authenticated caller (set by the auth hook); admins may act for a tenant with ?tenant=. */
function callerTenant(req: FastifyRequest): string {
  const caller = (req as FastifyRequest & { caller?: { tenant?: string; admin?: boolean } }).caller;
  const asTenant = (req.query as Record<string, unknown> | undefined)?.['tenant'];
  if (caller?.admin === true && typeof asTenant === 'string' && asTenant !== '') return asTenant;
  return caller?.tenant ?? DEFAULT_TENANT;
}

function parseJsonBody(body: unknown): Record<string, unknown> {
  if (!Buffer.isBuffer(body) || body.byteLength === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new ServingError('INVALID_ARGUMENT', `malformed JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ServingError('INVALID_ARGUMENT', 'the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export function buildHttpServer(engine: EngineApi, o: HttpServerOptions) {
  const app = Fastify({
    loggerInstance: o.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: o.maxBodyBytes,
  });

  // Every body arrives as a Buffer: inference needs the raw bytes for the binary tensor extension.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (req, payload, done) => readBody(payload, req.headers, o.maxBodyBytes, done));

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: `request body exceeds the limit of ${o.maxBodyBytes} bytes` });
    }
    if (err instanceof ServingError) return sendError(reply, err);
    const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) o.logger.error({ err }, 'unhandled error in request');
    return reply.code(status).send({ error: err.message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url}` }));
  const tenancy = o.tenancy;
  if (tenancy !== undefined) {
    // The instance is typed with pino's Logger; the plugins only need the base instance type.
    const base = app as unknown as FastifyInstance;
    installAuth(base, { tenants: tenancy.tenants, enabled: tenancy.authEnabled, logger: o.logger });
    registerAppRoutes(base, { apps: tenancy.apps, tenants: tenancy.tenants, ...(tenancy.validateApp === undefined ? {} : { validateApp: tenancy.validateApp }) });
  }

  app.get('/v2/health/live', (_req, reply) => reply.code(engine.isLive() ? 200 : 503).send({ live: engine.isLive() }));
  app.get('/v2/health/ready', (_req, reply) => {
    const ready = engine.isReady();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/v2', () => engine.serverMetadata());

  const metadata = (req: FastifyRequest<{ Params: ModelParams }>) => engine.modelMetadata(req.params.model, req.params.version);
  app.get('/v2/models/:model', metadata);
  app.get('/v2/models/:model/versions/:version', metadata);

  const ready = (req: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    const r = engine.isModelReady(req.params.model, req.params.version);
    return reply.code(r ? 200 : 503).send({ name: req.params.model, ready: r });
  };
  app.get('/v2/models/:model/ready', ready);
  app.get('/v2/models/:model/versions/:version/ready', ready);

  const decode = (req: FastifyRequest, model: string, version: string | undefined) => {
    const headerLength = req.headers[HEADER_LENGTH];
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return decodeInferRequest(model, version, body, Array.isArray(headerLength) ? headerLength[0] : headerLength);
  };
  const infer = async (req: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    const request = decode(req, req.params.model, req.params.version);
    return sendInferResponse(reply, request, await engine.infer(request, { ...defaultContext(), tenant: callerTenant(req) }));
  };
  const inferApp = async (req: FastifyRequest<{ Params: { app: string } }>, reply: FastifyReply) => {
    const { model: _model, ...request } = decode(req, '', undefined);
    return sendInferResponse(reply, request, await engine.inferApp(callerTenant(req), req.params.app, request));
  };
  const inferTask = async (req: FastifyRequest<{ Params: { task: string } }>, reply: FastifyReply) => {
    const { model: _model, ...request } = decode(req, '', undefined);
    return sendInferResponse(reply, request, await engine.inferTask(req.params.task, request, { tenant: callerTenant(req) }));
  };
  const sendInferResponse = (reply: FastifyReply, request: Pick<InferRequest, 'outputs' | 'parameters'>, response: InferResponse) => {
    const encoded = encodeInferResponse(response, request.outputs, binaryOutputByDefault(request));
    if (encoded.headerLength !== undefined) {
      reply.header('Inference-Header-Content-Length', encoded.headerLength).type('application/octet-stream');
    } else {
      reply.type('application/json');
    }
    return reply.send(encoded.body);
  };
  // Under overload most app requests are refused: decide that before their (often large) bodies are read and copied.
  app.post<{ Params: { app: string } }>(
    '/v2/apps/:app/infer',
    {
      preParsing: (req, _reply, payload, done) => {
        const refusal = engine.refuseAppEarly(callerTenant(req), req.params.app);
        if (refusal === undefined) done(null, payload);
        else done(refusal);
      },
    },
    inferApp,
  );
  app.post('/v2/tasks/:task/infer', inferTask);
  app.post('/v2/models/:model/infer', infer);
  app.post('/v2/models/:model/versions/:version/infer', infer);

  app.post('/v2/repository/index', (req) => {
    const body = parseJsonBody(req.body);
    if (body['ready'] !== undefined && typeof body['ready'] !== 'boolean') {
      throw new ServingError('INVALID_ARGUMENT', "'ready' must be a boolean");
    }
    return engine.repositoryIndex(body['ready'] === true);
  });
  app.post('/v2/repository/models/:model/load', async (req: FastifyRequest<{ Params: ModelParams }>) => {
    parseJsonBody(req.body);
    await engine.loadModel(req.params.model);
    return {};
  });
  app.post('/v2/repository/models/:model/unload', async (req: FastifyRequest<{ Params: ModelParams }>) => {
    const body = parseJsonBody(req.body);
    const params = (body['parameters'] ?? {}) as Record<string, unknown>;
    await engine.unloadModel(req.params.model, { unloadDependents: params['unload_dependents'] === true });
    return {};
  });

  const profile = (req: FastifyRequest<{ Params: ModelParams }>) => engine.modelProfile(req.params.model, req.params.version);
  app.get('/v2/models/:model/profile', profile);
  app.get('/v2/models/:model/versions/:version/profile', profile);

  const stats = (req: FastifyRequest<{ Params: Partial<ModelParams> }>) => ({
    model_stats: engine.statistics(req.params.model, req.params.version),
  });
  app.get('/v2/models/stats', stats);
  app.get('/v2/models/:model/stats', stats);
  app.get('/v2/models/:model/versions/:version/stats', stats);

  const metrics = o.metrics;
  if (metrics !== undefined) {
    app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  }
  return app;
}
