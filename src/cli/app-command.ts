// `tessera app ...` and `tessera tenant ...`: manage apps, tenants and API keys of a running server over REST.

import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { AppJson, TenantJson } from '../core/app-validation.js';

export interface CliOutput {
  out(text: string): void;
}

interface Conn {
  readonly url: string;
  readonly key?: string;
  readonly json: boolean;
}

const DEFAULT_URL = 'http://127.0.0.1:8000';

function number(min: number, exclusive = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || (exclusive && n === min)) {
      throw new InvalidArgumentError(`expected a number ${exclusive ? '>' : '>='} ${min}`);
    }
    return n;
  };
}

function connOf(cmd: Command): Conn {
  const o = cmd.optsWithGlobals<{ url: string; key?: string; json?: boolean }>();
  const key = o.key ?? process.env['TESSERA_API_KEY'];
  return { url: o.url.replace(/\/$/, ''), ...(key === undefined || key === '' ? {} : { key }), json: o.json === true };
}

async function call<T>(c: Conn, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (c.key !== undefined) headers['authorization'] = `Bearer ${c.key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${c.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  let value: unknown = text;
  try {
    value = text === '' ? {} : JSON.parse(text);
  } catch {
    // not JSON: report the text as is
  }
  if (!res.ok) {
    const msg = (value as { error?: unknown } | null)?.error;
    throw new Error(`HTTP ${res.status}: ${typeof msg === 'string' ? msg : text}`);
  }
  return value as T;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

const target = (a: AppJson): string => (a.task !== undefined ? `task:${a.task}` : `model:${a.model ?? ''}${a.version === undefined ? '' : `@${a.version}`}`);

function appTable(apps: readonly AppJson[]): string {
  return table(
    ['NAME', 'TENANT', 'TARGET', 'SLO', 'MIN_ACC', 'RATE/S', 'WEIGHT', 'PRIO', 'OVERLOAD'],
    apps.map((a) => [
      a.name,
      a.tenant,
      target(a),
      `p${a.slo.percentile}<=${a.slo.latency_ms}ms`,
      String(a.min_accuracy),
      String(a.expected_rate_per_s),
      String(a.weight),
      String(a.priority),
      a.overload,
    ]),
  );
}

const tenantQuery = (tenant: unknown): string => (typeof tenant === 'string' ? `?tenant=${encodeURIComponent(tenant)}` : '');
const seg = encodeURIComponent;

/** The app bodies of `--file`: one app mapping, or `{apps: [...]}` as in the server's start-up YAML. */
function appsOfFile(path: string): Record<string, unknown>[] {
  const doc = parseYaml(readFileSync(path, 'utf8')) as unknown;
  const o = (doc ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${path}: expected an app or {apps: [...]}`);
  if (o['tenants'] !== undefined) throw new Error(`${path}: create tenants with 'tessera tenant create', not 'app put'`);
  const apps = o['apps'] === undefined ? [o] : o['apps'];
  if (!Array.isArray(apps)) throw new Error(`${path}: 'apps' must be a list`);
  return apps.map((a: unknown, i) => {
    const name = (a as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') throw new Error(`${path}: app ${i} has no 'name'`);
    return a as Record<string, unknown>;
  });
}

/** The app body of the flags of `app put NAME ...`; fields not given are left to the server's defaults. */
function appOfFlags(o: Record<string, unknown>): Record<string, unknown> {
  if ((o['task'] === undefined) === (o['model'] === undefined)) throw new Error('give exactly one of --task or --model (or --file)');
  if (o['sloMs'] === undefined) throw new Error('--slo-ms is required');
  const fields: [string, unknown][] = [
    ['task', o['task']],
    ['model', o['model']],
    ['version', o['modelVersion']],
    ['min_accuracy', o['minAccuracy']],
    ['expected_rate_per_s', o['rate']],
    ['weight', o['weight']],
    ['priority', o['priority']],
    ['overload', o['overload']],
  ];
  const slo = { latency_ms: o['sloMs'], ...(o['percentile'] === undefined ? {} : { percentile: o['percentile'] }) };
  return { ...Object.fromEntries(fields.filter(([, v]) => v !== undefined)), slo };
}

export function registerAppCommands(program: Command, io: CliOutput = { out: (t) => process.stdout.write(t) }): void {
  const connected = (cmd: Command): Command =>
    cmd
      .option('--url <url>', 'server base URL', DEFAULT_URL)
      .option('--key <key>', 'API key (default: env TESSERA_API_KEY)')
      .option('--json', 'print JSON')
      .configureHelp({ showGlobalOptions: true });
  const print = (c: Conn, value: unknown, text: string): void => io.out(c.json ? `${JSON.stringify(value, null, 2)}\n` : text);

  const app = connected(program.command('app').description('manage apps (name, task or model, SLO, accuracy, load, share)'));
  app
    .command('list')
    .description("list the caller's apps (admin: all, or --tenant)")
    .option('--tenant <name>', 'admin only: one tenant')
    .action(async (o: { tenant?: string }, cmd: Command) => {
      const c = connOf(cmd);
      const res = await call<{ apps: AppJson[] }>(c, 'GET', `/v2/apps${tenantQuery(o.tenant)}`);
      print(c, res, appTable(res.apps));
    });
  app
    .command('get <name>')
    .description('show one app')
    .option('--tenant <name>', "admin only: the app's tenant")
    .action(async (name: string, o: { tenant?: string }, cmd: Command) => {
      const c = connOf(cmd);
      const res = await call<AppJson>(c, 'GET', `/v2/apps/${seg(name)}${tenantQuery(o.tenant)}`);
      print(c, res, appTable([res]));
    });
  app
    .command('put [name]')
    .description('create or replace an app from flags, or every app of a YAML file (--file)')
    .option('--file <path>', 'YAML/JSON file: one app, or {apps: [...]}')
    .option('--task <task>', 'serve a task (Tessera picks the model variant)')
    .option('--model <model>', 'serve a fixed model')
    .option('--model-version <v>', 'fixed model version (with --model)')
    .option('--slo-ms <ms>', 'latency objective, ms', number(0, true))
    .option('--percentile <p>', 'SLO percentile, 50..100 (default 99)', number(50))
    .option('--min-accuracy <a>', 'lowest accuracy of a variant, 0..1 (default 0)', number(0))
    .option('--rate <r>', 'expected requests per second (default 0)', number(0))
    .option('--weight <w>', 'share weight (default 1)', number(0, true))
    .option('--priority <p>', 'priority class, 0 = most important (default 1)', number(0))
    .addOption(new Option('--overload <policy>', 'when the SLO cannot be met (default reject)').choices(['reject', 'best-effort']))
    .option('--tenant <name>', "admin only: the app's tenant")
    .action(async (name: string | undefined, o: Record<string, unknown>, cmd: Command) => {
      const c = connOf(cmd);
      if ((o['file'] === undefined) === (name === undefined)) throw new Error('give an app NAME with flags, or --file');
      const bodies = o['file'] === undefined ? [{ ...appOfFlags(o), name }] : appsOfFile(o['file'] as string);
      const results: AppJson[] = [];
      for (const body of bodies) {
        results.push(await call<AppJson>(c, 'PUT', `/v2/apps/${seg(String(body['name']))}${tenantQuery(o['tenant'])}`, body));
      }
      print(c, results.length === 1 ? results[0] : { apps: results }, appTable(results));
    });
  app
    .command('delete <name>')
    .description('delete an app')
    .option('--tenant <name>', "admin only: the app's tenant")
    .action(async (name: string, o: { tenant?: string }, cmd: Command) => {
      const c = connOf(cmd);
      const res = await call<unknown>(c, 'DELETE', `/v2/apps/${seg(name)}${tenantQuery(o.tenant)}`);
      print(c, res, `deleted app ${name}\n`);
    });

  const tenant = connected(program.command('tenant').description('manage tenants and their API keys (admin key)'));
  tenant
    .command('create <name>')
    .description('create a tenant')
    .option('--weight <w>', 'share weight of the tenant (default 1)', number(0, true))
    .action(async (name: string, o: { weight?: number }, cmd: Command) => {
      const c = connOf(cmd);
      const res = await call<TenantJson>(c, 'POST', '/v2/tenants', { name, ...(o.weight === undefined ? {} : { weight: o.weight }) });
      print(c, res, `created tenant ${res.name} (weight ${res.weight}); make it a key with 'tessera tenant key create ${res.name}'\n`);
    });
  tenant
    .command('list')
    .description('list tenants and their key ids')
    .action(async (_o: unknown, cmd: Command) => {
      const c = connOf(cmd);
      const res = await call<{ tenants: (TenantJson & { keys: { id: string }[] })[] }>(c, 'GET', '/v2/tenants');
      print(c, res, table(['NAME', 'WEIGHT', 'KEYS'], res.tenants.map((t) => [t.name, String(t.weight), t.keys.map((k) => k.id).join(',')])));
    });
  tenant
    .command('delete <name>')
    .description('delete a tenant, its keys and its apps')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const c = connOf(cmd);
      const res = await call<{ deleted_apps: number }>(c, 'DELETE', `/v2/tenants/${seg(name)}`);
      print(c, res, `deleted tenant ${name} and its ${res.deleted_apps} app(s)\n`);
    });

  const key = tenant.command('key').description("create and revoke a tenant's API keys");
  key
    .command('create <tenant>')
    .description('create an API key (shown once)')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const c = connOf(cmd);
      const res = await call<{ id: string; key: string }>(c, 'POST', `/v2/tenants/${seg(name)}/keys`);
      print(c, res, `key id: ${res.id}\nkey:    ${res.key}\n(shown once: store it now)\n`);
    });
  key
    .command('revoke <tenant> <id>')
    .description('revoke an API key by its id')
    .action(async (name: string, id: string, _o: unknown, cmd: Command) => {
      const c = connOf(cmd);
      const res = await call<unknown>(c, 'DELETE', `/v2/tenants/${seg(name)}/keys/${seg(id)}`);
      print(c, res, `revoked key ${id}\n`);
    });
}
