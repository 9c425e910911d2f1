// Starts `tessera serve` as a child process on free loopback ports, waits for "tessera is serving", and stops it.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { childPids } from './proc-stats.js';
import { FRONT_END_NODE_FLAGS } from '../../src/core/heap-flags.js';

/** One JSON log line of the server (pino). */
export interface LogEntry {
  readonly level?: number;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export interface ServeProcess {
  readonly pid: number;
  readonly httpPort: number;
  /** Undefined when started with --no-grpc. */
  readonly grpcPort: number | undefined;
  /** Current worker process ids (a crashed worker comes back with a new one). */
  workerPids(): number[];
  /** Every JSON log line so far. */
  readonly logs: readonly LogEntry[];
  /** Resolves with the first `count` entries matching, or with those seen when `timeoutMs` passes or the server exits. */
  waitForLogs(match: (e: LogEntry) => boolean, count: number, timeoutMs: number): Promise<LogEntry[]>;
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
const POLL_MS = 100;

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
  const argv = [...FRONT_END_NODE_FLAGS, fileURLToPath(CLI_MAIN), 'serve', '--host', '127.0.0.1', '--http-port', '0', '--no-profile', ...args];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const logs: LogEntry[] = [];
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
        const entry = JSON.parse(line) as LogEntry;
        logs.push(entry);
        if (entry.msg === 'tessera is serving' && typeof entry['http'] === 'number') {
          clearTimeout(timer);
          resolve({ http: entry['http'], grpc: typeof entry['grpc'] === 'number' ? entry['grpc'] : undefined });
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
  const waitForLogs = async (match: (e: LogEntry) => boolean, count: number, timeoutMs: number): Promise<LogEntry[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs.filter(match);
      if (found.length >= count || Date.now() >= deadline || child.exitCode !== null) return found.slice(0, count);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  return {
    logs,
    waitForLogs,
    pid,
    httpPort: ports.http,
    grpcPort: ports.grpc,
    workerPids: () => childPids(pid, WORKER_ENTRY),
    stop: () => stopChild(child),
  };
}
