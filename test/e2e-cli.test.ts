// End to end through the command line: `tessera serve` in its own process, `tessera infer` against it, then SIGTERM
// stops it with exit code 0 and no worker left.

import assert from 'node:assert/strict';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { defaultServerOptions } from '../src/cli/server-options.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';
import type { InferResponseJson } from './helpers/oip-client.js';
import { isProcessAlive } from './helpers/process-alive.js';
import { TempRepository } from './helpers/temp-repository.js';
import { tinyAddA, tinyAddSum } from './helpers/tiny-add-request.js';
import { waitUntil } from './helpers/wait-until.js';
import { withTimeout } from './helpers/with-timeout.js';

// This file sits in <dist>/test/, so the same test runs the CLI of whichever build folder it was compiled into.
const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 20_000;
const run = promisify(execFile);

const repo = new TempRepository('e2e-cli').addModel('tiny-add', buildTinyAdd());
const aFile = repo.writeFile('a.bin', new Uint8Array(new Float32Array(tinyAddA(1, 2)).buffer));
const bFile = repo.writeFile('b.bin', new Uint8Array(new Float32Array(16).fill(0.5).buffer));

let server: ChildProcess;
let url: string;
let exited: Promise<[number | null, NodeJS.Signals | null]>;
const logLines: string[] = [];
/** The "tessera is serving" log entry. */
let serving: Record<string, unknown> = {};

/** Pids of the server's child processes (its workers), from ps. */
function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there is no such child
  }
}

before(async () => {
  server = spawn(
    process.execPath,
    [MAIN, 'serve', '--repository', repo.root, '--state-dir', repo.stateDir, '--host', '127.0.0.1', '--http-port', '0', '--no-grpc', '--workers', '2', '--log-level', 'info', '--admission-quantile', '0.95', '--admission-horizon-ms', '3000'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  server.stderr?.on('data', (d: Buffer) => logLines.push(d.toString()));
  const port = new Promise<number>((resolve, reject) => {
    createInterface({ input: server.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      logLines.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; http?: number };
        if (entry.msg === 'tessera is serving' && typeof entry.http === 'number') {
          serving = entry;
          resolve(entry.http);
        }
      } catch {
        // not a log line (a worker may print too)
      }
    });
    void exited.then(([code]) => reject(new Error(`tessera serve exited with ${code} before serving:\n${logLines.join('\n')}`)));
  });
  url = `http://127.0.0.1:${await withTimeout(port, STARTUP_TIMEOUT_MS, 'tessera serve logs that it is serving')}`;
});

after(() => {
  // Only if a test failed half-way: never leave the server or its workers running.
  if (server.exitCode === null && server.signalCode === null) {
    for (const pid of childPids(server.pid as number)) process.kill(pid, 'SIGKILL');
    server.kill('SIGKILL');
  }
  repo.remove();
});

describe('tessera serve and tessera infer', () => {
  it('answers ready once it logs that it is serving', async () => {
    const res = await fetch(`${url}/v2/health/ready`, { signal: AbortSignal.timeout(15_000) });
    assert.equal(res.status, 200);
  });

  it('logs the scheduling settings in effect: the --admission-* values given, the defaults for the rest', () => {
    assert.equal(serving['policy'], defaultServerOptions().policy);
    assert.deepEqual(serving['admission'], { ...defaultServerOptions().admission, quantile: 0.95, horizonMs: 3000 });
  });

  it('infer --json prints the response and timing for the given input files', async () => {
    const { stdout } = await run(process.execPath, [MAIN, 'infer', 'tiny-add', '--url', url, '--json', '--data', `a=${aFile}`, `b=${bFile}`]);
    const printed = JSON.parse(stdout) as { response: InferResponseJson; timing: { requests: number } };
    assert.equal(printed.response.model_name, 'tiny-add');
    const sum = printed.response.outputs[0];
    assert.equal(sum?.name, 'sum');
    assert.deepEqual(sum?.shape, [1, 16]);
    assert.deepEqual(sum?.data, tinyAddSum(1, 2, 0.5));
    assert.equal(printed.timing.requests, 1);
  });

  it('infer exits 1 with the server’s error for an unknown model', async () => {
    await assert.rejects(run(process.execPath, [MAIN, 'infer', 'no-such-model', '--url', url]), (e: { code?: number; stderr?: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr ?? '', /HTTP 404.*no-such-model/);
      return true;
    });
  });

  it('SIGTERM stops the server with exit code 0 and no worker process left', async () => {
    const workers = childPids(server.pid as number);
    // Two serving workers, plus the background profiler's worker once it has started.
    assert.ok(workers.length >= 2, `at least two workers in ${JSON.stringify(workers)}`);
    server.kill('SIGTERM');
    const [code, signal] = await withTimeout(exited, EXIT_TIMEOUT_MS, 'tessera serve exits');
    assert.equal(signal, null);
    assert.equal(code, 0, logLines.join('\n'));
    for (const pid of workers) await waitUntil(`worker ${pid} is gone`, () => !isProcessAlive(pid), 5000);
    assert.ok(logLines.some((l) => l.includes('"msg":"stopped"')), 'the server logged that it stopped');
  });
});

describe('tessera serve option checks', () => {
  for (const [option, value, expected] of [
    ['--preempt-quantum-ms', '-1', 'expected a number >= 0'],
    ['--segment-quantum-ms', 'abc', 'expected a number >= 0'],
    ['--admission-quantile', '1.5', 'expected a number in \\(0, 1\\]'],
    ['--admission-overloaded-share', '0', 'expected a number in \\(0, 1\\]'],
    ['--admission-horizon-ms', '0', 'expected an integer >= 1'],
    ['--admission-recurrence', 'two', 'expected an integer >= 1'],
  ] as const) {
    it(`exits 1 with a clear error for ${option} ${value}`, async () => {
      const res = await run(process.execPath, [MAIN, 'serve', option, value, '--no-grpc', '--http-port', '0', '--state-dir', repo.stateDir], { timeout: EXIT_TIMEOUT_MS }).then(
        () => assert.fail('serve started with an invalid option'),
        (e: { code?: number; stderr?: string }) => e,
      );
      assert.equal(res.code, 1);
      assert.match(res.stderr ?? '', new RegExp(`option '${option} <[a-z]+>' argument '${value}' is invalid\\. ${expected}`));
    });
  }

  it('exits 1 naming the allowed choices for --worker-heap lots', async () => {
    const res = await run(process.execPath, [MAIN, 'serve', '--worker-heap', 'lots', '--no-grpc', '--http-port', '0', '--state-dir', repo.stateDir], { timeout: EXIT_TIMEOUT_MS }).then(
      () => assert.fail('serve started with an invalid --worker-heap'),
      (e: { code?: number; stderr?: string }) => e,
    );
    assert.equal(res.code, 1);
    assert.match(res.stderr ?? '', /option '--worker-heap <mode>' argument 'lots' is invalid\. Allowed choices are auto, release, reuse/);
  });
});
