// Tests for scanning a model repository in a temporary directory (the ONNX files are never opened).

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ServingError } from '../core/errors.js';
import { ModelRepository, type RepositoryModel } from './model-repository.js';

const FILES: Record<string, string> = {
  'with_yaml/config.yaml': 'task: image-classification\naccuracy: 0.7\nversion_policy: { all: true }\n',
  'with_yaml/1/model.onnx': 'x',
  'with_yaml/2/model.onnx': 'x',
  'with_yaml/10/model.onnx': 'x',
  'with_pbtxt/config.pbtxt': 'name: "with_pbtxt"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 8\noptimization {}\n',
  'with_pbtxt/3/model.onnx': 'x',
  'with_both/config.yaml': 'max_batch_size: 2\n',
  'with_both/config.pbtxt': 'max_batch_size: 4\n',
  'with_both/1/model.onnx': 'x',
  'plain/1/model.onnx': 'x',
  'plain/labels.txt': 'cat\ndog\n',
  'plain/latest/model.onnx': 'x',
  'plain/1a/model.onnx': 'x',
  'broken/config.yaml': 'max_batch_size: many\n',
  'broken/1/model.onnx': 'x',
  'gaps/1/model.onnx': 'x',
  'gaps/2/README': 'no model here yet',
  'gaps/0/model.onnx': 'x',
  'gaps/007/model.onnx': 'x',
  'empty/config.yaml': '',
  '.hidden/1/model.onnx': 'x',
  'top-level-file.txt': 'not a model',
};

let root: string;
let models: Map<string, RepositoryModel>;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tessera-repo-'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  models = new Map((await new ModelRepository(root).scan()).map((m) => [m.name, m]));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

function model(name: string): RepositoryModel {
  const m = models.get(name);
  assert.ok(m, `model ${name} was scanned`);
  return m;
}

describe('ModelRepository', () => {
  it('lists model directories by name, skipping hidden entries and top-level files', () => {
    assert.deepEqual([...models.keys()], ['broken', 'empty', 'gaps', 'plain', 'with_both', 'with_pbtxt', 'with_yaml']);
  });

  it('reads config.yaml and every version holding model.onnx, in ascending order with absolute paths', () => {
    const m = model('with_yaml');
    assert.equal(m.config.source, 'config.yaml');
    assert.equal(m.config.task, 'image-classification');
    assert.deepEqual(m.config.versionPolicy, { kind: 'all' });
    assert.deepEqual(
      m.versions,
      [1, 2, 10].map((v) => ({ version: v, path: join(root, 'with_yaml', String(v), 'model.onnx') })),
    );
    assert.equal(m.dir, join(root, 'with_yaml'));
    assert.deepEqual(m.warnings, []);
    assert.equal(m.error, undefined);
  });

  it('reads config.pbtxt and keeps its warnings', () => {
    const m = model('with_pbtxt');
    assert.equal(m.config.source, 'config.pbtxt');
    assert.equal(m.config.maxBatchSize, 8);
    assert.deepEqual(m.versions.map((v) => v.version), [3]);
    assert.ok(m.warnings.some((w) => /'optimization' is not used/.test(w)));
  });

  it('prefers config.yaml over config.pbtxt and warns that both exist', () => {
    const m = model('with_both');
    assert.equal(m.config.source, 'config.yaml');
    assert.equal(m.config.maxBatchSize, 2);
    assert.ok(m.warnings.some((w) => /both config\.yaml and config\.pbtxt exist; using config\.yaml/.test(w)));
  });

  it('gives a model without a config file the defaults and ignores non-numeric directories silently', () => {
    const m = model('plain');
    assert.deepEqual(m.config, {
      name: 'plain',
      source: 'none',
      instance: { kind: 'auto' },
      versionPolicy: { kind: 'latest', count: 1 },
    });
    assert.deepEqual(m.versions.map((v) => v.version), [1]);
    assert.deepEqual(m.warnings, []);
  });

  it('still lists a model whose config does not parse, with the error and a default config', () => {
    const m = model('broken');
    assert.match(m.error ?? '', /broken\/config\.yaml:1: key 'max_batch_size' must be an integer >= 0/);
    assert.equal(m.config.source, 'none');
    assert.deepEqual(m.versions.map((v) => v.version), [1]);
  });

  it('skips version directories without model.onnx and non-positive or zero-padded versions, with warnings', () => {
    const m = model('gaps');
    assert.deepEqual(m.versions.map((v) => v.version), [1]);
    assert.ok(m.warnings.some((w) => /version 2 skipped: it has no model\.onnx/.test(w)));
    assert.ok(m.warnings.some((w) => /directory '0' ignored/.test(w)));
    assert.ok(m.warnings.some((w) => /directory '007' ignored/.test(w)));
  });

  it('warns when a model has no version at all', () => {
    const m = model('empty');
    assert.deepEqual(m.versions, []);
    assert.ok(m.warnings.some((w) => /no version directory holds a model\.onnx/.test(w)));
  });

  it('rescans one model by name and returns undefined for unknown, hidden or path-like names', async () => {
    const repo = new ModelRepository(root);
    await writeFile(join(root, 'plain', 'config.yaml'), 'max_batch_size: 16\n');
    const m = await repo.get('plain');
    assert.equal(m?.config.maxBatchSize, 16);
    for (const name of ['missing', '.hidden', '../plain', 'plain/1', '', 'top-level-file.txt']) {
      assert.equal(await repo.get(name), undefined, name);
    }
  });

  it('rejects a missing root with NOT_FOUND', async () => {
    const repo = new ModelRepository(join(root, 'does-not-exist'));
    await assert.rejects(repo.scan(), (err: unknown) => err instanceof ServingError && err.code === 'NOT_FOUND');
    await assert.rejects(repo.get('plain'), (err: unknown) => err instanceof ServingError && err.code === 'NOT_FOUND');
  });
});
