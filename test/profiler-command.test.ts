// `tessera profile` in-process: profiles a small repository, prints JSON or a table, stores the profiles.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseIntList, profileCommand } from '../src/cli/profile-command.js';
import type { ModelProfile } from '../src/profiler/profile.js';
import { generateZoo } from '../src/repository/zoo/generate-zoo.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-prof-cmd-'));
const repo = join(dir, 'repo');
const stateDir = join(dir, 'state');
const common = { repository: repo, stateDir, threads: [1], maxBatch: 4, executorKinds: ['cpu'] as const, modelBudgetMs: 3000, logLevel: 'warn' };

before(() => generateZoo(repo, { only: ['tiny-add'] }));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('profileCommand', () => {
  it('prints the profiles as JSON and stores them in the state directory and the repository', async () => {
    let out = '';
    await profileCommand({ ...common, json: true, write: (t) => (out += t) });
    const parsed = JSON.parse(out) as { profiles: ModelProfile[]; failures: unknown[] };
    assert.deepEqual(parsed.failures, []);
    assert.deepEqual(parsed.profiles.map((p) => [p.model, p.executorKind, p.points.map((pt) => pt.batchSize)]), [['tiny-add', 'cpu', [1, 2, 4]]]);
    assert.ok(existsSync(join(stateDir, 'profiles', 'tiny-add', '1', 'cpu.json')));
    assert.ok(existsSync(join(repo, 'tiny-add', '1', 'profile.json')));
  });

  it('prints a table with a row per point and the fit', async () => {
    let out = '';
    await profileCommand({ ...common, models: ['tiny-add'], write: (t) => (out += t) });
    const lines = out.split('\n');
    assert.match(lines[0] ?? '', /^model\s+ver\s+kind\s+batch\s+threads\s+p50 ms\s+p95 ms\s+rows\/s\s+fit err/);
    assert.equal(lines.filter((l) => l.startsWith('tiny-add ')).length, 3);
    assert.ok(lines.some((l) => l.startsWith('tiny-add@1 cpu: latency ≈')));
  });

  it('names the models there are when asked for one that is not in the repository', async () => {
    await assert.rejects(profileCommand({ ...common, models: ['nope'], write: () => undefined }), /no model 'nope'.*tiny-add/);
  });

  it('parses thread lists and rejects bad ones', () => {
    assert.deepEqual(parseIntList('1, 2,4'), [1, 2, 4]);
    assert.throws(() => parseIntList('1,x'));
    assert.throws(() => parseIntList('0'));
  });
});
