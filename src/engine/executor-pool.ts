// What the engine needs from a set of executors: the executors, whether each can take work, and change events.

import type { Executor } from '../executor/executor.js';

export interface ExecutorChange {
  readonly id: string;
  /** 'down': stopped taking work (crashed, restarting); 'up': ready again with its sessions reloaded. */
  readonly kind: 'down' | 'up';
  readonly detail?: string;
}

export interface ExecutorPool {
  executors(): readonly Executor[];
  isAvailable(id: string): boolean;
  onChange(listener: (change: ExecutorChange) => void): void;
  stop(): Promise<void>;
}
