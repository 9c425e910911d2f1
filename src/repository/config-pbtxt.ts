// Maps the ONNX-relevant subset of Triton's ModelConfig (config.pbtxt) onto ModelConfig; other fields become warnings.

import { isDataType, type DataType } from '../core/datatype.js';
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
import { type PbField, type PbMessage, type PbScalar, fieldsNamed, parsePbtxt } from './pbtxt-parser.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const ONNX_PLATFORM = 'onnxruntime_onnx';
const ONNX_BACKEND = 'onnxruntime';
const INSTANCE_KIND: Record<string, InstanceKind> = { KIND_AUTO: 'auto', KIND_CPU: 'cpu', KIND_GPU: 'gpu' };
/** onnxruntime backend parameter (a string value) that sets intra-op threads. */
const INTRA_OP_PARAMETER = 'intra_op_thread_count';

/**
 * Parse `<name>/config.pbtxt`. Fields Tessera does not use are skipped so real Triton repositories load unchanged;
 * each skipped field is described in `warnings` (when given).
 */
export function parseConfigPbtxt(name: string, text: string, warnings: string[] = []): ModelConfig {
  const file = `${name}/config.pbtxt`;
  return new PbtxtConfigReader(file, warnings).read(name, parsePbtxt(text, file));
}

class PbtxtConfigReader {
  constructor(
    private readonly file: string,
    private readonly warnings: string[],
  ) {}

  read(name: string, root: PbMessage): ModelConfig {
    const f = this.known(root, '', [
      'name',
      'platform',
      'backend',
      'max_batch_size',
      'input',
      'output',
      'dynamic_batching',
      'instance_group',
      'version_policy',
      'parameters',
    ]);
    const declared = this.single(f, 'name');
    if (declared !== undefined && this.string(declared) !== name) {
      this.fail(declared, `must match the model directory '${name}'`);
    }
    this.checkPlatform(f);
    const cfg: Mutable<ModelConfig> = {
      name,
      source: 'config.pbtxt',
      instance: { kind: 'auto' },
      versionPolicy: DEFAULT_VERSION_POLICY,
    };
    const maxBatch = this.single(f, 'max_batch_size');
    if (maxBatch !== undefined) cfg.maxBatchSize = this.integer(maxBatch, 0);
    const inputs = f.get('input');
    if (inputs !== undefined) cfg.inputs = inputs.map((field) => this.tensor(field));
    const outputs = f.get('output');
    if (outputs !== undefined) cfg.outputs = outputs.map((field) => this.tensor(field));
    const batching = this.single(f, 'dynamic_batching');
    if (batching !== undefined) cfg.dynamicBatching = this.dynamicBatching(batching);
    const groups = f.get('instance_group');
    if (groups !== undefined) cfg.instance = this.instance(groups);
    const threads = this.intraOpThreads(f.get('parameters') ?? []);
    if (threads !== undefined) cfg.instance = { ...cfg.instance, intraOpThreads: threads };
    const policy = this.single(f, 'version_policy');
    if (policy !== undefined) cfg.versionPolicy = this.versionPolicy(policy);
    return cfg;
  }

  private checkPlatform(f: Map<string, PbField[]>): void {
    const platform = this.single(f, 'platform');
    for (const [field, wanted] of [
      [platform, ONNX_PLATFORM],
      [this.single(f, 'backend'), ONNX_BACKEND],
    ] as const) {
      if (field !== undefined && this.string(field) !== wanted) {
        this.fail(field, `unsupported platform/backend '${this.string(field)}' (Tessera serves '${wanted}')`);
      }
    }
  }

  private tensor(field: PbField): TensorConfig {
    const where = `${field.name} '${this.tensorName(field)}'`;
    const f = this.known(this.message(field), `${field.name}.`, ['name', 'data_type', 'dims', 'reshape'], where);
    const nameField = this.single(f, 'name');
    if (nameField === undefined) this.fail(field, 'needs a name');
    const out: Mutable<TensorConfig> = { name: this.string(nameField) };
    const dataType = this.single(f, 'data_type');
    if (dataType !== undefined) out.datatype = this.dataType(dataType);
    const dims = f.get('dims');
    if (dims !== undefined) out.dims = dims.map((d) => this.integer(d, -1));
    if (f.has('reshape')) this.warn(`${where}: reshape is ignored (the model's own shape is used)`);
    return out;
  }

  private tensorName(field: PbField): string {
    const name = field.value.kind === 'message' ? fieldsNamed(field.value, 'name')[0]?.value : undefined;
    return name?.kind === 'string' ? name.value : '?';
  }

  private dataType(field: PbField): DataType {
    const id = this.identifier(field);
    const oip = id === 'TYPE_STRING' ? 'BYTES' : id.replace(/^TYPE_/, '');
    if (!id.startsWith('TYPE_') || !isDataType(oip)) this.fail(field, `unsupported data type '${id}'`);
    return oip;
  }

  private dynamicBatching(field: PbField): DynamicBatchingConfig {
    const used = ['preferred_batch_size', 'max_queue_delay_microseconds'];
    const f = this.known(this.message(field), 'dynamic_batching.', used);
    const delay = this.single(f, 'max_queue_delay_microseconds');
    return {
      maxQueueDelayUs: delay === undefined ? 0 : this.integer(delay, 0),
      preferredBatchSizes: (f.get('preferred_batch_size') ?? []).map((p) => this.integer(p, 1)),
    };
  }

  /** Tessera runs one kind per model: the first group's kind, with the counts of all groups of that kind summed. */
  private instance(groups: readonly PbField[]): InstanceConfig {
    let kind: InstanceKind | undefined;
    let count = 0;
    for (const group of groups) {
      const f = this.known(this.message(group), 'instance_group.', ['name', 'kind', 'count']);
      const kindField = this.single(f, 'kind');
      const groupKind: InstanceKind = kindField === undefined ? 'auto' : this.instanceKind(kindField);
      const countField = this.single(f, 'count');
      const groupCount = countField === undefined ? 1 : this.integer(countField, 1);
      kind ??= groupKind;
      if (groupKind === kind) count += groupCount;
      else this.warn(`instance_group of kind ${groupKind} ignored: Tessera uses one kind per model (${kind})`);
    }
    return kind === undefined ? { kind: 'auto' } : { kind, count };
  }

  private instanceKind(field: PbField): InstanceKind {
    const id = this.identifier(field);
    const kind = INSTANCE_KIND[id];
    if (kind === undefined) this.fail(field, `unsupported instance kind '${id}' (use KIND_AUTO, KIND_CPU or KIND_GPU)`);
    return kind;
  }

  private versionPolicy(field: PbField): VersionPolicy {
    const msg = this.message(field);
    const [choice, extra] = msg.fields;
    if (choice === undefined || extra !== undefined) this.fail(field, 'needs exactly one of latest, specific or all');
    const f = this.fieldMap(this.message(choice));
    switch (choice.name) {
      case 'latest': {
        const n = this.single(f, 'num_versions');
        return { kind: 'latest', count: n === undefined ? 1 : this.integer(n, 1) };
      }
      case 'specific': {
        const versions = (f.get('versions') ?? []).map((v) => this.integer(v, 1));
        if (versions.length === 0) this.fail(choice, 'needs at least one version');
        return { kind: 'specific', versions };
      }
      case 'all':
        return { kind: 'all' };
      default:
        return this.fail(choice, 'not a version policy (use latest, specific or all)');
    }
  }

  /** Triton's `parameters { key: "..." value { string_value: "..." } }` map; only intra-op threads is used. */
  private intraOpThreads(entries: readonly PbField[]): number | undefined {
    let threads: number | undefined;
    for (const entry of entries) {
      const f = this.fieldMap(this.message(entry));
      const key = this.single(f, 'key');
      const key0 = key === undefined ? '' : this.string(key);
      const value = this.single(f, 'value');
      if (key0 !== INTRA_OP_PARAMETER || value === undefined) {
        this.warn(`parameters '${key0}' ignored`);
        continue;
      }
      const raw = this.single(this.fieldMap(this.message(value)), 'string_value');
      const n = raw === undefined ? NaN : Number(this.string(raw));
      if (!Number.isSafeInteger(n) || n < 0) this.fail(value, `${INTRA_OP_PARAMETER} must be an integer >= 0`);
      // 0 means "onnxruntime default" in Triton, which is also Tessera's meaning of absent.
      threads = n === 0 ? undefined : n;
    }
    return threads;
  }

  /** Fields by name; names outside `used` are dropped with a warning. */
  private known(msg: PbMessage, prefix: string, used: readonly string[], where = ''): Map<string, PbField[]> {
    const map = this.fieldMap(msg);
    for (const name of map.keys()) {
      if (!used.includes(name)) {
        this.warn(`${where === '' ? '' : `${where}: `}field '${prefix}${name}' is not used by Tessera and was ignored`);
        map.delete(name);
      }
    }
    return map;
  }

  private fieldMap(msg: PbMessage): Map<string, PbField[]> {
    const map = new Map<string, PbField[]>();
    for (const field of msg.fields) {
      const list = map.get(field.name);
      if (list === undefined) map.set(field.name, [field]);
      else list.push(field);
    }
    return map;
  }

  private single(f: Map<string, PbField[]>, name: string): PbField | undefined {
    const list = f.get(name);
    if (list !== undefined && list.length > 1) this.fail(list[1] as PbField, 'given more than once');
    return list?.[0];
  }

  private message(field: PbField): PbMessage {
    if (field.value.kind !== 'message') this.fail(field, 'must be a message { ... }');
    return field.value;
  }

  private scalar(field: PbField, kind: PbScalar['kind'], expected: string): PbScalar {
    if (field.value.kind !== kind) this.fail(field, `must be ${expected}`);
    return field.value as PbScalar;
  }

  private string(field: PbField): string {
    return String(this.scalar(field, 'string', 'a quoted string').value);
  }

  private identifier(field: PbField): string {
    return String(this.scalar(field, 'identifier', 'an enum name').value);
  }

  private integer(field: PbField, min: number): number {
    const n = Number(this.scalar(field, 'number', 'a number').value);
    if (!Number.isSafeInteger(n) || n < min) this.fail(field, `must be an integer >= ${min}`);
    return n;
  }

  private warn(message: string): void {
    this.warnings.push(`${this.file}: ${message}`);
  }

  private fail(field: PbField, problem: string): never {
    const at = `${this.file}:${field.line}:${field.column}`;
    throw new ServingError('INVALID_ARGUMENT', `${at}: field '${field.name}': ${problem}`);
  }
}
