// REST routes for apps (/v2/apps, per caller's tenant) and tenant/key management (/v2/tenants, admin only).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppSpec } from '../../core/app.js';
import { appToJson, parseAppSpec, parseTenant, tenantToJson } from '../../core/app-validation.js';
import { ServingError, httpStatusOf, toServingError } from '../../core/errors.js';
import type { AppRegistry } from '../../engine/app-registry.js';
import type { Caller, TenantRegistry } from '../../engine/tenant-registry.js';
import { callerOf, requireAdmin } from './auth.js';

export interface AppRouteDeps {
  readonly apps: AppRegistry;
  readonly tenants: TenantRegistry;
  /** Extra checks before an app is stored (e.g. the task or model exists); throw a ServingError to refuse. */
  readonly validateApp?: (app: AppSpec) => void | Promise<void>;
}

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, unknown> }>;
type Handler = (req: Req, reply: FastifyReply) => Promise<unknown>;

/** Errors answer `{error}` with the status of their ServingError code, whatever error handler the instance has. */
function handle(fn: Handler) {
  return async (req: Req, reply: FastifyReply): Promise<unknown> => {
    try {
      return await fn(req, reply);
    } catch (err) {
      const e = toServingError(err);
      if (e.code === 'INTERNAL') req.log.error({ err }, 'app/tenant route failed');
      return reply.code(httpStatusOf(e.code)).type('application/json').send({ error: e.message });
    }
  };
}

/** The body as a JSON object, whether the instance parsed it (object) or hands over raw bytes (Buffer/string). */
function jsonBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (Buffer.isBuffer(value) || typeof value === 'string') {
    const text = value.toString();
    if (text.trim() === '') return {};
    try {
      value = JSON.parse(text) as unknown;
    } catch (e) {
      throw new ServingError('INVALID_ARGUMENT', `malformed JSON: ${(e as Error).message}`);
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ServingError('INVALID_ARGUMENT', 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Which tenant a request acts on: its own; the admin may name any with ?tenant= (default: the default tenant). */
function targetTenant(caller: Caller, requested: unknown): string {
  if (requested === undefined || requested === caller.tenant) return caller.tenant;
  if (typeof requested !== 'string') throw new ServingError('INVALID_ARGUMENT', "'tenant' must be a string");
  if (!caller.admin) throw new ServingError('PERMISSION_DENIED', 'a tenant key acts only on its own tenant');
  return requested;
}

const noApp = (name: string): ServingError => new ServingError('NOT_FOUND', `no app '${name}'`);

export function registerAppRoutes(app: FastifyInstance, deps: AppRouteDeps): void {
  const { apps, tenants } = deps;
  const param = (req: Req, name: string): string => req.params[name] ?? '';

  app.get(
    '/v2/apps',
    handle(async (req) => {
      const caller = callerOf(req);
      const all = caller.admin && req.query['tenant'] === undefined;
      return { apps: (all ? apps.list() : apps.list(targetTenant(caller, req.query['tenant']))).map(appToJson) };
    }),
  );

  // Another tenant's app is looked up in the caller's own tenant, so it answers exactly like a missing one.
  app.get(
    '/v2/apps/:app',
    handle(async (req) => {
      const found = apps.get(targetTenant(callerOf(req), req.query['tenant']), param(req, 'app'));
      if (found === undefined) throw noApp(param(req, 'app'));
      return appToJson(found);
    }),
  );

  app.put(
    '/v2/apps/:app',
    handle(async (req, reply) => {
      const body = jsonBody(req.body);
      const name = param(req, 'app');
      if (body['name'] !== undefined && body['name'] !== name) {
        throw new ServingError('INVALID_ARGUMENT', `'name' is ${JSON.stringify(body['name'])} but the URL names app '${name}'`);
      }
      const tenant = targetTenant(callerOf(req), req.query['tenant'] ?? body['tenant']);
      if (tenants.getTenant(tenant) === undefined) throw new ServingError('NOT_FOUND', `no tenant '${tenant}'`);
      const spec = parseAppSpec({ ...body, name }, tenant);
      await deps.validateApp?.(spec);
      const { created } = await apps.put(spec);
      return reply.code(created ? 201 : 200).send(appToJson(spec));
    }),
  );

  app.delete(
    '/v2/apps/:app',
    handle(async (req) => {
      if (!(await apps.delete(targetTenant(callerOf(req), req.query['tenant']), param(req, 'app')))) throw noApp(param(req, 'app'));
      return {};
    }),
  );

  const admin = (fn: Handler): ReturnType<typeof handle> =>
    handle(async (req, reply) => {
      requireAdmin(callerOf(req));
      return fn(req, reply);
    });

  app.get(
    '/v2/tenants',
    admin(async () => ({
      tenants: tenants.listTenants().map((t) => ({
        ...tenantToJson(t),
        keys: tenants.listKeys(t.name).map((k) => ({ id: k.id, created_at: k.createdAt })),
      })),
    })),
  );

  app.post(
    '/v2/tenants',
    admin(async (req, reply) => reply.code(201).send(tenantToJson(await tenants.createTenant(parseTenant(jsonBody(req.body)))))),
  );

  // Keys go with the tenant first (its requests stop at once), then its apps.
  app.delete(
    '/v2/tenants/:tenant',
    admin(async (req) => {
      const name = param(req, 'tenant');
      if (!(await tenants.deleteTenant(name))) throw new ServingError('NOT_FOUND', `no tenant '${name}'`);
      return { deleted_apps: await apps.deleteTenantApps(name) };
    }),
  );

  app.post(
    '/v2/tenants/:tenant/keys',
    admin(async (req, reply) => {
      const { id, key } = await tenants.createKey(param(req, 'tenant'));
      return reply.code(201).send({ id, tenant: param(req, 'tenant'), key });
    }),
  );

  app.delete(
    '/v2/tenants/:tenant/keys/:id',
    admin(async (req) => {
      if (!(await tenants.revokeKey(param(req, 'id'), param(req, 'tenant')))) {
        throw new ServingError('NOT_FOUND', `no key '${param(req, 'id')}' of tenant '${param(req, 'tenant')}'`);
      }
      return {};
    }),
  );
}
