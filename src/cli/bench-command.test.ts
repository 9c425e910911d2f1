// Tests for `tessera bench` option handling: quick flags into a one-app spec, spec files with overrides, flag errors.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { type BenchOptions, benchSpec, registerBenchCommand } from './bench-command.js';

test('quick flags build a one-app spec named after the target', () => {
  const spec = benchSpec({ target: 'task:image-classification', rate: 50, duration: 3, sloMs: 80, minAccuracy: 0.7, shapeModel: 'resnet18', protocol: 'grpc' }, {});
  assert.equal(spec.durationS, 3);
  assert.equal(spec.protocol, 'grpc');
  assert.deepEqual(spec.apps, [
    { name: 'image-classification', target: { kind: 'task', name: 'image-classification' }, arrival: { kind: 'poisson', ratePerS: 50 }, sloMs: 80, minAccuracy: 0.7, shapeModel: 'resnet18' },
  ]);
});

test('each --arrival kind maps to its process, and --clients alone means a closed loop', () => {
  const arrival = (o: Omit<BenchOptions, 'target'>) => benchSpec({ target: 'model:m', ...o }, {}).apps[0]?.arrival;
  assert.deepEqual(arrival({ clients: 4, thinkMs: 5 }), { kind: 'closed', clients: 4, thinkMs: 5 });
  assert.deepEqual(arrival({ arrival: 'mmpp', rates: [10, 90], dwellMs: [500, 100] }), { kind: 'mmpp', ratesPerS: [10, 90], meanDwellMs: [500, 100] });
  assert.deepEqual(arrival({ arrival: 'diurnal', rate: 100, minRate: 10, periodS: 60, ramp: 'linear' }), {
    kind: 'diurnal',
    minRatePerS: 10,
    maxRatePerS: 100,
    periodMs: 60_000,
    shape: 'linear',
  });
  assert.deepEqual(arrival({ arrival: 'deterministic', rate: 7 }), { kind: 'deterministic', ratePerS: 7 });
});

test('a trace replays every row to the single target, and the key comes from the flag or TESSERA_API_KEY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  try {
    const trace = join(dir, 't.csv');
    writeFileSync(trace, 'timestamp_ms,app\n1000,a\n1010,b\n1040,a\n');
    const spec = benchSpec({ target: 'model:m', trace }, { TESSERA_API_KEY: 'env-key' });
    assert.deepEqual(spec.apps[0]?.arrival, { kind: 'replay', timesMs: [0, 10, 40] });
    assert.equal(spec.apps[0]?.key, 'env-key');
    assert.equal(benchSpec({ target: 'model:m', key: 'flag-key' }, { TESSERA_API_KEY: 'env-key' }).apps[0]?.key, 'flag-key');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a spec file is read and command-line flags override its run settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  try {
    const file = join(dir, 'load.json');
    writeFileSync(file, JSON.stringify({ url: 'http://a:1', durationS: 30, apps: [{ name: 'x', target: 'model:m', arrival: { kind: 'poisson', ratePerS: 5 } }] }));
    const spec = benchSpec({ spec: file, url: 'http://b:2', duration: 2 }, {});
    assert.equal(spec.url, 'http://b:2');
    assert.equal(spec.durationS, 2);
    assert.equal(spec.apps[0]?.name, 'x');
    assert.throws(() => benchSpec({ spec: file, target: 'model:m' }, {}), /exclude each other/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('neither --spec nor --target, or a bad flag value, is refused before any request', async () => {
  assert.throws(() => benchSpec({}, {}), /--spec <file> or --target/);
  assert.throws(() => benchSpec({ target: 'model:m', arrival: 'replay' }, {}), /needs --trace/);
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerBenchCommand(program);
  await assert.rejects(program.parseAsync(['bench', '--target', 'model:m', '--rates', '1'], { from: 'user' }), /two numbers/);
  await assert.rejects(program.parseAsync(['bench', '--target', 'model:m', '--protocol', 'udp'], { from: 'user' }), /Allowed choices/);
});
