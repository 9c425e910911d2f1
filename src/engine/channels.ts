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
  /** App and tenant the request came through (absent for plain model requests). */
  readonly app?: string;
  readonly tenant?: string;
  /** For requests with a deadline: whether the answer came in time. */
  readonly sloMet?: boolean;
  /** For rejected or dropped requests: why, as a short label (admission, deadline, queue_full, ...). */
  readonly reason?: string;
}

/** One unit of work (batch or segment) an executor ran, charged to a tenant's share. */
export interface DeviceUnitEvent {
  readonly executor: string;
  readonly model: string;
  readonly tenant: string;
  /** Time inside onnxruntime, ns. */
  readonly computeNs: number;
}

/** The executor switched from one model's work to another's. */
export interface DeviceSwitchEvent {
  readonly executor: string;
  readonly intervalMs: number;
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
export const deviceUnit = diagnostics.channel('tessera:device:unit');
export const deviceSwitch = diagnostics.channel('tessera:device:switch');
