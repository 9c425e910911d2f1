// Reads Tessera's own per-model config.yaml into a ModelConfig, rejecting unknown keys and wrong types by name.

import { type Document, LineCounter, isNode, parseDocument } from 'yaml';
import { isDataType } from '../core/datatype.js';
import { ServingError } from '../core/errors.js';
import {
  DEFAULT_VERSION_POLICY,
  type DynamicBatchingConfig,
  type InstanceConfig,
  type InstanceKind,
  type ModelConfig,
  type TensorConfig,
  type VersionPolicy,
} from './model-config.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Path = readonly (string | number)[];
type Mapping = Record<string, unknown>;

const TOP_KEYS = [
  'task',
  'accuracy',
  'description',
  'max_batch_size',
  'dynamic_batching',
  'instance',
  'version_policy',
  'inputs',
  'outputs',
];
const INSTANCE_KINDS: readonly InstanceKind[] = ['auto', 'cpu', 'gpu'];

export function parseConfigYaml(name: string, text: string): ModelConfig {
  const file = `${name}/config.yaml`;
  const lineCounter = new LineCounter();
  // prettyErrors off: the default message spans several lines with a source excerpt; we want one line.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const at = lineCounter.linePos(syntax.pos[0]);
    throw new ServingError('INVALID_ARGUMENT', `${file}:${at.line}:${at.col}: ${syntax.message}`);
  }
  return new YamlConfigReader(file, doc, lineCounter).read(name);
}

/** Walks the plain JS value and, on a bad key, finds its line in the document for the message. */
class YamlConfigReader {
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  read(name: string): ModelConfig {
    const root: unknown = this.doc.toJS() ?? {};
    const top = this.mapping(root, [], TOP_KEYS);
    const cfg: Mutable<ModelConfig> = {
      name,
      source: 'config.yaml',
      instance: { kind: 'auto' },
      versionPolicy: DEFAULT_VERSION_POLICY,
    };
    if (top.task !== undefined) cfg.task = this.string(top.task, ['task']);
    if (top.description !== undefined) cfg.description = this.string(top.description, ['description']);
    if (top.accuracy !== undefined) {
      const acc = top.accuracy;
      if (typeof acc !== 'number' || !(acc >= 0 && acc <= 1)) this.fail(['accuracy'], 'a number between 0 and 1');
      cfg.declaredAccuracy = acc;
    }
    if (top.max_batch_size !== undefined) cfg.maxBatchSize = this.integer(top.max_batch_size, ['max_batch_size'], 0);
    // `dynamic_batching:` with no value still enables it, with defaults.
    if ('dynamic_batching' in top && top.dynamic_batching !== false) {
      cfg.dynamicBatching = this.dynamicBatching(top.dynamic_batching);
    }
    if (top.instance !== undefined) cfg.instance = this.instance(top.instance);
    if (top.version_policy !== undefined) cfg.versionPolicy = this.versionPolicy(top.version_policy);
    if (top.inputs !== undefined) cfg.inputs = this.tensors(top.inputs, 'inputs');
    if (top.outputs !== undefined) cfg.outputs = this.tensors(top.outputs, 'outputs');
    return cfg;
  }

  private dynamicBatching(value: unknown): DynamicBatchingConfig {
    const path = ['dynamic_batching'];
    if (value === null || value === true) return { maxQueueDelayUs: 0, preferredBatchSizes: [] };
    const m = this.mapping(value, path, ['max_queue_delay_us', 'preferred_batch_sizes']);
    return {
      maxQueueDelayUs:
        m.max_queue_delay_us === undefined ? 0 : this.integer(m.max_queue_delay_us, [...path, 'max_queue_delay_us'], 0),
      preferredBatchSizes:
        m.preferred_batch_sizes === undefined
          ? []
          : this.integers(m.preferred_batch_sizes, [...path, 'preferred_batch_sizes'], 1),
    };
  }

  private instance(value: unknown): InstanceConfig {
    const path = ['instance'];
    const m = this.mapping(value, path, ['kind', 'count', 'intra_op_threads']);
    let kind: InstanceKind = 'auto';
    if (m.kind !== undefined) {
      const found = INSTANCE_KINDS.find((k) => k === m.kind);
      if (found === undefined) this.fail([...path, 'kind'], `one of ${INSTANCE_KINDS.join(', ')}`);
      kind = found;
    }
    const out: Mutable<InstanceConfig> = { kind };
    if (m.count !== undefined) out.count = this.integer(m.count, [...path, 'count'], 1);
    if (m.intra_op_threads !== undefined) {
      out.intraOpThreads = this.integer(m.intra_op_threads, [...path, 'intra_op_threads'], 1);
    }
    return out;
  }

  private versionPolicy(value: unknown): VersionPolicy {
    const path = ['version_policy'];
    const m = this.mapping(value, path, ['latest', 'specific', 'all']);
    const keys = Object.keys(m);
    if (keys.length !== 1) this.fail(path, 'exactly one of latest: N, specific: [versions] or all: true');
    if (m.latest !== undefined) return { kind: 'latest', count: this.integer(m.latest, [...path, 'latest'], 1) };
    if (m.specific !== undefined) {
      const versions = this.integers(m.specific, [...path, 'specific'], 1);
      if (versions.length === 0) this.fail([...path, 'specific'], 'a non-empty list of version numbers');
      return { kind: 'specific', versions };
    }
    if (m.all !== true) this.fail([...path, 'all'], 'true');
    return { kind: 'all' };
  }

  private tensors(value: unknown, key: string): TensorConfig[] {
    if (!Array.isArray(value)) this.fail([key], 'a list of { name, datatype, dims }');
    const seen = new Set<string>();
    return value.map((item: unknown, i) => {
      const path = [key, i];
      const m = this.mapping(item, path, ['name', 'datatype', 'dims']);
      if (m.name === undefined) this.fail([...path, 'name'], 'present (every tensor needs a name)');
      const name = this.string(m.name, [...path, 'name']);
      if (seen.has(name)) this.fail([...path, 'name'], `unique ('${name}' appears twice)`);
      seen.add(name);
      const out: Mutable<TensorConfig> = { name };
      if (m.datatype !== undefined) {
        if (!isDataType(m.datatype)) this.fail([...path, 'datatype'], 'an OIP datatype such as FP32, INT64 or BYTES');
        out.datatype = m.datatype;
      }
      if (m.dims !== undefined) out.dims = this.integers(m.dims, [...path, 'dims'], -1);
      return out;
    });
  }

  private mapping(value: unknown, path: Path, allowed: readonly string[]): Mapping {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'a mapping');
    const m = value as Mapping;
    for (const key of Object.keys(m)) {
      if (!allowed.includes(key)) {
        const where = this.describe([...path, key]);
        throw new ServingError(
          'INVALID_ARGUMENT',
          `${where.file}: unknown key '${where.key}' (expected one of: ${allowed.join(', ')})`,
        );
      }
    }
    return m;
  }

  private string(value: unknown, path: Path): string {
    if (typeof value !== 'string') this.fail(path, 'a string');
    return value;
  }

  private integer(value: unknown, path: Path, min: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      this.fail(path, min === 0 ? 'an integer >= 0' : `an integer >= ${min}`);
    }
    return value;
  }

  private integers(value: unknown, path: Path, min: number): number[] {
    if (!Array.isArray(value)) this.fail(path, `a list of integers >= ${min}`);
    return value.map((v: unknown, i) => this.integer(v, [...path, i], min));
  }

  private fail(path: Path, expected: string): never {
    const where = this.describe(path);
    throw new ServingError('INVALID_ARGUMENT', `${where.file}: key '${where.key}' must be ${expected}`);
  }

  /** "resnet/config.yaml:7" and "inputs[0].dims" for a path. */
  private describe(path: Path): { file: string; key: string } {
    const parts = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`));
    const key = parts.join('') || '(top level)';
    const node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    const file = offset === undefined ? this.file : `${this.file}:${this.lines.linePos(offset).line}`;
    return { file, key };
  }
}
