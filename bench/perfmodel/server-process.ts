// Runs `tessera serve` (HTTP only, one repository) as a child process for the validation, and stops it.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { childPids } from '../lib/proc-stats.js';

export interface ServerProcessOptions {
  readonly repository: string;
  readonly stateDir: string;
  readonly workers: number;
  readonly threads: number;
}

export interface ServerProcess {
  readonly pid: number;
  readonly httpPort: number;
  workerPids(): number[];
  /** SIGTERM (graceful drain), SIGKILL if it lingers. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 20;
const CLI_MAIN = new URL('../../src/cli/main.js', import.meta.url);
const WORKER_ENTRY = 'worker-main';

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export async function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  const args = [fileURLToPath(CLI_MAIN), 'serve', '--repository', o.repository, '--state-dir', o.stateDir];
  args.push('--host', '127.0.0.1', '--http-port', '0', '--no-grpc', '--workers', String(o.workers), '--threads', String(o.threads), '--no-profile');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (line: string): void => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  const httpPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tessera did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`tessera exited with code ${String(code)}:\n${tail.join('\n')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; http?: number };
        if (entry.msg === 'tessera is serving' && entry.http !== undefined) {
          clearTimeout(timer);
          resolve(entry.http);
        }
      } catch {
        // not a JSON log line: ignore
      }
    });
  }).catch(async (e: unknown) => {
    await stopChild(child);
    throw e;
  });
  const pid = child.pid ?? -1;
  return { pid, httpPort, workerPids: () => childPids(pid, WORKER_ENTRY), stop: () => stopChild(child) };
}
