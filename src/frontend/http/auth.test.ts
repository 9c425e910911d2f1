// Tests of the auth helpers: route access classes, bearer parsing, gRPC metadata authentication.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Caller } from '../../engine/tenant-registry.js';
import { authenticateMetadata, bearerKey, requireAdmin, routeAccess } from './auth.js';

const tenants = {
  authenticate: (key: string): Caller | undefined =>
    key === 'tenant-key' ? { tenant: 'acme', admin: false } : key === 'admin-key' ? { tenant: 'default', admin: true } : undefined,
};

describe('routeAccess', () => {
  it('keeps health, metadata and metrics open', () => {
    for (const url of ['/v2', '/v2/health/live', '/v2/health/ready', '/v2/models/:model', '/v2/models/:model/versions/:version/ready', '/metrics']) {
      assert.equal(routeAccess('GET', url), 'open', url);
    }
  });

  it('needs the admin key for repository control and tenant management', () => {
    for (const url of ['/v2/repository/index', '/v2/repository/models/:model/load', '/v2/tenants', '/v2/tenants/:tenant/keys/:id']) {
      assert.equal(routeAccess('POST', url), 'admin', url);
    }
  });

  it('needs a key for inference, apps, statistics and unknown URLs', () => {
    assert.equal(routeAccess('POST', '/v2/models/:model/infer'), 'caller');
    assert.equal(routeAccess('POST', '/v2/apps/:app/infer'), 'caller');
    assert.equal(routeAccess('GET', '/v2/apps'), 'caller');
    assert.equal(routeAccess('GET', '/v2/models/:model/stats'), 'caller');
    assert.equal(routeAccess('GET', undefined), 'caller');
  });
});

describe('bearerKey', () => {
  it('reads the key of a Bearer header, any case, and nothing else', () => {
    assert.equal(bearerKey('Bearer abc'), 'abc');
    assert.equal(bearerKey('bearer  abc '), 'abc');
    assert.equal(bearerKey('Basic abc'), undefined);
    assert.equal(bearerKey('Bearer'), undefined);
    assert.equal(bearerKey(undefined), undefined);
  });
});

describe('authenticateMetadata', () => {
  it('returns the caller of a valid key', () => {
    assert.deepEqual(authenticateMetadata('Bearer tenant-key', { tenants, enabled: true }), { tenant: 'acme', admin: false });
  });

  it('throws UNAUTHENTICATED for a missing or invalid key', () => {
    const unauthenticated = (e: unknown) => (e as { code?: string }).code === 'UNAUTHENTICATED';
    assert.throws(() => authenticateMetadata(undefined, { tenants, enabled: true }), unauthenticated);
    assert.throws(() => authenticateMetadata('Bearer wrong', { tenants, enabled: true }), unauthenticated);
  });

  it('treats everyone as the default tenant with admin rights when disabled', () => {
    assert.deepEqual(authenticateMetadata(undefined, { tenants, enabled: false }), { tenant: 'default', admin: true });
  });
});

describe('requireAdmin', () => {
  it('throws PERMISSION_DENIED for a tenant caller only', () => {
    assert.throws(() => requireAdmin({ tenant: 'acme', admin: false }), (e: unknown) => (e as { code?: string }).code === 'PERMISSION_DENIED');
    requireAdmin({ tenant: 'default', admin: true });
  });
});
