// Tests for mapping Triton's config.pbtxt onto ModelConfig, using real-world ONNX configurations.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServingError } from '../core/errors.js';
import { parseConfigPbtxt } from './config-pbtxt.js';

// Triton's densenet_onnx example (docs/examples/model_repository), plus batching and instance groups.
const DENSENET = `
name: "densenet_onnx"
platform: "onnxruntime_onnx"
max_batch_size : 0
input [
  {
    name: "data_0"
    data_type: TYPE_FP32
    format: FORMAT_NCHW
    dims: [ 3, 224, 224 ]
    reshape { shape: [ 1, 3, 224, 224 ] }
  }
]
output [
  {
    name: "fc6_1"
    data_type: TYPE_FP32
    dims: [ 1000 ]
    reshape { shape: [ 1, 1000, 1, 1 ] }
    label_filename: "densenet_labels.txt"
  }
]
instance_group [
  { count: 2, kind: KIND_CPU },
  { name: "more", count: 1, kind: KIND_CPU }
]
dynamic_batching {
  preferred_batch_size: [ 4, 8 ]
  max_queue_delay_microseconds: 100
}
`;

function rejects(text: string, pattern: RegExp, name = 'm'): void {
  assert.throws(
    () => parseConfigPbtxt(name, text),
    (err: unknown) => {
      assert.ok(err instanceof ServingError);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, new RegExp(`^${name}/config\\.pbtxt:\\d+:\\d+: `));
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('parseConfigPbtxt', () => {
  it('maps the densenet_onnx example onto the model config', () => {
    const warnings: string[] = [];
    assert.deepEqual(parseConfigPbtxt('densenet_onnx', DENSENET, warnings), {
      name: 'densenet_onnx',
      source: 'config.pbtxt',
      maxBatchSize: 0,
      inputs: [{ name: 'data_0', datatype: 'FP32', dims: [3, 224, 224] }],
      outputs: [{ name: 'fc6_1', datatype: 'FP32', dims: [1000] }],
      instance: { kind: 'cpu', count: 3 },
      dynamicBatching: { maxQueueDelayUs: 100, preferredBatchSizes: [4, 8] },
      versionPolicy: { kind: 'latest', count: 1 },
    });
    assert.ok(warnings.some((w) => /input 'data_0': reshape is ignored/.test(w)));
    assert.ok(warnings.some((w) => /output 'fc6_1': reshape is ignored/.test(w)));
    assert.ok(warnings.some((w) => /'input\.format' is not used/.test(w)));
    assert.ok(warnings.some((w) => /'output\.label_filename' is not used/.test(w)));
    assert.ok(warnings.every((w) => w.startsWith('densenet_onnx/config.pbtxt: ')));
  });

  it('accepts the backend form and a config without a name', () => {
    const cfg = parseConfigPbtxt('m', 'backend: "onnxruntime"\nmax_batch_size: 16');
    assert.equal(cfg.maxBatchSize, 16);
    assert.equal(cfg.name, 'm');
  });

  it('maps every Triton data type to its OIP name, TYPE_STRING to BYTES', () => {
    const types = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64']
      .concat(['FP16', 'FP32', 'FP64']);
    const text = [...types, 'STRING']
      .map((t, i) => `input { name: "i${i}" data_type: TYPE_${t} dims: [-1] }`)
      .join('\n');
    const cfg = parseConfigPbtxt('m', text);
    assert.deepEqual(
      cfg.inputs?.map((i) => i.datatype),
      [...types, 'BYTES'],
    );
    assert.deepEqual(cfg.inputs?.[0]?.dims, [-1]);
  });

  it('reads each version policy form', () => {
    const policy = (text: string): unknown => parseConfigPbtxt('m', `version_policy: ${text}`).versionPolicy;
    assert.deepEqual(policy('{ latest { num_versions: 2 } }'), { kind: 'latest', count: 2 });
    assert.deepEqual(policy('{ specific { versions: [1, 3] } }'), { kind: 'specific', versions: [1, 3] });
    assert.deepEqual(policy('{ specific { versions: 1 versions: 3 } }'), { kind: 'specific', versions: [1, 3] });
    assert.deepEqual(policy('{ all {} }'), { kind: 'all' });
  });

  it('uses the first instance group kind and ignores groups of other kinds with a warning', () => {
    const warnings: string[] = [];
    const text = `instance_group [
      { kind: KIND_GPU count: 2 gpus: [0] },
      { kind: KIND_CPU count: 4 },
      { kind: KIND_GPU }
    ]`;
    assert.deepEqual(parseConfigPbtxt('m', text, warnings).instance, { kind: 'gpu', count: 3 });
    assert.ok(warnings.some((w) => /instance_group of kind cpu ignored/.test(w)));
    assert.ok(warnings.some((w) => /'instance_group\.gpus' is not used/.test(w)));
  });

  it('takes intra-op threads from the onnxruntime backend parameter', () => {
    const text = `
      instance_group [{ kind: KIND_CPU }]
      parameters { key: "intra_op_thread_count" value: { string_value: "2" } }
      parameters { key: "execution_mode" value: { string_value: "0" } }`;
    const warnings: string[] = [];
    assert.deepEqual(parseConfigPbtxt('m', text, warnings).instance, { kind: 'cpu', count: 1, intraOpThreads: 2 });
    assert.ok(warnings.some((w) => /parameters 'execution_mode' ignored/.test(w)));
  });

  it('ignores unknown top-level fields with a warning so real Triton repositories load', () => {
    const warnings: string[] = [];
    const text = 'optimization { graph { level: 1 } }\nmodel_warmup [{ name: "w" }]\nmax_batch_size: 4';
    assert.equal(parseConfigPbtxt('m', text, warnings).maxBatchSize, 4);
    assert.deepEqual(warnings, [
      "m/config.pbtxt: field 'optimization' is not used by Tessera and was ignored",
      "m/config.pbtxt: field 'model_warmup' is not used by Tessera and was ignored",
    ]);
  });

  it('rejects a name that differs from the directory', () => {
    rejects('name: "other"', /field 'name': must match the model directory 'm'/);
  });

  it('rejects platforms and backends other than onnxruntime', () => {
    rejects('platform: "tensorrt_plan"', /unsupported platform\/backend 'tensorrt_plan'/);
    rejects('backend: "python"', /unsupported platform\/backend 'python'/);
  });

  it('rejects unsupported or malformed data types', () => {
    rejects('input { name: "x" data_type: TYPE_BF16 }', /unsupported data type 'TYPE_BF16'/);
    rejects('input { name: "x" data_type: FP32 }', /unsupported data type 'FP32'/);
    rejects('input { name: "x" data_type: "TYPE_FP32" }', /field 'data_type': must be an enum name/);
  });

  it('rejects malformed fields with their position', () => {
    rejects('\n\nmax_batch_size: -1', /^m\/config\.pbtxt:3:1: field 'max_batch_size': must be an integer >= 0/);
    rejects('max_batch_size: 1 max_batch_size: 2', /given more than once/);
    rejects('input { data_type: TYPE_FP32 }', /field 'input': needs a name/);
    rejects('input { name: "x" dims: [3, 2.5] }', /field 'dims': must be an integer >= -1/);
    rejects('input: "x"', /field 'input': must be a message/);
    rejects('instance_group [{ kind: KIND_TPU }]', /unsupported instance kind 'KIND_TPU'/);
    rejects('instance_group [{ count: 0 }]', /field 'count': must be an integer >= 1/);
    rejects('dynamic_batching { preferred_batch_size: 0 }', /field 'preferred_batch_size': must be an integer >= 1/);
    rejects('version_policy { }', /needs exactly one of latest, specific or all/);
    rejects('version_policy { newest { } }', /not a version policy/);
    rejects('version_policy { specific { } }', /needs at least one version/);
    rejects('parameters { key: "intra_op_thread_count" value { string_value: "many" } }', /must be an integer >= 0/);
  });

  it('passes text-format syntax errors through with their position', () => {
    rejects('input {', /expected '}' before end of input/);
  });
});
