// Tests of AppRegistry: persistence across reopen, corrupt files, change listeners, YAML loading.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AppSpec, Tenant } from '../core/app.js';
import { parseAppSpec } from '../core/app-validation.js';
import { AppRegistry, type AppChange } from './app-registry.js';

const app = (name: string, tenant = 'acme', extra: Record<string, unknown> = {}): AppSpec =>
  parseAppSpec({ name, task: 'image-classification', slo: { latency_ms: 50 }, ...extra }, tenant);

class FakeTenants {
  readonly tenants = new Map<string, Tenant>([['default', { name: 'default', weight: 1 }]]);
  getTenant(name: string): Tenant | undefined {
    return this.tenants.get(name);
  }
  async putTenant(t: Tenant): Promise<{ created: boolean }> {
    const created = !this.tenants.has(t.name);
    this.tenants.set(t.name, t);
    return { created };
  }
}

describe('AppRegistry', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-apps-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts empty when there is no apps.json', async () => {
    const reg = await AppRegistry.open(dir);
    assert.deepEqual(reg.list(), []);
  });

  it('keeps every app across a restart', async () => {
    const reg = await AppRegistry.open(dir);
    for (let i = 0; i < 20; i++) await reg.put(app(`app${i}`, i % 2 === 0 ? 'acme' : 'beta', { weight: i + 1 }));
    const again = await AppRegistry.open(dir);
    assert.equal(again.list().length, 20);
    assert.deepEqual(again.list(), reg.list());
    assert.equal(again.get('beta', 'app3')?.weight, 4);
  });

  it('keeps concurrent puts without losing one', async () => {
    const reg = await AppRegistry.open(dir);
    await Promise.all(Array.from({ length: 10 }, (_, i) => reg.put(app(`c${i}`))));
    assert.equal((await AppRegistry.open(dir)).list().length, 10);
    assert.deepEqual((await readdir(dir)).sort(), ['apps.json'], 'no temporary files are left behind');
  });

  it('reports created on the first put and replaced on the second', async () => {
    const reg = await AppRegistry.open(dir);
    assert.deepEqual(await reg.put(app('a')), { created: true });
    assert.deepEqual(await reg.put(app('a', 'acme', { weight: 5 })), { created: false });
    assert.equal(reg.get('acme', 'a')?.weight, 5);
  });

  it('separates tenants: the same name in two tenants are two apps', async () => {
    const reg = await AppRegistry.open(dir);
    await reg.put(app('a', 'acme'));
    await reg.put(app('a', 'beta', { weight: 2 }));
    assert.deepEqual(reg.list('acme').map((a) => a.weight), [1]);
    assert.equal(reg.get('beta', 'a')?.weight, 2);
    assert.equal(reg.get('gamma', 'a'), undefined);
  });

  it('deletes an app, and says false for a missing one', async () => {
    const reg = await AppRegistry.open(dir);
    await reg.put(app('a'));
    assert.equal(await reg.delete('acme', 'a'), true);
    assert.equal(await reg.delete('acme', 'a'), false);
    assert.deepEqual((await AppRegistry.open(dir)).list(), []);
  });

  it("deletes all of a tenant's apps and no other's", async () => {
    const reg = await AppRegistry.open(dir);
    await reg.put(app('a', 'acme'));
    await reg.put(app('b', 'acme'));
    await reg.put(app('a', 'beta'));
    assert.equal(await reg.deleteTenantApps('acme'), 2);
    assert.deepEqual(reg.list().map((a) => `${a.tenant}/${a.name}`), ['beta/a']);
  });

  it('tells listeners about puts and deletes after they are on disk', async () => {
    const reg = await AppRegistry.open(dir);
    const seen: string[] = [];
    const off = reg.onChange((c: AppChange) => seen.push(`${c.type}:${c.app.name}:${c.type === 'put' && c.previous !== undefined}`));
    await reg.put(app('a'));
    await reg.put(app('a'));
    await reg.delete('acme', 'a');
    off();
    await reg.put(app('b'));
    assert.deepEqual(seen, ['put:a:false', 'put:a:true', 'delete:a:false']);
  });

  it('keeps a change when a listener throws', async () => {
    const reg = await AppRegistry.open(dir);
    reg.onChange(() => {
      throw new Error('listener bug');
    });
    await reg.put(app('a'));
    assert.ok(reg.get('acme', 'a'));
  });

  it('refuses to open a corrupt apps.json instead of dropping apps', async () => {
    await writeFile(join(dir, 'apps.json'), '{"version": 1, "apps": [');
    await assert.rejects(AppRegistry.open(dir), (e: Error & { code?: string }) => e.code === 'FAILED_PRECONDITION' && /apps\.json is corrupt/.test(e.message));
  });

  it('refuses to open an apps.json holding an invalid app, naming the entry', async () => {
    const reg = await AppRegistry.open(dir);
    await reg.put(app('good'));
    const data = JSON.parse(await readFile(join(dir, 'apps.json'), 'utf8')) as { apps: Record<string, unknown>[] };
    data.apps.push({ name: 'bad', tenant: 'acme', task: 't', slo: { latency_ms: -1 } });
    await writeFile(join(dir, 'apps.json'), JSON.stringify(data));
    await assert.rejects(AppRegistry.open(dir), /apps\[1\]: 'slo.latency_ms'/);
  });

  it('loads tenants and apps from YAML, validating all before applying any', async () => {
    const reg = await AppRegistry.open(dir);
    const tenants = new FakeTenants();
    const file = join(dir, 'apps.yaml');
    await writeFile(
      file,
      [
        'tenants:',
        '  - name: acme',
        '    weight: 2',
        'apps:',
        '  - name: cls',
        '    tenant: acme',
        '    task: image-classification',
        '    slo: { percentile: 95, latency_ms: 40 }',
        '    min_accuracy: 0.7',
        '  - name: fixed',
        '    model: resnet',
        '    version: 1',
        '    slo: { latency_ms: 100 }',
      ].join('\n'),
    );
    assert.deepEqual(await reg.loadYaml(file, tenants), { apps: 2, tenants: 1 });
    assert.equal(tenants.getTenant('acme')?.weight, 2);
    assert.deepEqual(reg.get('acme', 'cls')?.slo, { percentile: 95, latencyMs: 40 });
    assert.equal(reg.get('default', 'fixed')?.version, '1');

    await writeFile(file, 'apps:\n  - {name: ok, task: t, slo: {latency_ms: 1}}\n  - {name: broken, task: t}\n');
    await assert.rejects(reg.loadYaml(file, tenants), /apps\[1\]: 'slo' is required/);
    assert.equal(reg.get('default', 'ok'), undefined, 'nothing was applied');
  });

  it('refuses YAML apps of an unknown tenant and YAML that is not a mapping of lists', async () => {
    const reg = await AppRegistry.open(dir);
    const file = join(dir, 'apps.yaml');
    await writeFile(file, 'apps:\n  - {name: a, tenant: nobody, task: t, slo: {latency_ms: 1}}\n');
    await assert.rejects(reg.loadYaml(file, new FakeTenants()), /unknown tenant 'nobody'/);
    await writeFile(file, 'apps: {name: a}\n');
    await assert.rejects(reg.loadYaml(file), /'apps' must be a list/);
    await writeFile(file, 'app: []\n');
    await assert.rejects(reg.loadYaml(file), /expected a mapping/);
  });
});
