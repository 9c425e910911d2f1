// `tessera sim`: read workload, cluster and profile files, run the discrete-event simulator, print tables or JSON.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ServingError } from '../core/errors.js';
import type { ModelProfile } from '../profiler/profile.js';
import { parseCluster } from '../sim/cluster.js';
import { asArray, asNumber, asObject, asString, onlyKeys } from '../sim/input-fields.js';
import { parseProfiles } from '../sim/profile-input.js';
import type { ServiceDistribution } from '../sim/service-time.js';
import { formatSimReport } from '../sim/sim-report.js';
import type { SimResult } from '../sim/sim-result.js';
import { simulate } from '../sim/simulator.js';
import { parseTrace, traceToStreams } from '../sim/trace-replay.js';
import { type Workload, type WorkloadStream, parseWorkload } from '../sim/workload.js';

export interface SimCommandOptions {
  /** Workload JSON/YAML (a Workload, plus optional `traces: [{ file, timeScale? }]`), or a `timestamp_ms,model` CSV trace. */
  readonly workload: string;
  /** Cluster JSON/YAML (a SimCluster). */
  readonly cluster: string;
  /** A ModelProfile JSON file (one profile or an array), or a directory searched recursively for *.json profiles. */
  readonly profiles: string;
  /** Simulated seconds of arrivals; default 60. */
  readonly durationS?: number;
  /** Simulated seconds excluded from the statistics; default 10 % of the duration. */
  readonly warmupS?: number;
  /** Default 1. */
  readonly seed?: number;
  readonly maxRequests?: number;
  /** Service-time spread; default 'gamma' with the measured scv. */
  readonly distribution?: ServiceDistribution;
  /** Print the SimResult as JSON instead of tables. */
  readonly json: boolean;
  /** Where to print; default process.stdout. */
  readonly out?: { write(text: string): unknown };
}

const DEFAULT_DURATION_S = 60;
const DEFAULT_WARMUP_FRACTION = 0.1;

export async function simCommand(o: SimCommandOptions): Promise<SimResult> {
  const cluster = parseCluster(readStructured(o.cluster, '--cluster'), 'cluster');
  const workload = readWorkload(o.workload);
  const profiles = readProfiles(o.profiles);
  const durationMs = (o.durationS ?? DEFAULT_DURATION_S) * 1000;
  const result = simulate(cluster, workload, profiles, {
    durationMs,
    warmupMs: o.warmupS === undefined ? durationMs * DEFAULT_WARMUP_FRACTION : o.warmupS * 1000,
    seed: o.seed ?? 1,
    ...(o.maxRequests === undefined ? {} : { maxRequests: o.maxRequests }),
    ...(o.distribution === undefined ? {} : { service: { distribution: o.distribution } }),
  });
  (o.out ?? process.stdout).write(o.json ? `${JSON.stringify(result, null, 2)}\n` : formatSimReport(result));
  return result;
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ServingError('INVALID_ARGUMENT', `${flag}: cannot read '${path}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** JSON for .json files (sharper error positions), YAML (a superset) for everything else. */
function readStructured(path: string, flag: string): unknown {
  const text = readText(path, flag);
  try {
    return extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ServingError('INVALID_ARGUMENT', `${flag}: '${path}' is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function readWorkload(path: string): Workload {
  if (extname(path).toLowerCase() === '.csv') return { streams: traceToStreams(parseTrace(readText(path, '--workload'), path)) };
  const raw = asObject(readStructured(path, '--workload'), 'workload');
  const { traces, ...rest } = raw;
  const workload = parseWorkload({ streams: [], ...rest }, 'workload');
  if (traces === undefined) return workload;
  const extra: WorkloadStream[] = [];
  asArray(traces, 'workload.traces').forEach((t, i) => {
    const where = `workload.traces[${i}]`;
    const spec = asObject(t, where);
    onlyKeys(spec, where, ['file', 'timeScale']);
    // Trace paths are relative to the workload file, so a workload and its traces move together.
    const file = resolve(dirname(path), asString(spec['file'], `${where}.file`));
    const timeScale = spec['timeScale'] === undefined ? 1 : asNumber(spec['timeScale'], `${where}.timeScale`, { above: 0 });
    extra.push(...traceToStreams(parseTrace(readText(file, `${where}.file`), file), { timeScale }));
  });
  return { ...workload, streams: [...workload.streams, ...extra] };
}

function readProfiles(path: string): ModelProfile[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new ServingError('INVALID_ARGUMENT', `--profiles: cannot read '${path}': ${e instanceof Error ? e.message : String(e)}`);
  }
  const files = isDir ? jsonFilesUnder(path) : [path];
  const profiles = files.flatMap((f) => parseProfiles(readStructured(f, '--profiles'), f));
  if (profiles.length === 0) throw new ServingError('INVALID_ARGUMENT', `--profiles: no profile (*.json) found under '${path}'`);
  return profiles;
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => {
      const p = join(dir, d.name);
      if (d.isDirectory()) return jsonFilesUnder(p);
      return d.isFile() && d.name.endsWith('.json') ? [p] : [];
    });
}
