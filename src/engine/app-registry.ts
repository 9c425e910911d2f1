// Registered apps, per tenant, persisted in <stateDir>/apps.json (atomic writes); listeners learn of every change.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_TENANT, type AppSpec, type Tenant } from '../core/app.js';
import { appToJson, parseAppSpec, parseTenant } from '../core/app-validation.js';
import { ServingError, toServingError } from '../core/errors.js';
import { SerialQueue, corruptStateFile, readStateFile, writeStateFile } from './state-file.js';

export type AppChange =
  | { readonly type: 'put'; readonly app: AppSpec; readonly previous?: AppSpec }
  | { readonly type: 'delete'; readonly app: AppSpec };

export type AppChangeListener = (change: AppChange) => void;

/** What loadYaml needs of the tenant registry (kept structural so the two registries stay independent). */
export interface TenantSink {
  getTenant(name: string): Tenant | undefined;
  putTenant(tenant: Tenant): Promise<{ created: boolean }>;
}

const FILE_VERSION = 1;
const key = (tenant: string, name: string): string => `${tenant}/${name}`;
const byTenantThenName = (a: AppSpec, b: AppSpec): number => a.tenant.localeCompare(b.tenant) || a.name.localeCompare(b.name);

export class AppRegistry {
  private apps: ReadonlyMap<string, AppSpec>;
  private readonly listeners = new Set<AppChangeListener>();
  private readonly writes = new SerialQueue();

  private constructor(
    readonly path: string,
    apps: ReadonlyMap<string, AppSpec>,
    private readonly logger: Pick<Logger, 'error'> | undefined,
  ) {
    this.apps = apps;
  }

  /** Loads <stateDir>/apps.json (absent: no apps). A corrupt or invalid file is an error: apps are never silently dropped. */
  static async open(stateDir: string, options: { logger?: Pick<Logger, 'error'> } = {}): Promise<AppRegistry> {
    await mkdir(stateDir, { recursive: true });
    const path = join(stateDir, 'apps.json');
    const data = await readStateFile(path);
    return new AppRegistry(path, data === undefined ? new Map() : appsFromFile(path, data), options.logger);
  }

  /** Every app, or one tenant's, sorted by tenant then name. */
  list(tenant?: string): AppSpec[] {
    return [...this.apps.values()].filter((a) => tenant === undefined || a.tenant === tenant).sort(byTenantThenName);
  }

  get(tenant: string, name: string): AppSpec | undefined {
    return this.apps.get(key(tenant, name));
  }

  /** Creates or replaces the app (validated again, so the file only ever holds valid apps). */
  async put(app: AppSpec): Promise<{ created: boolean }> {
    const valid = parseAppSpec(appToJson(app), app.tenant);
    const [change] = await this.mutate((next) => {
      const previous = next.get(key(valid.tenant, valid.name));
      next.set(key(valid.tenant, valid.name), valid);
      return [previous === undefined ? { type: 'put', app: valid } : { type: 'put', app: valid, previous }];
    });
    return { created: change?.type === 'put' && change.previous === undefined };
  }

  /** False when there was no such app. */
  async delete(tenant: string, name: string): Promise<boolean> {
    const changes = await this.mutate((next) => {
      const app = next.get(key(tenant, name));
      if (app === undefined) return [];
      next.delete(key(tenant, name));
      return [{ type: 'delete', app }];
    });
    return changes.length > 0;
  }

  /** Deletes every app of a tenant (when the tenant goes); returns how many. */
  async deleteTenantApps(tenant: string): Promise<number> {
    const changes = await this.mutate((next) => {
      const gone = [...next.values()].filter((a) => a.tenant === tenant);
      for (const app of gone) next.delete(key(app.tenant, app.name));
      return gone.map((app) => ({ type: 'delete', app }) as const);
    });
    return changes.length;
  }

  /**
   * Applies a YAML file of tenants and apps (see docs in the report / README): every entry is validated first,
   * then tenants and apps are created or replaced; apps not in the file are left alone.
   */
  async loadYaml(path: string, tenants?: TenantSink): Promise<{ apps: number; tenants: number }> {
    const doc = parseAppsYaml(path, await readFile(path, 'utf8'));
    if (doc.tenants.length > 0 && tenants === undefined) {
      throw new ServingError('INVALID_ARGUMENT', `${path}: 'tenants' given but no tenant registry to apply them to`);
    }
    if (tenants !== undefined) {
      const declared = new Set(doc.tenants.map((t) => t.name));
      for (const app of doc.apps) {
        if (!declared.has(app.tenant) && tenants.getTenant(app.tenant) === undefined) {
          throw new ServingError('INVALID_ARGUMENT', `${path}: app '${app.name}' names unknown tenant '${app.tenant}'`);
        }
      }
      for (const t of doc.tenants) await tenants.putTenant(t);
    }
    await this.mutate((next) =>
      doc.apps.map((app) => {
        const previous = next.get(key(app.tenant, app.name));
        next.set(key(app.tenant, app.name), app);
        return previous === undefined ? { type: 'put', app } : { type: 'put', app, previous };
      }),
    );
    return { apps: doc.apps.length, tenants: doc.tenants.length };
  }

  /** Called after each change is on disk; returns a function that removes the listener. */
  onChange(listener: AppChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private mutate(change: (next: Map<string, AppSpec>) => AppChange[]): Promise<AppChange[]> {
    return this.writes.run(async () => {
      const next = new Map(this.apps);
      const changes = change(next);
      if (changes.length === 0) return changes;
      await writeStateFile(this.path, { version: FILE_VERSION, apps: [...next.values()].sort(byTenantThenName).map(appToJson) });
      this.apps = next;
      for (const c of changes) this.emit(c);
      return changes;
    });
  }

  private emit(change: AppChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        // The change is already persisted; a failing listener must not turn it into an error for the caller.
        this.logger?.error({ err, app: change.app.name, tenant: change.app.tenant }, 'app change listener failed');
      }
    }
  }
}

function appsFromFile(path: string, data: unknown): Map<string, AppSpec> {
  const o = data as { version?: unknown; apps?: unknown } | null;
  if (o === null || typeof o !== 'object' || o.version !== FILE_VERSION || !Array.isArray(o.apps)) {
    throw corruptStateFile(path, `expected {"version": ${FILE_VERSION}, "apps": [...]}`);
  }
  const apps = new Map<string, AppSpec>();
  o.apps.forEach((entry: unknown, i) => {
    let app: AppSpec;
    try {
      const tenant = (entry as { tenant?: unknown } | null)?.tenant;
      app = parseAppSpec(entry, typeof tenant === 'string' ? tenant : '');
    } catch (err) {
      throw corruptStateFile(path, `apps[${i}]: ${toServingError(err).message}`);
    }
    if (apps.has(key(app.tenant, app.name))) throw corruptStateFile(path, `apps[${i}]: duplicate app '${app.tenant}/${app.name}'`);
    apps.set(key(app.tenant, app.name), app);
  });
  return apps;
}

/** Parses and validates a YAML document `{tenants?: [...], apps?: [...]}`; errors name the file and the entry. */
export function parseAppsYaml(path: string, text: string): { tenants: Tenant[]; apps: AppSpec[] } {
  let doc: unknown;
  try {
    doc = parseYaml(text) as unknown;
  } catch (err) {
    throw new ServingError('INVALID_ARGUMENT', `${path}: not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return { tenants: [], apps: [] };
  const o = doc as Record<string, unknown>;
  if (typeof doc !== 'object' || Array.isArray(doc) || Object.keys(o).some((k) => k !== 'tenants' && k !== 'apps')) {
    throw new ServingError('INVALID_ARGUMENT', `${path}: expected a mapping with 'tenants' and/or 'apps' lists`);
  }
  const list = (field: string): unknown[] => {
    const v = o[field] ?? [];
    if (!Array.isArray(v)) throw new ServingError('INVALID_ARGUMENT', `${path}: '${field}' must be a list`);
    return v;
  };
  const entry = <T>(field: string, i: number, parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      throw new ServingError('INVALID_ARGUMENT', `${path}: ${field}[${i}]: ${toServingError(err).message}`);
    }
  };
  const tenants = list('tenants').map((t, i) => entry('tenants', i, () => parseTenant(t)));
  const apps = list('apps').map((a, i) =>
    entry('apps', i, () => {
      const tenant = (a as { tenant?: unknown } | null)?.tenant;
      return parseAppSpec(a, typeof tenant === 'string' ? tenant : DEFAULT_TENANT);
    }),
  );
  const seen = new Set<string>();
  apps.forEach((app, i) => {
    if (seen.has(key(app.tenant, app.name))) {
      throw new ServingError('INVALID_ARGUMENT', `${path}: apps[${i}]: app '${app.name}' of tenant '${app.tenant}' appears twice`);
    }
    seen.add(key(app.tenant, app.name));
  });
  return { tenants, apps };
}
