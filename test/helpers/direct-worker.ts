// Forks one worker process on a Unix socket and connects a WorkerClient straight to it (no pool, no supervisor).

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WorkerClient } from '../../src/executor/worker-client.js';

export const WORKER_MAIN = fileURLToPath(new URL('../../src/executor/worker-main.js', import.meta.url));

export interface DirectWorker {
  readonly child: ChildProcess;
  readonly client: WorkerClient;
  /** Closes the client and kills the process. */
  stop(): Promise<void>;
}

export async function startDirectWorker(socketPath: string): Promise<DirectWorker> {
  const child = fork(WORKER_MAIN, ['--socket', socketPath], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  const client = await WorkerClient.connect('direct', { path: socketPath });
  return {
    child,
    client,
    stop: async () => {
      await client.close();
      child.kill('SIGKILL');
    },
  };
}
