// Tests of the app and tenant REST routes behind the auth hook, on a bare fastify instance (app.inject, no socket).

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { ServingError } from '../../core/errors.js';
import { AppRegistry } from '../../engine/app-registry.js';
import { TenantRegistry } from '../../engine/tenant-registry.js';
import { registerAppRoutes } from './app-routes.js';
import { installAuth } from './auth.js';

const ADMIN = 'admin-key-for-tests-0123';
const cls = { task: 'image-classification', slo: { percentile: 99, latency_ms: 50 }, min_accuracy: 0.7 };

async function build(dir: string, o: { enabled?: boolean; rawBodies?: boolean } = {}) {
  const apps = await AppRegistry.open(dir);
  const tenants = await TenantRegistry.open(dir, { adminKey: ADMIN, env: {} });
  const app = Fastify();
  if (o.rawBodies === true) {
    // Like the OIP server: every body arrives as a Buffer.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  }
  installAuth(app, { tenants, enabled: o.enabled ?? true });
  registerAppRoutes(app, {
    apps,
    tenants,
    validateApp: (a) => {
      if (a.task === 'unknown-task') throw new ServingError('NOT_FOUND', `no variant serves task '${a.task}'`);
    },
  });
  app.get('/v2/health/live', () => ({ live: true }));
  await app.ready();
  return { app, apps, tenants };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('app and tenant routes', () => {
  let dir: string;
  let app: FastifyInstance;
  let acmeKey: string;
  let betaKey: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-routes-'));
    ({ app } = await build(dir));
    for (const name of ['acme', 'beta']) {
      const res = await app.inject({ method: 'POST', url: '/v2/tenants', headers: bearer(ADMIN), payload: { name } });
      assert.equal(res.statusCode, 201);
    }
    acmeKey = (await app.inject({ method: 'POST', url: '/v2/tenants/acme/keys', headers: bearer(ADMIN) })).json<{ key: string }>().key;
    betaKey = (await app.inject({ method: 'POST', url: '/v2/tenants/beta/keys', headers: bearer(ADMIN) })).json<{ key: string }>().key;
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 401 with a Bearer challenge without a key or with a wrong one', async () => {
    const none = await app.inject({ method: 'GET', url: '/v2/apps' });
    assert.equal(none.statusCode, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    assert.ok(typeof none.json<{ error: string }>().error === 'string');
    const wrong = await app.inject({ method: 'GET', url: '/v2/apps', headers: bearer('tsk_nope') });
    assert.equal(wrong.statusCode, 401);
    assert.match(String(wrong.headers['www-authenticate']), /invalid_token/);
  });

  it('leaves health open', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode, 200);
  });

  it('creates, reads, replaces, lists and deletes an app', async () => {
    const created = await app.inject({ method: 'PUT', url: '/v2/apps/cls', headers: bearer(acmeKey), payload: cls });
    assert.equal(created.statusCode, 201);
    assert.deepEqual(created.json(), {
      name: 'cls',
      tenant: 'acme',
      task: 'image-classification',
      slo: { percentile: 99, latency_ms: 50 },
      min_accuracy: 0.7,
      expected_rate_per_s: 0,
      weight: 1,
      priority: 1,
      overload: 'reject',
    });
    const replaced = await app.inject({ method: 'PUT', url: '/v2/apps/cls', headers: bearer(acmeKey), payload: { ...cls, weight: 3 } });
    assert.equal(replaced.statusCode, 200);
    const got = await app.inject({ method: 'GET', url: '/v2/apps/cls', headers: bearer(acmeKey) });
    assert.equal(got.json<{ weight: number }>().weight, 3);
    const list = await app.inject({ method: 'GET', url: '/v2/apps', headers: bearer(acmeKey) });
    assert.deepEqual(list.json<{ apps: { name: string }[] }>().apps.map((a) => a.name), ['cls']);
    assert.equal((await app.inject({ method: 'DELETE', url: '/v2/apps/cls', headers: bearer(acmeKey) })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/v2/apps/cls', headers: bearer(acmeKey) })).statusCode, 404);
    assert.equal((await app.inject({ method: 'DELETE', url: '/v2/apps/cls', headers: bearer(acmeKey) })).statusCode, 404);
  });

  it("answers another tenant's app exactly like a missing one", async () => {
    await app.inject({ method: 'PUT', url: '/v2/apps/secret', headers: bearer(acmeKey), payload: cls });
    const other = await app.inject({ method: 'GET', url: '/v2/apps/secret', headers: bearer(betaKey) });
    const missing = await app.inject({ method: 'GET', url: '/v2/apps/secret', headers: bearer(betaKey) });
    const reallyMissing = await app.inject({ method: 'GET', url: '/v2/apps/nothing', headers: bearer(betaKey) });
    assert.equal(other.statusCode, 404);
    assert.equal(other.body, missing.body);
    assert.equal(other.body.replace('secret', 'X'), reallyMissing.body.replace('nothing', 'X'));
    assert.equal((await app.inject({ method: 'DELETE', url: '/v2/apps/secret', headers: bearer(betaKey) })).statusCode, 404);
    const betaList = await app.inject({ method: 'GET', url: '/v2/apps', headers: bearer(betaKey) });
    assert.deepEqual(betaList.json(), { apps: [] });
    assert.equal((await app.inject({ method: 'GET', url: '/v2/apps/secret', headers: bearer(acmeKey) })).statusCode, 200);
  });

  it('lets a tenant key act only on its own tenant', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2/apps?tenant=acme', headers: bearer(betaKey) });
    assert.equal(res.statusCode, 403);
    const put = await app.inject({ method: 'PUT', url: '/v2/apps/x', headers: bearer(betaKey), payload: { ...cls, tenant: 'acme' } });
    assert.equal(put.statusCode, 403);
  });

  it('answers 403 to a tenant key on every admin route', async () => {
    const routes = [
      { method: 'GET', url: '/v2/tenants' },
      { method: 'POST', url: '/v2/tenants', payload: { name: 'evil' } },
      { method: 'DELETE', url: '/v2/tenants/beta' },
      { method: 'POST', url: '/v2/tenants/acme/keys' },
      { method: 'DELETE', url: '/v2/tenants/acme/keys/k_1' },
    ] as const;
    for (const r of routes) {
      const res = await app.inject({ ...r, headers: bearer(acmeKey) });
      assert.equal(res.statusCode, 403, `${r.method} ${r.url}`);
    }
  });

  it('lets the admin see every tenant’s apps, or one with ?tenant=', async () => {
    await app.inject({ method: 'PUT', url: '/v2/apps/b1?tenant=beta', headers: bearer(ADMIN), payload: cls });
    const all = await app.inject({ method: 'GET', url: '/v2/apps', headers: bearer(ADMIN) });
    const tenants = new Set(all.json<{ apps: { tenant: string }[] }>().apps.map((a) => a.tenant));
    assert.ok(tenants.has('acme') && tenants.has('beta'));
    const beta = await app.inject({ method: 'GET', url: '/v2/apps?tenant=beta', headers: bearer(ADMIN) });
    assert.deepEqual(beta.json<{ apps: { name: string }[] }>().apps.map((a) => a.name), ['b1']);
    assert.equal((await app.inject({ method: 'GET', url: '/v2/apps/b1', headers: bearer(betaKey) })).statusCode, 200);
  });

  it('answers 400 naming the field for an invalid app, and the name must match the URL', async () => {
    const bad = await app.inject({ method: 'PUT', url: '/v2/apps/bad', headers: bearer(acmeKey), payload: { ...cls, slo: { latency_ms: 0 } } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ error: string }>().error, /slo\.latency_ms/);
    const mismatch = await app.inject({ method: 'PUT', url: '/v2/apps/a', headers: bearer(acmeKey), payload: { ...cls, name: 'b' } });
    assert.equal(mismatch.statusCode, 400);
    const malformed = await app.inject({
      method: 'PUT',
      url: '/v2/apps/a',
      headers: { ...bearer(acmeKey), 'content-type': 'application/json' },
      payload: '{oops',
    });
    assert.equal(malformed.statusCode, 400);
  });

  it('maps a refusal of validateApp to its status', async () => {
    const res = await app.inject({ method: 'PUT', url: '/v2/apps/u', headers: bearer(acmeKey), payload: { ...cls, task: 'unknown-task' } });
    assert.equal(res.statusCode, 404);
    assert.match(res.json<{ error: string }>().error, /unknown-task/);
  });

  it('manages tenants and keys: list, revoke, delete with its apps', async () => {
    assert.equal((await app.inject({ method: 'POST', url: '/v2/tenants', headers: bearer(ADMIN), payload: { name: 'acme' } })).statusCode, 409);
    await app.inject({ method: 'POST', url: '/v2/tenants', headers: bearer(ADMIN), payload: { name: 'gone', weight: 2 } });
    const created = (await app.inject({ method: 'POST', url: '/v2/tenants/gone/keys', headers: bearer(ADMIN) })).json<{ id: string; key: string }>();
    await app.inject({ method: 'PUT', url: '/v2/apps/g', headers: bearer(created.key), payload: cls });
    const list = (await app.inject({ method: 'GET', url: '/v2/tenants', headers: bearer(ADMIN) })).json<{
      tenants: { name: string; weight: number; keys: { id: string }[] }[];
    }>();
    const gone = list.tenants.find((t) => t.name === 'gone');
    assert.deepEqual(gone, { name: 'gone', weight: 2, keys: [gone?.keys[0]] });
    assert.equal(gone?.keys[0]?.id, created.id);
    assert.ok(!JSON.stringify(list).includes(created.key), 'listing never shows a key');

    const second = (await app.inject({ method: 'POST', url: '/v2/tenants/gone/keys', headers: bearer(ADMIN) })).json<{ id: string; key: string }>();
    assert.equal((await app.inject({ method: 'DELETE', url: `/v2/tenants/acme/keys/${second.id}`, headers: bearer(ADMIN) })).statusCode, 404);
    assert.equal((await app.inject({ method: 'DELETE', url: `/v2/tenants/gone/keys/${second.id}`, headers: bearer(ADMIN) })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/v2/apps', headers: bearer(second.key) })).statusCode, 401);

    const del = await app.inject({ method: 'DELETE', url: '/v2/tenants/gone', headers: bearer(ADMIN) });
    assert.deepEqual(del.json(), { deleted_apps: 1 });
    assert.equal((await app.inject({ method: 'GET', url: '/v2/apps', headers: bearer(created.key) })).statusCode, 401);
    assert.equal((await app.inject({ method: 'GET', url: '/v2/apps?tenant=gone', headers: bearer(ADMIN) })).json<{ apps: [] }>().apps.length, 0);
    assert.equal((await app.inject({ method: 'DELETE', url: '/v2/tenants/gone', headers: bearer(ADMIN) })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: '/v2/tenants/nobody/keys', headers: bearer(ADMIN) })).statusCode, 404);
  });
});

describe('app routes with auth disabled and raw bodies', () => {
  it('treat every caller as the default tenant with admin rights and parse Buffer bodies', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-routes-'));
    const { app } = await build(dir, { enabled: false, rawBodies: true });
    try {
      const put = await app.inject({
        method: 'PUT',
        url: '/v2/apps/open',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(cls),
      });
      assert.equal(put.statusCode, 201);
      assert.equal(put.json<{ tenant: string }>().tenant, 'default');
      assert.equal((await app.inject({ method: 'GET', url: '/v2/tenants' })).statusCode, 200);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
