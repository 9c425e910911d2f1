// Profiles on disk: <stateDir>/profiles/<model>/<version>/<kind>.json (one ModelProfile), and
// <repository>/<model>/<version>/profile.json (a JSON array, one ModelProfile per kind) so a profile travels with its model. Writes are atomic; unreadable files are ignored
// with a reason, never fatal; a read-only repository only loses its copy.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ServingError } from '../core/errors.js';
import type { ExecutorKind, ModelProfile } from './profile.js';
import { checkProfile } from './profile-schema.js';
import { type ProfilerLogger, silentLogger } from './profiler-logger.js';

/** Name of the profile file beside model.onnx in a repository version directory: a JSON array of ModelProfile. */
export const REPOSITORY_PROFILE_FILE = 'profile.json';

export interface ProfileStoreOptions {
  readonly stateDir: string;
  /** Model repository root; absent: profiles are kept in the state directory only. */
  readonly repositoryDir?: string;
  readonly logger?: ProfilerLogger;
}

export interface IgnoredProfile {
  readonly path: string;
  readonly reason: string;
}

export interface ProfileLookup {
  /** The newest profile per (version, executor kind), versions ascending. */
  readonly profiles: ModelProfile[];
  /** Files (or entries of a file) that were skipped, and why. */
  readonly ignored: IgnoredProfile[];
}

export interface SaveResult {
  readonly statePath: string;
  /** Absent when there is no repository or its copy could not be written (see warnings). */
  readonly repositoryPath?: string;
  readonly warnings: string[];
}

export class ProfileStore {
  readonly stateDir: string;
  readonly repositoryDir: string | undefined;
  private readonly logger: ProfilerLogger;

  constructor(options: ProfileStoreOptions) {
    this.stateDir = resolve(options.stateDir);
    this.repositoryDir = options.repositoryDir === undefined ? undefined : resolve(options.repositoryDir);
    this.logger = options.logger ?? silentLogger;
  }

  statePath(model: string, version: string, kind: ExecutorKind): string {
    return join(this.stateDir, 'profiles', safeSegment(model), safeSegment(version), `${kind}.json`);
  }

  repositoryPath(model: string, version: string): string | undefined {
    if (this.repositoryDir === undefined) return undefined;
    return join(this.repositoryDir, safeSegment(model), safeSegment(version), REPOSITORY_PROFILE_FILE);
  }

  /** Write both copies. Rejects only when the state-directory copy cannot be written. */
  async save(profile: ModelProfile): Promise<SaveResult> {
    const statePath = this.statePath(profile.model, profile.version, profile.executorKind);
    await mkdir(join(statePath, '..'), { recursive: true });
    await writeAtomic(statePath, `${JSON.stringify(profile, null, 2)}\n`);
    const repoPath = this.repositoryPath(profile.model, profile.version);
    if (repoPath === undefined) return { statePath, warnings: [] };
    try {
      const { profiles } = await this.readRepositoryFile(repoPath, profile.model, profile.version);
      const kept = profiles.filter((p) => p.executorKind !== profile.executorKind);
      await writeAtomic(repoPath, `${JSON.stringify([...kept, profile], null, 2)}\n`);
      return { statePath, repositoryPath: repoPath, warnings: [] };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const why = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'the repository is read-only' : (err as Error).message;
      const warning = `profile of ${profile.model}@${profile.version} kept in the state directory only: ${why}`;
      this.logger.warn({ path: repoPath, err: (err as Error).message }, warning);
      return { statePath, warnings: [warning] };
    }
  }

  /** The newest stored profile of each executor kind for one version. */
  async get(model: string, version: string): Promise<ProfileLookup> {
    const ignored: IgnoredProfile[] = [];
    const found: ModelProfile[] = [];
    for (const kind of ['cpu', 'gpu'] as const) {
      const path = this.statePath(model, version, kind);
      const text = await readOptional(path, ignored);
      if (text === undefined) continue;
      const profile = parseProfile(text, path, ignored);
      if (profile !== undefined) found.push(relabel(profile, model, version));
    }
    const repoPath = this.repositoryPath(model, version);
    if (repoPath !== undefined) {
      const repo = await this.readRepositoryFile(repoPath, model, version);
      found.push(...repo.profiles);
      ignored.push(...repo.ignored);
    }
    for (const i of ignored) this.logger.warn({ path: i.path, reason: i.reason }, 'stored profile ignored');
    return { profiles: newestPerKind(found), ignored };
  }

  /** The newest stored profile of one executor kind, if any. */
  async getKind(model: string, version: string, kind: ExecutorKind): Promise<ModelProfile | undefined> {
    return (await this.get(model, version)).profiles.find((p) => p.executorKind === kind);
  }

  /** Every stored version of a model (state directory and repository), newest profile per kind. */
  async forModel(model: string): Promise<ProfileLookup> {
    const versions = new Set<string>(await listDirs(join(this.stateDir, 'profiles', safeSegment(model))));
    if (this.repositoryDir !== undefined) {
      for (const v of await listDirs(join(this.repositoryDir, safeSegment(model)))) if (/^[0-9]+$/.test(v)) versions.add(v);
    }
    const result: ProfileLookup = { profiles: [], ignored: [] };
    for (const v of [...versions].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))) {
      const one = await this.get(model, v);
      result.profiles.push(...one.profiles);
      result.ignored.push(...one.ignored);
    }
    return result;
  }

  private async readRepositoryFile(path: string, model: string, version: string): Promise<{ profiles: ModelProfile[]; ignored: IgnoredProfile[] }> {
    const ignored: IgnoredProfile[] = [];
    const text = await readOptional(path, ignored);
    if (text === undefined) return { profiles: [], ignored };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      ignored.push({ path, reason: `not valid JSON: ${(err as Error).message}` });
      return { profiles: [], ignored };
    }
    // A lone profile object (hand-written, or one kind) is accepted as well as the array this store writes.
    const entries: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    const profiles: ModelProfile[] = [];
    for (const [i, entry] of entries.entries()) {
      const checked = checkProfile(entry);
      if (checked.ok) profiles.push(relabel(checked.profile, model, version));
      else ignored.push({ path: Array.isArray(parsed) ? `${path}#${i}` : path, reason: checked.reason });
    }
    return { profiles, ignored };
  }
}

/** A model or version name used as one path segment; anything that could escape the directory is refused. */
function safeSegment(name: string): string {
  if (name === '' || name.startsWith('.') || /[/\\\0]/.test(name)) {
    throw new ServingError('INVALID_ARGUMENT', `'${name}' cannot name a profile directory`);
  }
  return name;
}

function parseProfile(text: string, path: string, ignored: IgnoredProfile[]): ModelProfile | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    ignored.push({ path, reason: `not valid JSON: ${(err as Error).message}` });
    return undefined;
  }
  const checked = checkProfile(parsed);
  if (checked.ok) return checked.profile;
  ignored.push({ path, reason: checked.reason });
  return undefined;
}

/** A profile is about the file where it lies: a repository copied under a new name keeps its profiles. */
function relabel(profile: ModelProfile, model: string, version: string): ModelProfile {
  return profile.model === model && profile.version === version ? profile : { ...profile, model, version };
}

function newestPerKind(profiles: readonly ModelProfile[]): ModelProfile[] {
  const best = new Map<ExecutorKind, ModelProfile>();
  for (const p of profiles) {
    const current = best.get(p.executorKind);
    // Strictly newer wins, so on a tie the state-directory copy (listed first) is kept.
    if (current === undefined || Date.parse(p.createdAt) > Date.parse(current.createdAt)) best.set(p.executorKind, p);
  }
  return [...best.values()].sort((a, b) => a.executorKind.localeCompare(b.executorKind));
}

/** The file's text; undefined when it is missing or unreadable (the latter noted in `ignored`). */
async function readOptional(path: string, ignored: IgnoredProfile[]): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') ignored.push({ path, reason: `unreadable: ${(err as Error).message}` });
    return undefined;
  }
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch {
    return [];
  }
}

/** Readers never see a half-written file: write a temporary sibling, then rename it over the target. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
