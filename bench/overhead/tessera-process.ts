// Runs `tessera serve` as a child process (so its pid, and its workers' pids, can be read) and stops it.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type ProcMemory, childPids, procMemory } from '../lib/proc-stats.js';

export interface TesseraProcessOptions {
  readonly stateDir: string;
  /** Model repository; absent: the zoo under the state directory. */
  readonly repository?: string;
  readonly workers: number;
  readonly intraOpThreads: number;
}

export interface TesseraMemory {
  readonly frontEnd: ProcMemory | undefined;
  readonly workers: readonly ProcMemory[];
}

export interface TesseraProcess {
  readonly pid: number;
  readonly httpPort: number;
  readonly grpcPort: number;
  /** Current worker process ids (a crashed worker comes back with a new one). */
  workerPids(): number[];
  memory(): TesseraMemory;
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

export async function startTesseraProcess(o: TesseraProcessOptions): Promise<TesseraProcess> {
  const args = [fileURLToPath(CLI_MAIN), 'serve', '--state-dir', o.stateDir, '--host', '127.0.0.1', '--http-port', '0', '--grpc-port', '0'];
  args.push('--workers', String(o.workers), '--threads', String(o.intraOpThreads), '--no-profile');
  if (o.repository !== undefined) args.push('--repository', o.repository);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (line: string): void => {
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  const ports = await new Promise<{ http: number; grpc: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tessera did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`tessera exited with code ${String(code)}:\n${tail.join('\n')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; http?: number; grpc?: number };
        if (entry.msg === 'tessera is serving' && entry.http !== undefined && entry.grpc !== undefined) {
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
    memory: () => ({
      frontEnd: procMemory(pid),
      workers: childPids(pid, WORKER_ENTRY).flatMap((w) => procMemory(w) ?? []),
    }),
    stop: () => stopChild(child),
  };
}
