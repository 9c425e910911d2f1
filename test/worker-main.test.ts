// The worker process on its own: TCP transport with a ready line on stdout, malformed input, graceful and orphan exits.

import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { WorkerReadyMessage } from '../src/executor/protocol/messages.js';
import type { WorkerAddress } from '../src/executor/protocol/worker-address.js';
import { WorkerClient } from '../src/executor/worker-client.js';
import { buildTinyAdd } from '../src/repository/zoo/tiny-add.js';

const WORKER_MAIN = fileURLToPath(new URL('../src/executor/worker-main.js', import.meta.url));
const EXIT_WAIT_MS = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'tessera-worker-'));
const modelPath = join(dir, 'tiny-add.onnx');
writeFileSync(modelPath, buildTinyAdd());
after(() => rmSync(dir, { recursive: true, force: true }));

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number): Promise<boolean> {
  for (let waitedMs = 0; waitedMs < EXIT_WAIT_MS; waitedMs += 50) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('worker process started by hand on a TCP port', () => {
  let child: ChildProcessWithoutNullStreams;
  let address: WorkerAddress;
  let client: WorkerClient;

  before(async () => {
    child = spawn(process.execPath, [WORKER_MAIN, '--port', '0'], { stdio: 'pipe' });
    const ready = JSON.parse(await firstLine(child)) as WorkerReadyMessage;
    assert.equal(ready.type, 'ready');
    assert.equal(ready.pid, child.pid);
    address = ready.address;
    client = await WorkerClient.connect('tcp', address);
  });
  after(async () => {
    await client.close();
    child.kill('SIGKILL');
  });

  it('announces the port it bound on stdout and serves runs over TCP', async () => {
    assert.ok('port' in address && address.port > 0);
    await client.load({ key: 'tiny-add@1', path: modelPath, options: { intraOpThreads: 1 } });
    const inputs = ['a', 'b'].map((name) => ({ name, datatype: 'FP32' as const, shape: [1, 16], data: new Float32Array(16).fill(2) }));
    const result = await client.run('tiny-add@1', inputs, []);
    assert.deepEqual([...(result.outputs[0]?.data as Float32Array)], new Array(16).fill(4));
    const pong = await client.ping();
    assert.equal(pong.pid, child.pid);
    assert.ok(pong.rssBytes > 0);
  });

  it('closes a connection that sends a malformed frame and keeps serving the others', async () => {
    assert.ok('port' in address);
    const bad = connect(address.port, address.host);
    await once(bad, 'connect');
    const junk = Buffer.alloc(32, 0x21);
    junk.writeUInt32LE(32, 0);
    junk.writeUInt32LE(24, 4);
    bad.write(junk);
    await once(bad, 'close');
    assert.equal((await client.ping()).pid, child.pid);
  });

  it('exits cleanly on SIGTERM', async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
  });
});

it('a forked worker exits when its parent dies, so no orphan stays behind', async () => {
  // A throwaway parent forks a worker, prints its pid, and is then SIGKILLed (no chance to clean up).
  const parentCode = `
    import { fork } from 'node:child_process';
    const w = fork(${JSON.stringify(WORKER_MAIN)}, ['--socket', ${JSON.stringify(join(dir, 'orphan.sock'))}], { execArgv: [] });
    w.on('message', (m) => { if (m.type === 'ready') console.log(w.pid); });
  `;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', parentCode], { stdio: 'pipe' });
  const workerPid = Number(await firstLine(parent));
  assert.ok(isAlive(workerPid));
  parent.kill('SIGKILL');
  assert.equal(await waitGone(workerPid), true, `worker ${workerPid} outlived its parent`);
});
