// OIP V2 REST front end on fastify: health, metadata, inference (JSON + binary tensors), repository, statistics, metrics.

import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ServingError, httpStatusOf, toServingError } from '../../core/errors.js';
import type { EngineApi } from '../../engine/engine-api.js';
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
}

type ModelParams = { model: string; version?: string };

const HEADER_LENGTH = 'inference-header-content-length';

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const e = toServingError(err);
  return reply.code(httpStatusOf(e.code)).type('application/json').send({ error: e.message });
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

  const infer = async (req: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    const headerLength = req.headers[HEADER_LENGTH];
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const request = decodeInferRequest(
      req.params.model,
      req.params.version,
      body,
      Array.isArray(headerLength) ? headerLength[0] : headerLength,
    );
    const response = await engine.infer(request);
    const encoded = encodeInferResponse(response, request.outputs, binaryOutputByDefault(request));
    if (encoded.headerLength !== undefined) {
      reply.header('Inference-Header-Content-Length', encoded.headerLength).type('application/octet-stream');
    } else {
      reply.type('application/json');
    }
    return reply.send(encoded.body);
  };
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
