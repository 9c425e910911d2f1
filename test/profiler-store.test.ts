// ProfileStore on a real file system: both copies written and read back, newest wins, bad files ignored with a reason.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ModelProfile } from '../src/profiler/profile.js';
import { ProfileStore, REPOSITORY_PROFILE_FILE } from '../src/profiler/profile-store.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-profstore-'));
after(() => rmSync(root, { recursive: true, force: true }));

function profile(overrides: Partial<ModelProfile> = {}): ModelProfile {
  const latency = { samples: 9, meanMs: 2, stdMs: 0.1, p50Ms: 2, p95Ms: 2.2, p99Ms: 2.3 };
  return {
    model: 'm',
    version: '1',
    executorKind: 'cpu',
    createdAt: '2026-01-01T00:00:00.000Z',
    loadMs: 12,
    memGrowthBytes: 1024,
    points: [{ batchSize: 1, threads: 1, latency, throughputPerS: 500, converged: true, overheadP50Ms: 0.1 }],
    fit: { fixedMs: 1, perItemMs: 1, serialFraction: 1, medianRelError: 0, maxRelError: 0 },
    source: { sizeBytes: 10, mtimeMs: 1, sampleSha256: 'ab' },
    skipped: [{ batchSize: 2, threads: 1, reason: 'cell budget' }],
    sweepMs: 100,
    notes: [],
    ...overrides,
  };
}

function fixture(name: string): { store: ProfileStore; stateDir: string; repo: string } {
  const stateDir = join(root, name, 'state');
  const repo = join(root, name, 'repo');
  mkdirSync(join(repo, 'm', '1'), { recursive: true });
  return { store: new ProfileStore({ stateDir, repositoryDir: repo }), stateDir, repo };
}

describe('ProfileStore', () => {
  it('writes a profile to the state directory and beside the model, and reads it back', async () => {
    const { store, stateDir, repo } = fixture('roundtrip');
    const p = profile();
    const saved = await store.save(p);
    assert.equal(saved.statePath, join(stateDir, 'profiles', 'm', '1', 'cpu.json'));
    assert.equal(saved.repositoryPath, join(repo, 'm', '1', REPOSITORY_PROFILE_FILE));
    assert.deepEqual(JSON.parse(readFileSync(saved.statePath, 'utf8')), p);
    assert.deepEqual(JSON.parse(readFileSync(join(repo, 'm', '1', REPOSITORY_PROFILE_FILE), 'utf8')), [p]);
    assert.deepEqual(await store.get('m', '1'), { profiles: [p], ignored: [] });
    assert.deepEqual(await store.getKind('m', '1', 'cpu'), p);
    assert.equal(await store.getKind('m', '1', 'gpu'), undefined);
  });

  it('keeps one entry per executor kind in the repository file', async () => {
    const { store, repo } = fixture('kinds');
    await store.save(profile());
    await store.save(profile({ executorKind: 'gpu' }));
    await store.save(profile({ createdAt: '2026-02-01T00:00:00.000Z' }));
    const file = JSON.parse(readFileSync(join(repo, 'm', '1', REPOSITORY_PROFILE_FILE), 'utf8')) as ModelProfile[];
    assert.deepEqual(file.map((p) => [p.executorKind, p.createdAt]), [['gpu', '2026-01-01T00:00:00.000Z'], ['cpu', '2026-02-01T00:00:00.000Z']]);
    assert.deepEqual((await store.get('m', '1')).profiles.map((p) => p.executorKind), ['cpu', 'gpu']);
  });

  it('prefers the newer of the two copies', async () => {
    const { store, repo } = fixture('newest');
    await store.save(profile());
    const newer = profile({ createdAt: '2026-03-01T00:00:00.000Z', loadMs: 99 });
    writeFileSync(join(repo, 'm', '1', REPOSITORY_PROFILE_FILE), JSON.stringify(newer)); // a lone profile is read too
    assert.equal((await store.getKind('m', '1', 'cpu'))?.loadMs, 99);
  });

  it('reads a profile that travelled with a repository into a fresh state directory', async () => {
    const { store, repo } = fixture('travel');
    await store.save(profile());
    const elsewhere = new ProfileStore({ stateDir: join(root, 'travel', 'other-state'), repositoryDir: repo });
    assert.equal((await elsewhere.get('m', '1')).profiles.length, 1);
    assert.deepEqual((await elsewhere.forModel('m')).profiles.map((p) => p.version), ['1']);
  });

  it('ignores corrupt files with a reason instead of failing', async () => {
    const { store, stateDir, repo } = fixture('corrupt');
    mkdirSync(join(stateDir, 'profiles', 'm', '1'), { recursive: true });
    writeFileSync(join(stateDir, 'profiles', 'm', '1', 'cpu.json'), '{"model": "m", "trunc');
    writeFileSync(join(stateDir, 'profiles', 'm', '1', 'gpu.json'), JSON.stringify({ ...profile({ executorKind: 'gpu' }), points: 'many' }));
    writeFileSync(join(repo, 'm', '1', REPOSITORY_PROFILE_FILE), JSON.stringify([{ model: 'm' }, profile()]));
    const { profiles, ignored } = await store.get('m', '1');
    assert.deepEqual(profiles, [profile()]);
    assert.equal(ignored.length, 3);
    assert.match(ignored[0]?.reason ?? '', /not valid JSON/);
    assert.match(ignored[1]?.reason ?? '', /points is missing or invalid/);
    assert.match(ignored[2]?.path ?? '', /profile\.json#0$/);
  });

  it('ignores a repository file that is not a profile', async () => {
    const { store, repo } = fixture('format');
    writeFileSync(join(repo, 'm', '1', REPOSITORY_PROFILE_FILE), JSON.stringify({ format: 1, profiles: [profile()] }));
    const { profiles, ignored } = await store.get('m', '1');
    assert.equal(profiles.length, 0);
    assert.match(ignored[0]?.reason ?? '', /model is missing or invalid/);
  });

  it('keeps the state-directory copy when the repository copy cannot be written', async () => {
    const { store, repo } = fixture('unwritable');
    // A directory where the file should go makes the rename fail whatever the user's permissions (tests may run as root).
    mkdirSync(join(repo, 'm', '1', REPOSITORY_PROFILE_FILE, 'x'), { recursive: true });
    const saved = await store.save(profile());
    assert.equal(saved.repositoryPath, undefined);
    assert.equal(saved.warnings.length, 1);
    assert.match(saved.warnings[0] ?? '', /kept in the state directory only/);
    assert.equal((await store.getKind('m', '1', 'cpu'))?.model, 'm');
  });

  it('refuses model names that would leave the profile directory', async () => {
    const { store } = fixture('escape');
    await assert.rejects(store.get('../m', '1'), { code: 'INVALID_ARGUMENT' });
  });
});
