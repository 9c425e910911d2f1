// Scans a Triton-layout model repository on disk: <root>/<model>/[config.yaml|config.pbtxt] and <version>/model.onnx.

import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ServingError, toServingError } from '../core/errors.js';
import { parseConfigPbtxt } from './config-pbtxt.js';
import { parseConfigYaml } from './config-yaml.js';
import { DEFAULT_VERSION_POLICY, type ModelConfig } from './model-config.js';

export const MODEL_FILE = 'model.onnx';
const YAML_FILE = 'config.yaml';
const PBTXT_FILE = 'config.pbtxt';
/** Positive integer without leading zeros, so "1" and "01" cannot name the same version twice. */
const VERSION_DIR = /^[1-9][0-9]*$/;

export interface RepositoryVersion {
  readonly version: number;
  /** Absolute path of the version's model.onnx. */
  readonly path: string;
}

export interface RepositoryModel {
  readonly name: string;
  /** Absolute path of the model directory. */
  readonly dir: string;
  /** The parsed config, or a default one when `error` is set. */
  readonly config: ModelConfig;
  /** Every version directory holding model.onnx, ascending; the version policy is applied by the caller. */
  readonly versions: readonly RepositoryVersion[];
  readonly warnings: readonly string[];
  /** Why the model cannot be served (e.g. a config that does not parse); the rest of the repository still loads. */
  readonly error?: string;
}

export function defaultModelConfig(name: string): ModelConfig {
  return { name, source: 'none', instance: { kind: 'auto' }, versionPolicy: DEFAULT_VERSION_POLICY };
}

export class ModelRepository {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Every model directory, by name. Throws ServingError NOT_FOUND when the root is missing. */
  async scan(): Promise<RepositoryModel[]> {
    await this.checkRoot();
    const entries = await readdir(this.root);
    const names: string[] = [];
    for (const name of entries.sort()) {
      // Hidden entries (.git, .DS_Store) and plain files at the top level are not models.
      if (!name.startsWith('.') && (await isDirectory(join(this.root, name)))) names.push(name);
    }
    return Promise.all(names.map((name) => this.readModel(name)));
  }

  /** Rescan one model; undefined when there is no such model directory. */
  async get(name: string): Promise<RepositoryModel | undefined> {
    await this.checkRoot();
    if (name === '' || name.startsWith('.') || /[/\\]/.test(name)) return undefined;
    if (!(await isDirectory(join(this.root, name)))) return undefined;
    return this.readModel(name);
  }

  private async checkRoot(): Promise<void> {
    if (!(await isDirectory(this.root))) {
      throw new ServingError('NOT_FOUND', `model repository '${this.root}' does not exist or is not a directory`);
    }
  }

  private async readModel(name: string): Promise<RepositoryModel> {
    const dir = join(this.root, name);
    const warnings: string[] = [];
    let config: ModelConfig;
    let error: string | undefined;
    try {
      config = await this.readConfig(name, dir, warnings);
    } catch (err) {
      config = defaultModelConfig(name);
      error = toServingError(err).message;
    }
    let versions: RepositoryVersion[] = [];
    try {
      versions = await this.readVersions(name, dir, warnings);
    } catch (err) {
      error ??= toServingError(err).message;
    }
    const model = { name, dir, config, versions, warnings };
    return error === undefined ? model : { ...model, error };
  }

  private async readConfig(name: string, dir: string, warnings: string[]): Promise<ModelConfig> {
    const yaml = await readOptional(join(dir, YAML_FILE));
    const pbtxt = await readOptional(join(dir, PBTXT_FILE));
    if (yaml !== undefined) {
      if (pbtxt !== undefined) warnings.push(`${name}: both ${YAML_FILE} and ${PBTXT_FILE} exist; using ${YAML_FILE}`);
      return parseConfigYaml(name, yaml);
    }
    if (pbtxt !== undefined) return parseConfigPbtxt(name, pbtxt, warnings);
    return defaultModelConfig(name);
  }

  private async readVersions(name: string, dir: string, warnings: string[]): Promise<RepositoryVersion[]> {
    const versions: RepositoryVersion[] = [];
    for (const entry of await readdir(dir)) {
      if (!/^[0-9]+$/.test(entry)) continue; // labels, configs and other files live beside versions
      if (!(await isDirectory(join(dir, entry)))) continue;
      if (!VERSION_DIR.test(entry) || !Number.isSafeInteger(Number(entry))) {
        warnings.push(`${name}: directory '${entry}' ignored: versions are positive integers without leading zeros`);
        continue;
      }
      const path = join(dir, entry, MODEL_FILE);
      if (await isFile(path)) versions.push({ version: Number(entry), path });
      else warnings.push(`${name}: version ${entry} skipped: it has no ${MODEL_FILE}`);
    }
    if (versions.length === 0) warnings.push(`${name}: no version directory holds a ${MODEL_FILE}`);
    return versions.sort((a, b) => a.version - b.version);
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await statOrUndefined(path))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await statOrUndefined(path))?.isFile() ?? false;
}

/** stat that follows symlinks (repositories often link versions in) and treats a missing path as absent. */
async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
