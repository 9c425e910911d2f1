// Where a worker listens: a Unix socket path (local) or a TCP port (cluster); one option, the same protocol.

import { connect, type Socket } from 'node:net';
import { ServingError } from '../../core/errors.js';

export type WorkerAddress = { readonly path: string } | { readonly port: number; readonly host?: string };

export const DEFAULT_WORKER_HOST = '127.0.0.1';

export function describeAddress(address: WorkerAddress): string {
  return 'path' in address ? `unix:${address.path}` : `tcp:${address.host ?? DEFAULT_WORKER_HOST}:${address.port}`;
}

/** Open a connection to a worker; rejects UNAVAILABLE (retryable) when nothing answers. */
export function connectWorker(address: WorkerAddress): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in address ? connect(address.path) : connect(address.port, address.host ?? DEFAULT_WORKER_HOST);
    const onError = (err: Error): void => {
      socket.destroy();
      reject(new ServingError('UNAVAILABLE', `cannot connect to worker at ${describeAddress(address)}: ${err.message}`, { retryable: true, cause: err }));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
