// End-to-end test of `tessera app|tenant ...` against the app routes served on a real socket.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAppCommands } from '../src/cli/app-command.js';
import { AppRegistry } from '../src/engine/app-registry.js';
import { TenantRegistry } from '../src/engine/tenant-registry.js';
import { registerAppRoutes } from '../src/frontend/http/app-routes.js';
import { installAuth } from '../src/frontend/http/auth.js';

const ADMIN = 'cli-admin-key-0123456789';

describe('tessera app and tenant commands', () => {
  let dir: string;
  let server: FastifyInstance;
  let url: string;

  /** Runs one command line; returns what it printed. */
  async function tessera(...args: string[]): Promise<string> {
    let printed = '';
    const program = new Command('tessera').exitOverride();
    registerAppCommands(program, { out: (t) => (printed += t) });
    await program.parseAsync(['node', 'tessera', ...args, '--url', url]);
    return printed;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-cli-apps-'));
    const tenants = await TenantRegistry.open(dir, { adminKey: ADMIN, env: {} });
    server = Fastify();
    installAuth(server, { tenants, enabled: true });
    registerAppRoutes(server, { apps: await AppRegistry.open(dir), tenants });
    url = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a tenant and a key, then manages apps with that key', async () => {
    assert.match(await tessera('tenant', 'create', 'acme', '--weight', '2', '--key', ADMIN), /created tenant acme \(weight 2\)/);
    const created = JSON.parse(await tessera('tenant', 'key', 'create', 'acme', '--key', ADMIN, '--json')) as { id: string; key: string };
    assert.match(created.key, /^tsk_/);
    const key = created.key;

    const put = await tessera('app', 'put', 'cls', '--task', 'image-classification', '--slo-ms', '50', '--min-accuracy', '0.7', '--key', key);
    assert.match(put, /cls\s+acme\s+task:image-classification\s+p99<=50ms\s+0\.7/);
    const listed = JSON.parse(await tessera('app', 'list', '--json', '--key', key)) as { apps: { name: string; min_accuracy: number }[] };
    assert.deepEqual(listed.apps.map((a) => [a.name, a.min_accuracy]), [['cls', 0.7]]);

    const file = join(dir, 'apps.yaml');
    await writeFile(file, 'apps:\n  - {name: fixed, model: resnet, version: 1, slo: {latency_ms: 80, percentile: 95}}\n');
    assert.match(await tessera('app', 'put', '--file', file, '--key', key), /fixed\s+acme\s+model:resnet@1\s+p95<=80ms/);
    assert.match(await tessera('app', 'get', 'fixed', '--key', key), /model:resnet@1/);
    assert.equal(await tessera('app', 'delete', 'fixed', '--key', key), 'deleted app fixed\n');
    await assert.rejects(tessera('app', 'get', 'fixed', '--key', key), /HTTP 404: no app 'fixed'/);

    assert.match(await tessera('tenant', 'list', '--key', ADMIN), new RegExp(`acme\\s+2\\s+${created.id}`));
    assert.equal(await tessera('tenant', 'key', 'revoke', 'acme', created.id, '--key', ADMIN), `revoked key ${created.id}\n`);
    await assert.rejects(tessera('app', 'list', '--key', key), /HTTP 401/);
    assert.match(await tessera('tenant', 'delete', 'acme', '--key', ADMIN), /deleted tenant acme and its 1 app\(s\)/);
  });

  it('reports a refused request with its status and message', async () => {
    await assert.rejects(tessera('app', 'list'), /HTTP 401: missing 'authorization: Bearer <key>'/);
    await assert.rejects(tessera('app', 'put', 'x', '--task', 't', '--key', ADMIN), /--slo-ms is required/);
    await assert.rejects(tessera('app', 'put', 'x', '--task', 't', '--model', 'm', '--slo-ms', '5', '--key', ADMIN), /exactly one of --task or --model/);
  });
});
