// Child side of a benchmark child process: read the JSON config, run, report ready/result over IPC, exit.

import type { ChildMessage, ParentMessage } from './child-task.js';

export interface ChildContext {
  /** Tell the parent setup is done (value: e.g. the port listened on). */
  ready(value: unknown): void;
  /** Resolves when the parent sends this message. */
  waitFor(kind: ParentMessage['kind']): Promise<void>;
}

function send(message: ChildMessage, then?: () => void): void {
  if (process.send === undefined) throw new Error('a benchmark child must be started with an IPC channel');
  process.send(message, undefined, undefined, () => then?.());
}

/** CPU time of this process so far (user + system, all threads), µs. */
export function ownCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export function childTaskEntry<TConfig, TResult>(run: (config: TConfig, ctx: ChildContext) => Promise<TResult>): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as TConfig;
  const seen = new Set<string>();
  const waiters = new Map<string, (() => void)[]>();
  process.on('message', (raw) => {
    const kind = (raw as ParentMessage).kind;
    seen.add(kind);
    for (const w of waiters.get(kind) ?? []) w();
    waiters.delete(kind);
  });
  // An orphaned child must not keep loading the machine.
  process.on('disconnect', () => process.exit(1));
  const ctx: ChildContext = {
    ready: (value) => send({ kind: 'ready', value }),
    waitFor: (kind) =>
      seen.has(kind) ? Promise.resolve() : new Promise((resolve) => waiters.set(kind, [...(waiters.get(kind) ?? []), resolve])),
  };
  run(config, ctx).then(
    // Exit explicitly: onnxruntime thread pools and sockets would otherwise keep the process alive.
    (value) => send({ kind: 'result', value }, () => process.exit(0)),
    (e: unknown) => send({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }, () => process.exit(1)),
  );
}
