// `tessera sim` command: reads YAML/JSON/CSV inputs and a profile directory, prints tables or JSON, names bad fields.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { syntheticProfile } from '../sim/synthetic-profile.js';
import { type SimCommandOptions, simCommand } from './sim-command.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-sim-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

mkdirSync(join(dir, 'profiles', 'nested'), { recursive: true });
file('profiles/a.json', JSON.stringify(syntheticProfile({ model: 'a', fixedMs: 1, perItemMs: 0.2, scv: 0.3 })));
file('profiles/nested/b.json', JSON.stringify([syntheticProfile({ model: 'b', fixedMs: 2, scv: 0.1 })]));
file('profiles/notes.txt', 'not a profile');
const cluster = file(
  'cluster.yaml',
  ['executors:', '  - { id: c0, kind: cpu, cores: 2 }', 'placements:', '  - { model: a, executors: [c0], batching: { maxBatchSize: 4, maxQueueDelayMs: 1 } }', '  - { model: b, executors: [c0] }', 'switchCostMs: 0.1', ''].join('\n'),
);
file('trace.csv', 'timestamp_ms,model\n0,b\n3,b\n7,b\n');
const workload = file(
  'workload.json',
  JSON.stringify({ streams: [{ model: 'a', arrival: { kind: 'poisson', ratePerS: 200 }, sloMs: 10 }], traces: [{ file: 'trace.csv' }] }),
);

async function run(extra: Partial<SimCommandOptions>): Promise<string> {
  let text = '';
  await simCommand({ workload, cluster, profiles: join(dir, 'profiles'), durationS: 2, json: false, out: { write: (s: string) => (text += s) }, ...extra });
  return text;
}

test('tessera sim prints a row per model and per executor', async () => {
  const text = await run({});
  assert.match(text, /^model\s+rate\/s\s+done\/s\s+mean ms\s+p50 ms\s+p95 ms\s+p99 ms\s+slo met/m);
  assert.match(text, /^a\s+\d+\.\d/m);
  assert.match(text, /^b\s+/m);
  assert.match(text, /^c0\s+cpu\s+\d+\.\d%/m);
});

test('tessera sim --json prints the SimResult, including the replayed trace', async () => {
  const result = JSON.parse(await run({ json: true, warmupS: 0, seed: 3 })) as { models: { model: string; completed: number }[]; seed: number };
  assert.equal(result.seed, 3);
  assert.equal(result.models.find((m) => m.model === 'b')?.completed, 3);
});

test('tessera sim names the file and field of bad input', async () => {
  const badCluster = file('bad-cluster.json', JSON.stringify({ executors: [{ id: 'c0', kind: 'tpu', cores: 1 }], placements: [] }));
  await assert.rejects(run({ cluster: badCluster }), { code: 'INVALID_ARGUMENT', message: /cluster\.executors\[0\]\.kind/ });
  const badProfile = file('bad-profile.json', JSON.stringify({ model: 'a', version: '1', executorKind: 'cpu', points: [], fit: { fixedMs: 1 } }));
  await assert.rejects(run({ profiles: badProfile }), { message: /bad-profile\.json\.fit\.perItemMs: expected a finite number/ });
  await assert.rejects(run({ workload: join(dir, 'missing.yaml') }), { message: /--workload: cannot read/ });
  const badYaml = file('bad.yaml', 'streams: [');
  await assert.rejects(run({ workload: badYaml }), { message: /--workload: '.*bad\.yaml' is not valid YAML/ });
});
