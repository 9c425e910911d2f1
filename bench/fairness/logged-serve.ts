// Starts `tessera serve` and keeps its JSON log lines, so the experiment can wait for "model segmented for fair sharing".

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface LogEntry {
  readonly level?: number;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export interface LoggedServe {
  readonly httpPort: number;
  /** Every JSON log line so far. */
  readonly logs: readonly LogEntry[];
  /** Resolves with the first `count` entries matching, or with those seen when `timeoutMs` passes. */
  waitForLogs(match: (e: LogEntry) => boolean, count: number, timeoutMs: number): Promise<LogEntry[]>;
  /** Non-JSON output lines (stderr and stdout), the last few, to explain a failure. */
  tail(): string[];
  stop(): Promise<void>;
}

const CLI_MAIN = new URL('../../src/cli/main.js', import.meta.url);
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const TAIL_LINES = 30;
const POLL_MS = 100;
/** pino's level number of warn: warnings and errors go to the tail too. */
const WARN_LEVEL = 40;

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** `args` follow `serve --host 127.0.0.1 --http-port 0 --no-grpc --no-profile`. */
export async function startLoggedServe(args: readonly string[]): Promise<LoggedServe> {
  const argv = [fileURLToPath(CLI_MAIN), 'serve', '--host', '127.0.0.1', '--http-port', '0', '--no-grpc', '--no-profile', ...args];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: LogEntry[] = [];
  const tail: string[] = [];
  const keep = (line: string): void => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  createInterface({ input: child.stderr }).on('line', keep);
  createInterface({ input: child.stdout }).on('line', (line) => {
    let entry: LogEntry;
    try {
      entry = JSON.parse(line) as LogEntry;
    } catch {
      keep(line); // a progress bar or a stray print
      return;
    }
    logs.push(entry);
    if ((entry.level ?? 0) >= WARN_LEVEL) keep(line);
  });
  const waitForLogs = async (match: (e: LogEntry) => boolean, count: number, timeoutMs: number): Promise<LogEntry[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logs.filter(match);
      if (found.length >= count || Date.now() >= deadline || child.exitCode !== null) return found.slice(0, count);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  const serving = await waitForLogs((e) => e.msg === 'tessera is serving', 1, START_TIMEOUT_MS);
  const http = serving[0]?.['http'];
  if (typeof http !== 'number') {
    await stopChild(child);
    throw new Error(`tessera serve ${args.join(' ')} did not start:\n${tail.join('\n')}`);
  }
  return { httpPort: http, logs, waitForLogs, tail: () => [...tail], stop: () => stopChild(child) };
}
