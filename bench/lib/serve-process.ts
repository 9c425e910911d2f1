// Starts `tessera serve` as a child process on free loopback ports, waits for "tessera is serving", and stops it.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { childPids } from './proc-stats.js';

export interface ServeProcess {
  readonly pid: number;
  readonly httpPort: number;
  /** Undefined when started with --no-grpc. */
  readonly grpcPort: number | undefined;
  /** Current worker process ids (a crashed worker comes back with a new one). */
  workerPids(): number[];
  /** SIGTERM (graceful drain), SIGKILL if it lingers. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
/** Log lines kept to explain a failed start. */
const LOG_TAIL_LINES = 20;
const CLI_MAIN = new URL('../../src/cli/main.js', import.meta.url);
/** Worker processes are recognised by their entry script in the command line. */
const WORKER_ENTRY = 'worker-main';

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** `args` follow `serve --host 127.0.0.1 --http-port 0 --no-profile`; benchmarks never profile in the background. */
export async function startServeProcess(args: readonly string[]): Promise<ServeProcess> {
  const argv = [fileURLToPath(CLI_MAIN), 'serve', '--host', '127.0.0.1', '--http-port', '0', '--no-profile', ...args];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (line: string): void => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  const ports = await new Promise<{ http: number; grpc: number | undefined }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tessera did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`tessera exited with code ${String(code)}:\n${tail.join('\n')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; http?: number; grpc?: number };
        if (entry.msg === 'tessera is serving' && entry.http !== undefined) {
          clearTimeout(timer);
          resolve({ http: entry.http, grpc: entry.grpc });
        }
      } catch {
        // not a JSON log line (e.g. a progress bar): ignore
      }
    });
  }).catch(async (e: unknown) => {
    await stopChild(child);
    throw e;
  });
  const pid = child.pid ?? -1;
  return {
    pid,
    httpPort: ports.http,
    grpcPort: ports.grpc,
    workerPids: () => childPids(pid, WORKER_ENTRY),
    stop: () => stopChild(child),
  };
}
