// Tenants and their API keys, persisted in <stateDir>/tenants.json (keys only as SHA-256 hashes), plus the admin key.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_TENANT, type Tenant } from '../core/app.js';
import { parseTenant, tenantToJson } from '../core/app-validation.js';
import { ServingError, toServingError } from '../core/errors.js';
import { SerialQueue, corruptStateFile, readStateFile, writeStateFile } from './state-file.js';

/** Who sent a request. The admin key (and everyone when auth is disabled) acts as DEFAULT_TENANT with admin rights. */
export interface Caller {
  readonly tenant: string;
  readonly admin: boolean;
}

export interface ApiKeyInfo {
  readonly id: string;
  readonly tenant: string;
  readonly createdAt: string;
}

export type TenantChange = { readonly type: 'put' | 'delete'; readonly tenant: Tenant };

export interface TenantRegistryOptions {
  /** The admin key; else env TESSERA_ADMIN_KEY; else <stateDir>/admin.key, generated (mode 0600) on first start. */
  readonly adminKey?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

interface StoredKey extends ApiKeyInfo {
  /** Hex SHA-256 of the key. A plain hash suffices: keys carry 256 random bits, so there is nothing to brute-force. */
  readonly sha256: string;
}

const FILE_VERSION = 1;
const KEY_BYTES = 32;
const MIN_ADMIN_KEY_CHARS = 16;
const TENANT_KEY_PREFIX = 'tsk_';
const ADMIN_KEY_PREFIX = 'tsa_';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const newSecret = (prefix: string): string => `${prefix}${randomBytes(KEY_BYTES).toString('base64url')}`;

export class TenantRegistry {
  private tenants: ReadonlyMap<string, Tenant>;
  private keys: readonly StoredKey[];
  private readonly listeners = new Set<(change: TenantChange) => void>();
  private readonly writes = new SerialQueue();

  private constructor(
    readonly path: string,
    state: { tenants: ReadonlyMap<string, Tenant>; keys: readonly StoredKey[] },
    private readonly adminHash: Buffer,
    /** Where the admin key came from; `adminKeyPath` is set when it lives in a file (log the path, never the key). */
    readonly adminKeySource: 'option' | 'env' | 'file' | 'generated',
    readonly adminKeyPath: string | undefined,
    private readonly logger: Pick<Logger, 'info' | 'warn'> | undefined,
  ) {
    this.tenants = state.tenants;
    this.keys = state.keys;
  }

  static async open(stateDir: string, options: TenantRegistryOptions = {}): Promise<TenantRegistry> {
    await mkdir(stateDir, { recursive: true });
    const path = join(stateDir, 'tenants.json');
    const data = await readStateFile(path);
    const state = data === undefined ? { tenants: new Map<string, Tenant>(), keys: [] } : stateFromFile(path, data);
    if (!state.tenants.has(DEFAULT_TENANT)) state.tenants.set(DEFAULT_TENANT, { name: DEFAULT_TENANT, weight: 1 });
    const admin = await resolveAdminKey(stateDir, options);
    return new TenantRegistry(path, state, sha256(admin.key), admin.source, admin.path, options.logger);
  }

  listTenants(): Tenant[] {
    return [...this.tenants.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  getTenant(name: string): Tenant | undefined {
    return this.tenants.get(name);
  }

  /** ALREADY_EXISTS when the name is taken. */
  async createTenant(tenant: Tenant): Promise<Tenant> {
    const valid = parseTenant(tenantToJson(tenant));
    await this.mutate((tenants) => {
      if (tenants.has(valid.name)) throw new ServingError('ALREADY_EXISTS', `tenant '${valid.name}' already exists`);
      tenants.set(valid.name, valid);
      return [{ type: 'put', tenant: valid }];
    });
    return valid;
  }

  /** Creates or updates (weight) a tenant; used when applying a YAML file at start. */
  async putTenant(tenant: Tenant): Promise<{ created: boolean }> {
    const valid = parseTenant(tenantToJson(tenant));
    let created = false;
    await this.mutate((tenants) => {
      created = !tenants.has(valid.name);
      tenants.set(valid.name, valid);
      return [{ type: 'put', tenant: valid }];
    });
    return { created };
  }

  /** Removes the tenant and all its keys; false when there was none. The default tenant cannot be deleted. */
  async deleteTenant(name: string): Promise<boolean> {
    if (name === DEFAULT_TENANT) throw new ServingError('FAILED_PRECONDITION', `the '${DEFAULT_TENANT}' tenant cannot be deleted`);
    const changes = await this.mutate((tenants, keys) => {
      const tenant = tenants.get(name);
      if (tenant === undefined) return [];
      tenants.delete(name);
      keys.splice(0, keys.length, ...keys.filter((k) => k.tenant !== name));
      return [{ type: 'delete', tenant }];
    });
    return changes.length > 0;
  }

  listKeys(tenant?: string): ApiKeyInfo[] {
    return this.keys.filter((k) => tenant === undefined || k.tenant === tenant).map(({ id, tenant: t, createdAt }) => ({ id, tenant: t, createdAt }));
  }

  /** A new key for the tenant. The clear key is returned only here; the registry keeps its hash. */
  async createKey(tenant: string): Promise<{ id: string; key: string }> {
    const secret = newSecret(TENANT_KEY_PREFIX);
    let id = '';
    await this.mutate((tenants, keys) => {
      if (!tenants.has(tenant)) throw new ServingError('NOT_FOUND', `no tenant '${tenant}'`);
      do id = `k_${randomBytes(6).toString('hex')}`;
      while (keys.some((k) => k.id === id));
      keys.push({ id, tenant, createdAt: new Date().toISOString(), sha256: sha256(secret).toString('hex') });
      return [];
    });
    return { id, key: secret };
  }

  /** False when no such key (or, with `tenant`, when the key belongs to another tenant). */
  async revokeKey(id: string, tenant?: string): Promise<boolean> {
    let found = false;
    await this.mutate((_tenants, keys) => {
      const i = keys.findIndex((k) => k.id === id && (tenant === undefined || k.tenant === tenant));
      found = i >= 0;
      if (found) keys.splice(i, 1);
      return [];
    });
    return found;
  }

  /** The caller a bearer key stands for, or undefined. Compares hashes in constant time and checks every key. */
  authenticate(bearer: string): Caller | undefined {
    const hash = sha256(bearer);
    let caller: Caller | undefined = timingSafeEqual(hash, this.adminHash) ? { tenant: DEFAULT_TENANT, admin: true } : undefined;
    for (const k of this.keys) {
      const stored = Buffer.from(k.sha256, 'hex');
      if (timingSafeEqual(hash, stored) && caller === undefined) caller = { tenant: k.tenant, admin: false };
    }
    return caller;
  }

  onChange(listener: (change: TenantChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: TenantChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        // Already persisted: a failing listener must not turn the change into an error for the caller.
        this.logger?.warn({ err, tenant: change.tenant.name }, 'tenant change listener failed');
      }
    }
  }

  private mutate(change: (tenants: Map<string, Tenant>, keys: StoredKey[]) => TenantChange[]): Promise<TenantChange[]> {
    return this.writes.run(async () => {
      const tenants = new Map(this.tenants);
      const keys = [...this.keys];
      const changes = change(tenants, keys);
      await writeStateFile(
        this.path,
        {
          version: FILE_VERSION,
          tenants: [...tenants.values()].map(tenantToJson),
          keys: keys.map((k) => ({ id: k.id, tenant: k.tenant, created_at: k.createdAt, sha256: k.sha256 })),
        },
        0o600,
      );
      this.tenants = tenants;
      this.keys = keys;
      for (const c of changes) this.emit(c);
      return changes;
    });
  }
}

function stateFromFile(path: string, data: unknown): { tenants: Map<string, Tenant>; keys: StoredKey[] } {
  const o = data as { version?: unknown; tenants?: unknown; keys?: unknown } | null;
  if (o === null || typeof o !== 'object' || o.version !== FILE_VERSION || !Array.isArray(o.tenants) || !Array.isArray(o.keys)) {
    throw corruptStateFile(path, `expected {"version": ${FILE_VERSION}, "tenants": [...], "keys": [...]}`);
  }
  const tenants = new Map<string, Tenant>();
  o.tenants.forEach((entry: unknown, i) => {
    let t: Tenant;
    try {
      t = parseTenant(entry);
    } catch (err) {
      throw corruptStateFile(path, `tenants[${i}]: ${toServingError(err).message}`);
    }
    tenants.set(t.name, t);
  });
  const keys = o.keys.map((entry: unknown, i): StoredKey => {
    const k = (entry ?? {}) as Record<string, unknown>;
    const ok =
      typeof k['id'] === 'string' &&
      typeof k['tenant'] === 'string' &&
      tenants.has(k['tenant']) &&
      typeof k['created_at'] === 'string' &&
      typeof k['sha256'] === 'string' &&
      /^[0-9a-f]{64}$/.test(k['sha256']);
    if (!ok) throw corruptStateFile(path, `keys[${i}] is not {id, tenant (a known tenant), created_at, sha256 (64 hex)}`);
    return { id: k['id'] as string, tenant: k['tenant'] as string, createdAt: k['created_at'] as string, sha256: k['sha256'] as string };
  });
  return { tenants, keys };
}

async function resolveAdminKey(
  stateDir: string,
  o: TenantRegistryOptions,
): Promise<{ key: string; source: 'option' | 'env' | 'file' | 'generated'; path?: string }> {
  const given = o.adminKey ?? (o.env ?? process.env)['TESSERA_ADMIN_KEY'];
  if (given !== undefined && given !== '') {
    if (given.length < MIN_ADMIN_KEY_CHARS) {
      throw new ServingError('INVALID_ARGUMENT', `the admin key must have at least ${MIN_ADMIN_KEY_CHARS} characters`);
    }
    return { key: given, source: o.adminKey !== undefined ? 'option' : 'env' };
  }
  const path = join(stateDir, 'admin.key');
  try {
    const key = (await readFile(path, 'utf8')).trim();
    if (key.length < MIN_ADMIN_KEY_CHARS) throw corruptStateFile(path, `an admin key needs at least ${MIN_ADMIN_KEY_CHARS} characters`);
    if (((await stat(path)).mode & 0o077) !== 0) o.logger?.warn({ path }, 'the admin key file is readable by other users; chmod 600 it');
    o.logger?.info({ path }, 'admin API key read from file');
    return { key, source: 'file', path };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = newSecret(ADMIN_KEY_PREFIX);
  // 'wx': never overwrite a key another process wrote meanwhile.
  await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  o.logger?.info({ path }, 'generated an admin API key (first start); read it from this file');
  return { key, source: 'generated', path };
}
