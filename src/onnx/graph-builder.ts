// Builds an ONNX model in memory (inputs, initializers, nodes, outputs) and serialises it; used by the model zoo.

import { type DataType, ONNX_ELEM_TYPE } from '../core/datatype.js';
import { ServingError } from '../core/errors.js';
import {
  ATTRIBUTE_TYPE,
  type AttributeProto,
  encodeModelProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-proto.js';
import { SeededRandom } from './seeded-random.js';

/** ONNX IR version 8 is what opset 17 was released with; onnxruntime ≥ 1.13 reads both. */
export const IR_VERSION = 8;
export const OPSET_VERSION = 17;
export const PRODUCER_NAME = 'tessera';
export const PRODUCER_VERSION = '0.1.0';
/** metadata_props key holding the multiply-accumulates of one sample, as counted by the layer helpers. */
export const MACS_METADATA_KEY = 'tessera.macs_per_sample';

/** A dimension is a fixed size or a symbolic name such as 'N' for the batch. */
export type Dim = number | string;

/** Initializer and tensor-attribute contents; INT64 for shapes and indices, FP32 for everything else. */
export type InitializerData = Float32Array | BigInt64Array;

export interface TensorValue {
  readonly dims: readonly number[];
  readonly data: InitializerData;
}

/** One node attribute, tagged with its ONNX type so 1 (int) and 1.0 (float) cannot be confused. */
export type AttributeValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly tensor: TensorValue };

export type Attributes = Readonly<Record<string, AttributeValue>>;

export interface GraphBuilderOptions {
  /** Graph name written into the model. */
  readonly name: string;
  /** Seed of `rng`, from which random weights are drawn. */
  readonly seed?: number;
  /** Free text stored as the model's doc_string. */
  readonly description?: string;
}

const utf8 = new TextEncoder();

export class GraphBuilder {
  /** Weight source; the same seed and the same sequence of calls give byte-identical models. */
  readonly rng: SeededRandom;
  private readonly name: string;
  private readonly description: string | undefined;
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly nodes: NodeProto[] = [];
  private readonly usedNames = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();
  private readonly scalars = new Map<number, string>();
  private readonly metadata: { key: string; value: string }[] = [];
  private macCount = 0;

  constructor(options: GraphBuilderOptions) {
    this.name = options.name;
    this.description = options.description;
    this.rng = new SeededRandom(options.seed ?? 0);
  }

  /** A name no tensor or node in this graph has used yet: `hint` itself when free, else `hint_1`, `hint_2`, ... */
  uniqueName(hint: string): string {
    let name = hint;
    while (this.usedNames.has(name)) {
      const n = (this.nextSuffix.get(hint) ?? 0) + 1;
      this.nextSuffix.set(hint, n);
      name = `${hint}_${n}`;
    }
    this.usedNames.add(name);
    return name;
  }

  /** Declares a graph input under exactly `name`; returns it for chaining into nodes. */
  input(name: string, datatype: DataType, shape: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, datatype, shape));
    return name;
  }

  /**
   * Declares a graph output under exactly `name`. When `from` names another tensor, an Identity node copies it
   * to `name` (onnxruntime removes it when optimising), so layer helpers need not know the final name.
   */
  output(name: string, datatype: DataType, shape: readonly Dim[], from?: string): string {
    if (from !== undefined && from !== name) {
      this.claim(name);
      this.nodes.push({ input: [from], output: [name], name: this.uniqueName('Identity'), op_type: 'Identity' });
    } else if (!this.usedNames.has(name)) {
      throw new ServingError('INVALID_ARGUMENT', `graph output '${name}' is not produced by any node`);
    }
    this.outputs.push(valueInfo(name, datatype, shape));
    return name;
  }

  /** Adds a constant tensor (weights, shapes, indices); returns its unique name. */
  initializer(nameHint: string, dims: readonly number[], data: InitializerData): string {
    const name = this.uniqueName(nameHint);
    this.initializers.push(tensorProto(name, dims, data));
    return name;
  }

  /** A random FP32 weight with zero mean and standard deviation `std`. */
  randomWeight(nameHint: string, dims: readonly number[], std: number): string {
    return this.initializer(nameHint, dims, this.rng.uniformWithStd(product(dims), std));
  }

  /** An FP32 constant with every element equal to `value`. */
  filled(nameHint: string, dims: readonly number[], value: number): string {
    return this.initializer(nameHint, dims, new Float32Array(product(dims)).fill(value));
  }

  /** A shared FP32 scalar (rank 0) constant, created once per value (Clip bounds, GELU factors, ...). */
  floatScalar(value: number): string {
    let name = this.scalars.get(value);
    if (name === undefined) {
      name = this.initializer('const', [], Float32Array.of(value));
      this.scalars.set(value, name);
    }
    return name;
  }

  /** An INT64 constant: 1-D from an array, a scalar (rank 0) from a number. */
  int64(nameHint: string, values: readonly number[] | number): string {
    if (typeof values === 'number') return this.initializer(nameHint, [], BigInt64Array.of(BigInt(values)));
    return this.initializer(nameHint, [values.length], BigInt64Array.from(values, (v) => BigInt(v)));
  }

  /** Adds a node of the default ONNX domain with `outputCount` fresh outputs; returns their names. */
  node(opType: string, inputs: readonly string[], attributes: Attributes = {}, outputCount = 1): string[] {
    const outputs: string[] = [];
    for (let i = 0; i < outputCount; i++) outputs.push(this.uniqueName(opType.toLowerCase()));
    const attribute = Object.entries(attributes).map(([key, value]) => attributeProto(key, value));
    const node: NodeProto = { input: [...inputs], output: outputs, name: this.uniqueName(opType), op_type: opType };
    if (attribute.length > 0) node.attribute = attribute;
    this.nodes.push(node);
    return outputs;
  }

  /** Adds a single-output node; returns the output name. */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}): string {
    return this.node(opType, inputs, attributes, 1)[0] as string;
  }

  /** Adds a metadata_props entry to the model. */
  addMetadata(key: string, value: string): void {
    this.metadata.push({ key, value });
  }

  /** Records multiply-accumulates of one sample, so a model can report its compute cost. */
  addMacs(count: number): void {
    this.macCount += count;
  }

  /** Multiply-accumulates per sample recorded by the layer helpers. */
  get macs(): number {
    return this.macCount;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  toModelProto(): ModelProto {
    const model: ModelProto = {
      ir_version: IR_VERSION,
      opset_import: [{ domain: '', version: OPSET_VERSION }],
      producer_name: PRODUCER_NAME,
      producer_version: PRODUCER_VERSION,
      model_version: 1,
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    if (this.description !== undefined) model.doc_string = this.description;
    const props = [...this.metadata];
    if (this.macCount > 0) props.push({ key: MACS_METADATA_KEY, value: String(this.macCount) });
    if (props.length > 0) model.metadata_props = props;
    return model;
  }

  toBytes(): Uint8Array {
    if (this.outputs.length === 0) throw new ServingError('INVALID_ARGUMENT', `graph '${this.name}' has no outputs`);
    return encodeModelProto(this.toModelProto());
  }

  private claim(name: string): void {
    if (this.usedNames.has(name)) {
      throw new ServingError('ALREADY_EXISTS', `name '${name}' is already used in the graph`);
    }
    this.usedNames.add(name);
  }
}

function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function valueInfo(name: string, datatype: DataType, shape: readonly Dim[]): ValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: ONNX_ELEM_TYPE[datatype], shape: { dim } } } };
}

function tensorProto(name: string, dims: readonly number[], data: InitializerData): TensorProto {
  if (product(dims) !== data.length) {
    throw new ServingError(
      'INVALID_ARGUMENT',
      `tensor '${name}': dims [${dims.join(', ')}] hold ${product(dims)} elements but data has ${data.length}`,
    );
  }
  // raw_data is little-endian; typed arrays use the host's byte order, which is little-endian on every target.
  return {
    name,
    dims: [...dims],
    data_type: data instanceof Float32Array ? ONNX_ELEM_TYPE.FP32 : ONNX_ELEM_TYPE.INT64,
    raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

function attributeProto(name: string, value: AttributeValue): AttributeProto {
  if ('int' in value) return { name, type: ATTRIBUTE_TYPE.INT, i: value.int };
  if ('float' in value) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: ATTRIBUTE_TYPE.INTS, ints: [...value.ints] };
  if ('floats' in value) return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: [...value.floats] };
  if ('string' in value) return { name, type: ATTRIBUTE_TYPE.STRING, s: utf8.encode(value.string) };
  return { name, type: ATTRIBUTE_TYPE.TENSOR, t: tensorProto(name, value.tensor.dims, value.tensor.data) };
}
