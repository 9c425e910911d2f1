// Starts a whole Tessera server in-process (real worker processes) on free loopback ports for end-to-end tests.

import pino from 'pino';
import { type RunningServer, startServer } from '../../src/cli/server.js';
import { type ServerOptions, defaultServerOptions } from '../../src/cli/server-options.js';
import type { TempRepository } from './temp-repository.js';

export interface E2eServer {
  readonly server: RunningServer;
  /** http://127.0.0.1:<port>, without a trailing slash. */
  readonly url: string;
}

/**
 * Two workers, no gRPC and silent logs unless `overrides` says otherwise.
 * TESSERA_E2E_LOG=debug (or any pino level) shows the server's log while debugging a test.
 */
export async function startE2eServer(repo: TempRepository, overrides: Partial<ServerOptions> = {}): Promise<E2eServer> {
  const options: ServerOptions = {
    ...defaultServerOptions(),
    repository: repo.root,
    stateDir: repo.stateDir,
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: -1,
    workers: 2,
    intraOpThreads: 1,
    logLevel: 'silent',
    backgroundProfile: false,
    ...overrides,
  };
  const logger = pino({ level: process.env['TESSERA_E2E_LOG'] ?? options.logLevel });
  const server = await startServer(options, logger);
  return { server, url: `http://127.0.0.1:${server.httpPort}` };
}
