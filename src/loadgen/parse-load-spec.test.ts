// Tests for load spec parsing: a full spec, trace replay resolved against the spec's folder, keys, and field errors.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseLoadSpec, readLoadSpecFile } from './parse-load-spec.js';

const YAML_SPEC = `
url: http://127.0.0.1:9000
durationS: 20
warmupS: 2
seed: 4
apps:
  - name: front
    target: app:frontdoor
    sloMs: 50
    arrival: { kind: poisson, ratePerS: 30 }
  - name: burst
    target: task:image-classification
    shapeModel: resnet18
    sloMs: 100
    minAccuracy: 0.7
    arrival: { kind: mmpp, ratesPerS: [5, 50], meanDwellMs: [2000, 500] }
  - name: ramp
    target: model:tiny-add@1
    protocol: grpc
    timeoutUs: 20000
    priority: 1
    rows: 4
    arrival: { kind: diurnal, minRatePerS: 1, maxRatePerS: 40, periodMs: 20000, shape: linear }
  - name: users
    target: model:tiny-add
    keyEnv: USERS_KEY
    arrival: { kind: closed, clients: 8, thinkMs: 10 }
  - name: replayed
    target: model:tiny-add
    arrival: { kind: trace }
trace: { file: trace.csv, timeScale: 0.5 }
`;

function withDir<T>(files: Record<string, string>, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-loadspec-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a YAML spec file parses every arrival kind, reads its trace relative to itself and resolves keys from the environment', () => {
  const spec = withDir({ 'load.yaml': YAML_SPEC, 'trace.csv': 'timestamp_ms,app\n100,replayed\n300,replayed\n500,replayed\n' }, (dir) =>
    readLoadSpecFile(join(dir, 'load.yaml'), { USERS_KEY: 'secret', TESSERA_API_KEY: 'fallback' }),
  );
  assert.equal(spec.url, 'http://127.0.0.1:9000');
  assert.equal(spec.warmupS, 2);
  const [front, burst, ramp, users, replayed] = spec.apps;
  assert.deepEqual(front?.target, { kind: 'app', name: 'frontdoor' });
  assert.equal(front?.key, 'fallback');
  assert.deepEqual(burst?.arrival, { kind: 'mmpp', ratesPerS: [5, 50], meanDwellMs: [2000, 500] });
  assert.equal(burst?.minAccuracy, 0.7);
  assert.deepEqual(ramp?.target, { kind: 'model', name: 'tiny-add', version: '1' });
  assert.equal(ramp?.arrival.kind === 'diurnal' && ramp.arrival.shape, 'linear');
  assert.equal(ramp?.protocol, 'grpc');
  assert.deepEqual(users?.arrival, { kind: 'closed', clients: 8, thinkMs: 10 });
  assert.equal(users?.key, 'secret');
  // Gaps halved by timeScale and shifted to start at 0.
  assert.deepEqual(replayed?.arrival, { kind: 'replay', timesMs: [0, 100, 200] });
});

test('errors name the offending field', () => {
  const base = { durationS: 5, apps: [{ name: 'a', target: 'model:m', arrival: { kind: 'poisson', ratePerS: 1 } }] };
  /** The error message parsing gives, or '' when the spec is accepted. */
  const bad = (patch: Record<string, unknown>, app: Record<string, unknown> = {}): string => {
    try {
      parseLoadSpec({ ...base, ...patch, apps: [{ ...base.apps[0], ...app }] }, { env: {} });
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.match(bad({}, { sloMs: -1 }), /spec\.apps\[0\]\.sloMs/);
  assert.match(bad({}, { target: 'nope' }), /spec\.apps\[0\]\.target/);
  assert.match(bad({}, { arrival: { kind: 'closed' } }), /spec\.apps\[0\]\.arrival\.clients/);
  assert.match(bad({}, { arrival: { kind: 'diurnal', minRatePerS: 1, maxRatePerS: 2, periodMs: 10, shape: 'square' } }), /arrival\.shape/);
  assert.match(bad({}, { arrival: { kind: 'trace' } }), /needs a top-level trace/);
  assert.match(bad({}, { keyEnv: 'MISSING' }), /MISSING is not set/);
  assert.match(bad({}, { colour: 'red' }), /spec\.apps\[0\]\.colour: unknown field/);
  assert.match(bad({ warmupS: 5 }), /spec\.warmupS/);
  assert.match(bad({ protocol: 'udp' }), /spec\.protocol/);
  assert.equal(bad({}), '');
});

test('two apps with one name, or trace rows for an app the spec does not replay, are rejected', () => {
  const app = { name: 'a', target: 'model:m', arrival: { kind: 'poisson', ratePerS: 1 } };
  assert.throws(() => parseLoadSpec({ durationS: 1, apps: [app, app] }, { env: {} }), /used twice/);
  withDir({ 't.csv': '0,a\n5,ghost\n' }, (dir) => {
    const spec = { durationS: 1, trace: { file: 't.csv' }, apps: [{ ...app, arrival: { kind: 'trace' } }] };
    assert.throws(() => parseLoadSpec(spec, { baseDir: dir, env: {} }), /without arrival \{kind: trace\}: ghost/);
  });
});
