// The load generator against the real server (worker processes, tiny-add): HTTP and gRPC, JSON and binary, and the CLI.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerBenchCommand } from '../src/cli/bench-command.js';
import { type LoadReport, runLoad } from '../src/loadgen/index.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import { type E2eServer, startE2eServer } from './helpers/e2e-server.js';
import { TempRepository } from './helpers/temp-repository.js';

/** Far above any tiny-add latency on a loaded 2-core machine, so every OK response counts as within it. */
const GENEROUS_SLO_MS = 10_000;

describe('load generator end to end', () => {
  const repo = new TempRepository('loadgen-e2e').addModel('tiny-add', buildTinyAdd());
  let e2e: E2eServer;
  let grpcUrl: string;

  before(async () => {
    e2e = await startE2eServer(repo, { grpcPort: 0 });
    grpcUrl = `127.0.0.1:${e2e.server.grpcPort}`;
  });

  after(async () => {
    await e2e.server.stop();
    repo.remove();
  });

  it('drives tiny-add open-loop over HTTP and closed-loop over gRPC at once, every request answered OK', async () => {
    const report = await runLoad({
      url: e2e.url,
      grpcUrl,
      durationS: 2,
      apps: [
        { name: 'http-poisson', target: { kind: 'model', name: 'tiny-add' }, arrival: { kind: 'poisson', ratePerS: 100 }, sloMs: GENEROUS_SLO_MS },
        { name: 'grpc-closed', target: { kind: 'model', name: 'tiny-add' }, protocol: 'grpc', arrival: { kind: 'closed', clients: 2 }, sloMs: GENEROUS_SLO_MS },
      ],
    });
    for (const app of report.apps) {
      assert.ok(app.sent > 0, `${app.name} sent nothing`);
      assert.equal(app.ok, app.sent, `${app.name}: ${JSON.stringify(app.errorsByStatus)} ${JSON.stringify(app.rejectsByReason)}`);
      assert.equal(app.sloAttainment, 1);
      assert.ok(app.latencyMs !== null && app.latencyMs.p50Ms > 0 && app.latencyMs.p99Ms >= app.latencyMs.p50Ms);
      assert.ok(app.goodputPerS > 0);
    }
    assert.equal(report.overall.ok, report.apps.reduce((s, a) => s + a.ok, 0));
    assert.equal(report.aborted, false);
  });

  it('sends binary tensors with several rows per request to a pinned version', async () => {
    const report = await runLoad({
      url: e2e.url,
      durationS: 1,
      encoding: 'binary',
      apps: [{ name: 'rows', target: { kind: 'model', name: 'tiny-add', version: '1' }, arrival: { kind: 'deterministic', ratePerS: 30 }, rows: 8 }],
    });
    assert.equal(report.apps[0]?.sent, 29);
    assert.equal(report.apps[0]?.ok, 29);
  });

  it('refuses to start when the target model does not exist', async () => {
    await assert.rejects(runLoad({ url: e2e.url, durationS: 1, apps: [{ name: 'x', target: { kind: 'model', name: 'missing' }, arrival: { kind: 'poisson', ratePerS: 1 } }] }), {
      code: 'NOT_FOUND',
    });
  });

  it('runs from the command line, printing a table and writing the JSON report', async () => {
    const out = join(repo.dir, 'bench.json');
    let printed = '';
    const program = new Command().exitOverride();
    registerBenchCommand(program, { stdout: { write: (t: string) => (printed += t) }, stderr: { write: () => true } });
    await program.parseAsync(['bench', '--url', e2e.url, '--target', 'model:tiny-add', '--rate', '40', '--duration', '1', '--slo-ms', '5000', '--out', out, '--no-progress'], {
      from: 'user',
    });
    const report = JSON.parse(readFileSync(out, 'utf8')) as LoadReport;
    assert.equal(report.apps[0]?.target, 'model:tiny-add');
    assert.ok((report.apps[0]?.ok ?? 0) > 0);
    assert.match(printed, /tiny-add\s+model:tiny-add\s+5000/);
    assert.match(printed, /^overall/m);
  });
});
