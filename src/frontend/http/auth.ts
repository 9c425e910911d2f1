// Bearer-key authentication: a fastify onRequest hook that sets request.caller, route access classes, and the gRPC twin.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DEFAULT_TENANT } from '../../core/app.js';
import { ServingError, httpStatusOf, toServingError } from '../../core/errors.js';
import type { Caller, TenantRegistry } from '../../engine/tenant-registry.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every route that is not open. */
    caller?: Caller;
  }
}

/** open: no key needed; caller: any valid key; admin: the admin key only. */
export type RouteAccess = 'open' | 'caller' | 'admin';

export interface AuthOptions {
  readonly tenants: Pick<TenantRegistry, 'authenticate'>;
  /** When false every request is DEFAULT_TENANT with admin rights (embedded default; the server logs a warning). */
  readonly enabled: boolean;
  readonly logger?: Pick<Logger, 'debug'>;
  /** Which routes need what; default `routeAccess`. */
  readonly access?: (method: string, routeUrl: string | undefined) => RouteAccess;
}

/** Everyone when auth is disabled. */
export const UNAUTHENTICATED_CALLER: Caller = { tenant: DEFAULT_TENANT, admin: true };

// Health, server/model metadata and readiness, and Prometheus metrics are open: probes and scrapers carry no key.
const OPEN_ROUTES = new Set([
  '/v2',
  '/v2/health/live',
  '/v2/health/ready',
  '/v2/models/:model',
  '/v2/models/:model/versions/:version',
  '/v2/models/:model/ready',
  '/v2/models/:model/versions/:version/ready',
  '/metrics',
]);

/**
 * Default access classes: repository control (load/unload/index) and tenant management need the admin key;
 * open routes above need none; everything else (inference, apps, statistics, profiles, unknown URLs) needs a key.
 */
export function routeAccess(method: string, routeUrl: string | undefined): RouteAccess {
  if (routeUrl === undefined) return 'caller';
  if (routeUrl.startsWith('/v2/repository/') || routeUrl === '/v2/tenants' || routeUrl.startsWith('/v2/tenants/')) return 'admin';
  if ((method === 'GET' || method === 'HEAD') && OPEN_ROUTES.has(routeUrl)) return 'open';
  return 'caller';
}

/** The key of an `Authorization: Bearer <key>` value, or undefined. */
export function bearerKey(value: string | undefined): string | undefined {
  const m = value === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m?.[1];
}

/** For gRPC: the caller of an `authorization` metadata value; throws UNAUTHENTICATED when missing or invalid. */
export function authenticateMetadata(value: string | undefined, o: Pick<AuthOptions, 'tenants' | 'enabled'>): Caller {
  if (!o.enabled) return UNAUTHENTICATED_CALLER;
  const key = bearerKey(value);
  if (key === undefined) throw new ServingError('UNAUTHENTICATED', "missing 'authorization: Bearer <key>'");
  const caller = o.tenants.authenticate(key);
  if (caller === undefined) throw new ServingError('UNAUTHENTICATED', 'invalid API key');
  return caller;
}

/** Throws PERMISSION_DENIED unless the caller holds the admin key. */
export function requireAdmin(caller: Caller): void {
  if (!caller.admin) throw new ServingError('PERMISSION_DENIED', 'this operation needs the admin key');
}

/** The request's caller; UNAUTHENTICATED when the auth hook did not run (fail closed). */
export function callerOf(request: FastifyRequest): Caller {
  if (request.caller === undefined) throw new ServingError('UNAUTHENTICATED', 'no authenticated caller');
  return request.caller;
}

export function authHook(o: AuthOptions) {
  const access = o.access ?? routeAccess;
  const deny = (reply: FastifyReply, err: ServingError, challenge: string): FastifyReply => {
    if (err.code === 'UNAUTHENTICATED') reply.header('WWW-Authenticate', challenge);
    return reply.code(httpStatusOf(err.code)).type('application/json').send({ error: err.message });
  };
  // Responding early from an async hook requires returning the reply (fastify stops the request there).
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const needs = access(request.method, request.routeOptions.url);
    if (!o.enabled) {
      request.caller = UNAUTHENTICATED_CALLER;
      return undefined;
    }
    if (needs === 'open') return undefined;
    const header = request.headers.authorization;
    let caller: Caller;
    try {
      caller = authenticateMetadata(header, o);
    } catch (err) {
      o.logger?.debug({ url: request.url, ip: request.ip }, 'rejected a request without a valid API key');
      const challenge = bearerKey(header) === undefined ? 'Bearer realm="tessera"' : 'Bearer realm="tessera", error="invalid_token"';
      return deny(reply, toServingError(err), challenge);
    }
    if (needs === 'admin' && !caller.admin) {
      return deny(reply, new ServingError('PERMISSION_DENIED', 'this operation needs the admin key'), '');
    }
    request.caller = caller;
    return undefined;
  };
}

/** Decorates requests with `caller` and adds the hook to the root instance (applies to every route); call before ready(). */
export function installAuth(app: FastifyInstance, o: AuthOptions): void {
  app.decorateRequest('caller', undefined);
  app.addHook('onRequest', authHook(o));
}
