// Parent side of a benchmark child process: fork a compiled script with a JSON config, await its ready/result.
// Load generators and baselines run in their own processes so they never share the measured event loop.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Child → parent. */
export type ChildMessage =
  | { readonly kind: 'ready'; readonly value: unknown }
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'error'; readonly message: string };

/** Parent → child: start measuring (after every sibling is ready), or stop serving and exit. */
export type ParentMessage = { readonly kind: 'go' } | { readonly kind: 'stop' };

export interface ChildTask<TReady, TResult> {
  readonly pid: number;
  /** What the child reported once set up (e.g. its port); rejects if it fails first. */
  readonly ready: Promise<TReady>;
  /** The child's result; rejects if it fails or exits without one. */
  readonly result: Promise<TResult>;
  send(message: ParentMessage): void;
  /** SIGKILL the child if it is still running. */
  kill(): void;
}

function settleable<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: Error): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // callers may await only one of ready/result
  return { promise, resolve, reject };
}

export function forkChildTask<TReady, TResult>(script: URL, config: unknown, label: string): ChildTask<TReady, TResult> {
  const child = fork(fileURLToPath(script), [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = settleable<TReady>();
  const result = settleable<TResult>();
  child.on('message', (raw) => {
    const m = raw as ChildMessage;
    if (m.kind === 'ready') ready.resolve(m.value as TReady);
    else if (m.kind === 'result') result.resolve(m.value as TResult);
    else {
      const err = new Error(`${label}: ${m.message}`);
      ready.reject(err);
      result.reject(err);
    }
  });
  const fail = (why: string): void => {
    const err = new Error(`${label}: ${why}`);
    ready.reject(err);
    result.reject(err);
  };
  child.on('error', (e) => fail(e.message));
  child.on('exit', (code, signal) => fail(`exited (code ${String(code)}, signal ${String(signal)}) without a result`));
  return {
    pid: child.pid ?? -1,
    ready: ready.promise,
    result: result.promise,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
