// End to end: a model is profiled in the background after it loads and its profile is served over HTTP.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelProfileAnswer } from '../src/engine/engine-api.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import { type E2eServer, startE2eServer } from './helpers/e2e-server.js';
import { TempRepository } from './helpers/temp-repository.js';
import { waitUntil } from './helpers/wait-until.js';

describe('background profiling', () => {
  const repo = new TempRepository('tessera-e2e-profile-');
  let e2e: E2eServer;

  before(async () => {
    repo.addModel('tiny-add', buildTinyAdd(), { configYaml: 'max_batch_size: 4\n' });
    e2e = await startE2eServer(repo, { backgroundProfile: true, profileCellBudgetMs: 200, profileModelBudgetMs: 3000 });
  });

  after(async () => {
    await e2e.server.stop();
    repo.remove();
  });

  it('serves the model while it is profiled, then serves the stored profile', async () => {
    const first = await fetch(`${e2e.url}/v2/models/tiny-add/ready`);
    assert.equal(first.status, 200);
    let answer: ModelProfileAnswer | undefined;
    await waitUntil(
      'the profile is stored',
      async () => {
        const res = await fetch(`${e2e.url}/v2/models/tiny-add/versions/1/profile`);
        if (res.status !== 200) return false;
        answer = (await res.json()) as ModelProfileAnswer;
        return true;
      },
      60_000,
    );
    const profile = answer?.profiles[0];
    assert.equal(profile?.model, 'tiny-add');
    assert.equal(profile?.executorKind, 'cpu');
    assert.ok((profile?.points.length ?? 0) > 0);
    assert.ok(profile?.points.every((p) => p.latency.p50Ms > 0 && p.batchSize <= 4));
    assert.ok(Number.isFinite(profile?.fit.medianRelError));
  });

  it('answers 404 with a reason for a model that is not in the repository', async () => {
    const res = await fetch(`${e2e.url}/v2/models/nope/profile`);
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: string }).error, /nope/);
  });
});
