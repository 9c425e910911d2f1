// Tests of TenantRegistry: keys hashed at rest, authentication, revocation, the admin key's sources, corrupt files.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TenantRegistry } from './tenant-registry.js';

const NO_ENV = { env: {} };

describe('TenantRegistry', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-tenants-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('always has the default tenant, which cannot be deleted', async () => {
    const reg = await TenantRegistry.open(dir, NO_ENV);
    assert.deepEqual(reg.listTenants(), [{ name: 'default', weight: 1 }]);
    await assert.rejects(reg.deleteTenant('default'), /cannot be deleted/);
  });

  it('authenticates a new key as its tenant and stores only its hash', async () => {
    const reg = await TenantRegistry.open(dir, NO_ENV);
    await reg.createTenant({ name: 'acme', weight: 2 });
    const { id, key } = await reg.createKey('acme');
    assert.match(key, /^tsk_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(reg.authenticate(key), { tenant: 'acme', admin: false });
    const file = await readFile(join(dir, 'tenants.json'), 'utf8');
    assert.ok(!file.includes(key), 'the clear key is not in tenants.json');
    assert.ok(!file.includes(key.slice(4)), 'nor its secret part');
    assert.ok(file.includes(id));
    assert.equal((await stat(join(dir, 'tenants.json'))).mode & 0o777, 0o600);
  });

  it('keeps tenants and keys across a restart', async () => {
    const reg = await TenantRegistry.open(dir, NO_ENV);
    await reg.createTenant({ name: 'acme', weight: 2 });
    const { key } = await reg.createKey('acme');
    const again = await TenantRegistry.open(dir, NO_ENV);
    assert.deepEqual(again.getTenant('acme'), { name: 'acme', weight: 2 });
    assert.deepEqual(again.authenticate(key), { tenant: 'acme', admin: false });
    assert.equal(again.listKeys('acme').length, 1);
  });

  it('rejects unknown, empty and revoked keys', async () => {
    const reg = await TenantRegistry.open(dir, NO_ENV);
    await reg.createTenant({ name: 'acme', weight: 1 });
    const { id, key } = await reg.createKey('acme');
    assert.equal(reg.authenticate(`${key}x`), undefined);
    assert.equal(reg.authenticate(''), undefined);
    assert.equal(await reg.revokeKey(id, 'other'), false, 'a key is revoked only through its own tenant');
    assert.equal(await reg.revokeKey(id, 'acme'), true);
    assert.equal(reg.authenticate(key), undefined);
    assert.equal(await reg.revokeKey(id), false);
  });

  it('deleting a tenant removes its keys', async () => {
    const reg = await TenantRegistry.open(dir, NO_ENV);
    await reg.createTenant({ name: 'acme', weight: 1 });
    const { key } = await reg.createKey('acme');
    assert.equal(await reg.deleteTenant('acme'), true);
    assert.equal(reg.authenticate(key), undefined);
    assert.deepEqual(reg.listKeys(), []);
    assert.equal(await reg.deleteTenant('acme'), false);
  });

  it('refuses a duplicate tenant and a key for an unknown tenant', async () => {
    const reg = await TenantRegistry.open(dir, NO_ENV);
    await reg.createTenant({ name: 'acme', weight: 1 });
    await assert.rejects(reg.createTenant({ name: 'acme', weight: 1 }), (e: Error & { code?: string }) => e.code === 'ALREADY_EXISTS');
    await assert.rejects(reg.createKey('nobody'), (e: Error & { code?: string }) => e.code === 'NOT_FOUND');
  });

  it('generates an admin key file with mode 0600 on first start and reuses it', async () => {
    const logged: unknown[] = [];
    const logger = { info: (o: unknown) => logged.push(o), warn: (o: unknown) => logged.push(o) };
    const reg = await TenantRegistry.open(dir, { env: {}, logger });
    assert.equal(reg.adminKeySource, 'generated');
    const path = join(dir, 'admin.key');
    assert.equal(reg.adminKeyPath, path);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const adminKey = (await readFile(path, 'utf8')).trim();
    assert.deepEqual(reg.authenticate(adminKey), { tenant: 'default', admin: true });
    assert.ok(!JSON.stringify(logged).includes(adminKey), 'the key itself is never logged');
    const again = await TenantRegistry.open(dir, NO_ENV);
    assert.equal(again.adminKeySource, 'file');
    assert.deepEqual(again.authenticate(adminKey), { tenant: 'default', admin: true });
  });

  it('takes the admin key from the option, else from TESSERA_ADMIN_KEY', async () => {
    const fromEnv = await TenantRegistry.open(dir, { env: { TESSERA_ADMIN_KEY: 'env-key-0123456789' } });
    assert.equal(fromEnv.adminKeySource, 'env');
    assert.equal(fromEnv.authenticate('env-key-0123456789')?.admin, true);
    const fromOption = await TenantRegistry.open(dir, { adminKey: 'option-key-0123456789', env: { TESSERA_ADMIN_KEY: 'env-key-0123456789' } });
    assert.equal(fromOption.adminKeySource, 'option');
    assert.equal(fromOption.authenticate('env-key-0123456789'), undefined);
    await assert.rejects(TenantRegistry.open(dir, { adminKey: 'short' }), /at least 16 characters/);
  });

  it('refuses to open a corrupt tenants.json', async () => {
    await writeFile(join(dir, 'tenants.json'), 'not json');
    await assert.rejects(TenantRegistry.open(dir, NO_ENV), /tenants\.json is corrupt/);
    await writeFile(join(dir, 'tenants.json'), JSON.stringify({ version: 1, tenants: [], keys: [{ id: 'k', tenant: 'ghost', created_at: 'x', sha256: '00' }] }));
    await assert.rejects(TenantRegistry.open(dir, NO_ENV), /keys\[0\]/);
  });
});
