// Runs `tessera serve` (HTTP only, one repository) as a child process for the validation, and stops it.

import { type ServeProcess, startServeProcess } from '../lib/serve-process.js';

export interface ServerProcessOptions {
  readonly repository: string;
  readonly stateDir: string;
  readonly workers: number;
  readonly threads: number;
}

export type ServerProcess = Pick<ServeProcess, 'pid' | 'httpPort' | 'workerPids' | 'stop'>;

export function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  return startServeProcess(['--repository', o.repository, '--state-dir', o.stateDir, '--no-grpc', '--workers', String(o.workers), '--threads', String(o.threads)]);
}
