// Named diagnostics channels the engine publishes to; metrics and logs subscribe (zero cost with no subscriber).

import diagnostics from 'node:diagnostics_channel';

export interface RequestDoneEvent {
  readonly model: string;
  readonly version: string;
  /** 'success' or the ServingError code of the failure. */
  readonly outcome: string;
  readonly totalNs: number;
  readonly queueNs: number;
  readonly computeNs: number;
}

export interface BatchEvent {
  readonly model: string;
  readonly version: string;
  readonly rows: number;
  readonly requests: number;
  readonly computeNs: number;
}

export interface QueueEvent {
  readonly model: string;
  readonly version: string;
  /** +1 when a request is admitted, -1 when it leaves (answered or failed). */
  readonly delta: number;
}

export interface WorkerEvent {
  readonly id: string;
  readonly kind: 'exit' | 'restart' | 'ready';
  readonly detail?: string;
}

export const requestDone = diagnostics.channel('tessera:request:done');
export const batchExecuted = diagnostics.channel('tessera:batch:executed');
export const queueChanged = diagnostics.channel('tessera:queue:changed');
export const workerChanged = diagnostics.channel('tessera:worker:changed');
