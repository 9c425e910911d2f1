// Tests for config.yaml parsing: every key maps onto ModelConfig and every error names the file and the key.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServingError } from '../core/errors.js';
import { parseConfigYaml } from './config-yaml.js';

const FULL = `
task: image-classification
accuracy: 0.7613
description: ResNet-50 v1.5
max_batch_size: 32
dynamic_batching:
  max_queue_delay_us: 500
  preferred_batch_sizes: [8, 16]
instance:
  kind: cpu
  count: 2
  intra_op_threads: 4
version_policy:
  specific: [1, 3]
inputs:  [{ name: input, datatype: FP32, dims: [3, 224, 224] }]
outputs: [{ name: logits, datatype: FP32, dims: [-1, 1000] }]
`;

function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseConfigYaml('resnet50', text),
    (err: unknown) => {
      assert.ok(err instanceof ServingError);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, /^resnet50\/config\.yaml/);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('parseConfigYaml', () => {
  it('maps every documented key onto the model config', () => {
    assert.deepEqual(parseConfigYaml('resnet50', FULL), {
      name: 'resnet50',
      source: 'config.yaml',
      task: 'image-classification',
      declaredAccuracy: 0.7613,
      description: 'ResNet-50 v1.5',
      maxBatchSize: 32,
      dynamicBatching: { maxQueueDelayUs: 500, preferredBatchSizes: [8, 16] },
      instance: { kind: 'cpu', count: 2, intraOpThreads: 4 },
      versionPolicy: { kind: 'specific', versions: [1, 3] },
      inputs: [{ name: 'input', datatype: 'FP32', dims: [3, 224, 224] }],
      outputs: [{ name: 'logits', datatype: 'FP32', dims: [-1, 1000] }],
    });
  });

  it('gives an empty file the defaults: auto instance, latest 1 version, no batching settings', () => {
    assert.deepEqual(parseConfigYaml('m', ''), {
      name: 'm',
      source: 'config.yaml',
      instance: { kind: 'auto' },
      versionPolicy: { kind: 'latest', count: 1 },
    });
  });

  it('enables dynamic batching with defaults when the key is present without a value', () => {
    assert.deepEqual(parseConfigYaml('m', 'dynamic_batching:\n').dynamicBatching, {
      maxQueueDelayUs: 0,
      preferredBatchSizes: [],
    });
    assert.equal(parseConfigYaml('m', 'dynamic_batching: false\n').dynamicBatching, undefined);
  });

  it('reads each version policy form', () => {
    assert.deepEqual(parseConfigYaml('m', 'version_policy: { latest: 3 }').versionPolicy, { kind: 'latest', count: 3 });
    assert.deepEqual(parseConfigYaml('m', 'version_policy: { all: true }').versionPolicy, { kind: 'all' });
  });

  it('accepts tensors that declare only a name', () => {
    assert.deepEqual(parseConfigYaml('m', 'inputs: [{ name: x }]').inputs, [{ name: 'x' }]);
  });

  it('rejects YAML syntax errors with a line and column', () => {
    rejects('inputs: [1,\n', /config\.yaml:\d+:\d+: /);
  });

  it('rejects duplicate keys', () => rejects('task: a\ntask: b\n', /unique/));
  it('rejects a document that is not a mapping', () => rejects('- 1\n', /'\(top level\)' must be a mapping/));

  it('rejects an unknown top-level key, naming it and its line', () => {
    rejects('task: a\nmax_batch: 4\n', /config\.yaml:2: unknown key 'max_batch' \(expected one of: task,/);
  });

  it('rejects an unknown nested key with its full path', () => {
    rejects('instance:\n  kinds: cpu\n', /unknown key 'instance\.kinds'/);
    rejects('inputs: [{ name: x, shape: [1] }]', /unknown key 'inputs\[0\]\.shape'/);
  });

  it('rejects a task that is not a string', () => rejects('task: [a]', /key 'task' must be a string/));
  it('rejects a description that is not a string', () => {
    rejects('description: 3', /key 'description' must be a string/);
  });

  it('rejects an accuracy outside 0..1 or not a number', () => {
    rejects('accuracy: 76.1', /key 'accuracy' must be a number between 0 and 1/);
    rejects('accuracy: high', /key 'accuracy' must be a number between 0 and 1/);
  });

  it('rejects a negative or fractional max_batch_size', () => {
    rejects('max_batch_size: -1', /key 'max_batch_size' must be an integer >= 0/);
    rejects('max_batch_size: 1.5', /key 'max_batch_size' must be an integer >= 0/);
  });

  it('rejects bad dynamic batching settings', () => {
    rejects('dynamic_batching: 5', /key 'dynamic_batching' must be a mapping/);
    rejects('dynamic_batching: { max_queue_delay_us: -5 }', /'dynamic_batching\.max_queue_delay_us' must be an integer >= 0/);
    rejects('dynamic_batching: { preferred_batch_sizes: 8 }', /'dynamic_batching\.preferred_batch_sizes' must be a list/);
    rejects('dynamic_batching: { preferred_batch_sizes: [8, 0] }', /'dynamic_batching\.preferred_batch_sizes\[1\]' must be/);
  });

  it('rejects bad instance settings', () => {
    rejects('instance: cpu', /key 'instance' must be a mapping/);
    rejects('instance: { kind: tpu }', /key 'instance\.kind' must be one of auto, cpu, gpu/);
    rejects('instance: { count: 0 }', /key 'instance\.count' must be an integer >= 1/);
    rejects('instance: { intra_op_threads: two }', /key 'instance\.intra_op_threads' must be an integer >= 1/);
  });

  it('rejects a version policy that is not exactly one well-formed choice', () => {
    rejects('version_policy: { latest: 1, all: true }', /key 'version_policy' must be exactly one of/);
    rejects('version_policy: {}', /key 'version_policy' must be exactly one of/);
    rejects('version_policy: { latest: 0 }', /key 'version_policy\.latest' must be an integer >= 1/);
    rejects('version_policy: { specific: [] }', /key 'version_policy\.specific' must be a non-empty list/);
    rejects('version_policy: { specific: [1, -2] }', /key 'version_policy\.specific\[1\]' must be an integer >= 1/);
    rejects('version_policy: { all: false }', /key 'version_policy\.all' must be true/);
    rejects('version_policy: { newest: 1 }', /unknown key 'version_policy\.newest'/);
  });

  it('rejects bad tensor declarations', () => {
    rejects('inputs: { name: x }', /key 'inputs' must be a list/);
    rejects('outputs: [{ datatype: FP32 }]', /key 'outputs\[0\]\.name' must be present/);
    rejects('inputs: [{ name: 7 }]', /key 'inputs\[0\]\.name' must be a string/);
    rejects('inputs: [{ name: x }, { name: x }]', /key 'inputs\[1\]\.name' must be unique/);
    rejects('inputs: [{ name: x, datatype: float32 }]', /key 'inputs\[0\]\.datatype' must be an OIP datatype/);
    rejects('inputs: [{ name: x, dims: [3, -2] }]', /key 'inputs\[0\]\.dims\[1\]' must be an integer >= -1/);
  });
});
