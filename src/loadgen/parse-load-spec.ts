// Validates a JSON/YAML load spec into a LoadSpec; errors are INVALID_ARGUMENT naming the field (`spec.apps[1].sloMs`).

import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ServingError } from '../core/errors.js';
import type { Parameters } from '../core/inference.js';
import { type NumberRule, asArray, asNumber, asObject, asOneOf, asString, invalid, onlyKeys } from '../sim/input-fields.js';
import { parseArrival } from '../sim/workload.js';
import type { AppLoad, Encoding, LoadArrival, LoadSpec, Protocol } from './load-spec.js';
import { parseTarget } from './target.js';
import { traceTimesByApp } from './trace-arrivals.js';

const SPEC_KEYS = ['url', 'grpcUrl', 'protocol', 'durationS', 'warmupS', 'seed', 'requestTimeoutMs', 'maxOutstanding', 'connections', 'encoding', 'trace', 'apps'];
const APP_KEYS = [
  'name', 'target', 'arrival', 'protocol', 'sloMs', 'minAccuracy', 'timeoutUs', 'priority', 'parameters',
  'shapeModel', 'inputShapes', 'rows', 'key', 'keyEnv', 'encoding', 'maxOutstanding',
];
const PROTOCOLS: readonly Protocol[] = ['http', 'grpc'];
const ENCODINGS: readonly Encoding[] = ['auto', 'json', 'binary'];
/** Env variable holding the bearer key of apps that name none. */
export const DEFAULT_KEY_ENV = 'TESSERA_API_KEY';

export interface ParseLoadSpecOptions {
  /** Trace files are resolved against this folder; default the working directory. */
  readonly baseDir?: string;
  /** Where `keyEnv` and TESSERA_API_KEY are read; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Reads a spec file: JSON for .json, YAML otherwise; a trace file it names is relative to it. */
export function readLoadSpecFile(path: string, env?: Readonly<Record<string, string | undefined>>): LoadSpec {
  const text = readText(path, '--spec');
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ServingError('INVALID_ARGUMENT', `--spec: '${path}' does not parse: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseLoadSpec(value, { baseDir: dirname(resolve(path)), ...(env === undefined ? {} : { env }) });
}

export function parseLoadSpec(value: unknown, options: ParseLoadSpecOptions = {}): LoadSpec {
  const path = 'spec';
  const o = asObject(value, path);
  onlyKeys(o, path, SPEC_KEYS);
  const opt = <T>(key: string, read: (v: unknown, p: string) => T): T | undefined => (o[key] === undefined ? undefined : read(o[key], `${path}.${key}`));
  const num = (rule: NumberRule) => (v: unknown, p: string) => asNumber(v, p, rule);
  const trace = opt('trace', (v, p) => readTrace(v, p, options.baseDir ?? process.cwd()));
  const apps = asArray(o['apps'], `${path}.apps`).map((a, i) => parseApp(a, `${path}.apps[${i}]`, trace, options.env ?? process.env));
  if (apps.length === 0) invalid(`${path}.apps`, 'needs at least one app');
  const names = new Set<string>();
  apps.forEach((a, i) => {
    if (names.has(a.name)) invalid(`${path}.apps[${i}].name`, `'${a.name}' is used twice`);
    names.add(a.name);
  });
  if (trace !== undefined) {
    const traced = new Set(apps.filter((a) => a.arrival.kind === 'replay' && trace.has(a.name)).map((a) => a.name));
    const stray = [...trace.keys()].filter((app) => !traced.has(app));
    if (stray.length > 0) invalid(`${path}.trace`, `rows name apps without arrival {kind: trace}: ${stray.join(', ')}`);
  }
  const durationS = asNumber(o['durationS'], `${path}.durationS`, { above: 0 });
  const warmupS = opt('warmupS', num({ min: 0 }));
  if (warmupS !== undefined && warmupS >= durationS) invalid(`${path}.warmupS`, `must be below durationS (${durationS})`);
  const spec: LoadSpec = {
    ...defined('url', opt('url', asString)),
    ...defined('grpcUrl', opt('grpcUrl', asString)),
    ...defined('protocol', opt('protocol', (v, p) => asOneOf(v, p, PROTOCOLS))),
    durationS,
    ...defined('warmupS', warmupS),
    ...defined('seed', opt('seed', num({ min: 0, integer: true }))),
    ...defined('requestTimeoutMs', opt('requestTimeoutMs', num({ above: 0 }))),
    ...defined('maxOutstanding', opt('maxOutstanding', num({ min: 1, integer: true }))),
    ...defined('connections', opt('connections', num({ min: 1, integer: true }))),
    ...defined('encoding', opt('encoding', (v, p) => asOneOf(v, p, ENCODINGS))),
    apps,
  };
  return spec;
}

/** `{key: value}` when value is defined, `{}` otherwise (exactOptionalPropertyTypes forbids explicit undefined). */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readText(path: string, where: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ServingError('INVALID_ARGUMENT', `${where}: cannot read '${path}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readTrace(value: unknown, path: string, baseDir: string): Map<string, number[]> {
  const t = asObject(value, path);
  onlyKeys(t, path, ['file', 'timeScale']);
  const file = resolve(baseDir, asString(t['file'], `${path}.file`));
  const timeScale = t['timeScale'] === undefined ? 1 : asNumber(t['timeScale'], `${path}.timeScale`, { above: 0 });
  return traceTimesByApp(readText(file, `${path}.file`), file, timeScale);
}

function parseApp(value: unknown, path: string, trace: Map<string, number[]> | undefined, env: Readonly<Record<string, string | undefined>>): AppLoad {
  const o = asObject(value, path);
  onlyKeys(o, path, APP_KEYS);
  const opt = <T>(key: string, read: (v: unknown, p: string) => T): T | undefined => (o[key] === undefined ? undefined : read(o[key], `${path}.${key}`));
  const num = (rule: NumberRule) => (v: unknown, p: string) => asNumber(v, p, rule);
  const name = asString(o['name'], `${path}.name`);
  const target = parseTarget(asString(o['target'], `${path}.target`), `${path}.target`);
  const keyEnv = opt('keyEnv', asString);
  if (keyEnv !== undefined && env[keyEnv] === undefined) invalid(`${path}.keyEnv`, `environment variable ${keyEnv} is not set`);
  const key = opt('key', asString) ?? (keyEnv === undefined ? env[DEFAULT_KEY_ENV] : env[keyEnv]);
  return {
    name,
    target,
    arrival: parseLoadArrival(o['arrival'], `${path}.arrival`, name, trace),
    ...defined('protocol', opt('protocol', (v, p) => asOneOf(v, p, PROTOCOLS))),
    ...defined('sloMs', opt('sloMs', num({ above: 0 }))),
    ...defined('minAccuracy', opt('minAccuracy', num({ min: 0 }))),
    ...defined('timeoutUs', opt('timeoutUs', num({ above: 0, integer: true }))),
    ...defined('priority', opt('priority', num({ min: 0, integer: true }))),
    ...defined('parameters', opt('parameters', parseParameters)),
    ...defined('shapeModel', opt('shapeModel', asString)),
    ...defined('inputShapes', opt('inputShapes', parseShapes)),
    ...defined('rows', opt('rows', num({ min: 1, integer: true }))),
    ...defined('key', key === '' ? undefined : key),
    ...defined('encoding', opt('encoding', (v, p) => asOneOf(v, p, ENCODINGS))),
    ...defined('maxOutstanding', opt('maxOutstanding', num({ min: 1, integer: true }))),
  };
}

export function parseLoadArrival(value: unknown, path: string, app: string, trace?: Map<string, number[]>): LoadArrival {
  const o = asObject(value, path);
  switch (o['kind']) {
    case 'closed': {
      onlyKeys(o, path, ['kind', 'clients', 'thinkMs']);
      const clients = asNumber(o['clients'], `${path}.clients`, { min: 1, integer: true });
      if (o['thinkMs'] === undefined) return { kind: 'closed', clients };
      return { kind: 'closed', clients, thinkMs: asNumber(o['thinkMs'], `${path}.thinkMs`, { min: 0 }) };
    }
    case 'trace': {
      onlyKeys(o, path, ['kind']);
      if (trace === undefined) invalid(path, 'kind trace needs a top-level trace: {file}');
      const timesMs = trace.get(app);
      if (timesMs === undefined) invalid(path, `the trace has no row for app '${app}'`);
      return { kind: 'replay', timesMs };
    }
    case 'diurnal': {
      // `shape` is ours; the simulator's parser checks the rest.
      const { shape, ...rest } = o;
      const base = parseArrival(rest, path);
      if (shape === undefined || base.kind !== 'diurnal') return base;
      return { ...base, shape: asOneOf(shape, `${path}.shape`, ['sine', 'linear'] as const) };
    }
    default:
      return parseArrival(o, path);
  }
}

function parseParameters(value: unknown, path: string): Parameters {
  const o = asObject(value, path);
  const out: Parameters = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') invalid(`${path}.${k}`, 'expected a string, number or boolean');
    out[k] = v;
  }
  return out;
}

function parseShapes(value: unknown, path: string): Record<string, number[]> {
  const o = asObject(value, path);
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = asArray(v, `${path}.${k}`).map((d, i) => asNumber(d, `${path}.${k}[${i}]`, { min: 0, integer: true }));
  }
  return out;
}
