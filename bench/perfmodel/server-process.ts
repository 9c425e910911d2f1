// Runs `tessera serve` (HTTP only, one repository) as a child process for the validation, and stops it.

import { type ServeProcess, startServeProcess } from '../lib/serve-process.js';

export interface ServerProcessOptions {
  readonly repository: string;
  readonly stateDir: string;
  readonly workers: number;
  readonly threads: number;
  /** More `tessera serve` arguments (e.g. the policy). */
  readonly extraArgs?: readonly string[];
}

export type ServerProcess = Pick<ServeProcess, 'pid' | 'httpPort' | 'workerPids' | 'stop' | 'waitForLogs'>;

export function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  return startServeProcess(['--repository', o.repository, '--state-dir', o.stateDir, '--no-grpc', '--workers', String(o.workers), '--threads', String(o.threads), ...(o.extraArgs ?? [])]);
}
