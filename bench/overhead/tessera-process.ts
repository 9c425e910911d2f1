// Runs `tessera serve` as a child process (so its pid, and its workers' pids, can be read) and stops it.

import { type ProcMemory, procMemory } from '../lib/proc-stats.js';
import { startServeProcess } from '../lib/serve-process.js';

export interface TesseraProcessOptions {
  readonly stateDir: string;
  /** Model repository; absent: the zoo under the state directory. */
  readonly repository?: string;
  readonly workers: number;
  readonly intraOpThreads: number;
}

export interface TesseraMemory {
  readonly frontEnd: ProcMemory | undefined;
  readonly workers: readonly ProcMemory[];
}

export interface TesseraProcess {
  readonly pid: number;
  readonly httpPort: number;
  readonly grpcPort: number;
  workerPids(): number[];
  memory(): TesseraMemory;
  stop(): Promise<void>;
}

export async function startTesseraProcess(o: TesseraProcessOptions): Promise<TesseraProcess> {
  const args = ['--state-dir', o.stateDir, '--grpc-port', '0', '--workers', String(o.workers), '--threads', String(o.intraOpThreads)];
  if (o.repository !== undefined) args.push('--repository', o.repository);
  const server = await startServeProcess(args);
  if (server.grpcPort === undefined) {
    await server.stop();
    throw new Error('tessera started without a gRPC port');
  }
  return {
    ...server,
    grpcPort: server.grpcPort,
    memory: () => ({
      frontEnd: procMemory(server.pid),
      workers: server.workerPids().flatMap((w) => procMemory(w) ?? []),
    }),
  };
}
