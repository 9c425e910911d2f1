// Worker process entry: `node worker-main.js --socket PATH` or `--port N [--host H]` (or TESSERA_WORKER_* env).
// Holds onnxruntime sessions so inference never blocks the front end; exits when its parent goes away.

import { parseArgs } from 'node:util';
import { ServingError } from '../core/errors.js';
import { DEFAULT_MAX_FRAME_BYTES } from './protocol/frame-codec.js';
import type { WorkerReadyMessage } from './protocol/messages.js';
import type { WorkerAddress } from './protocol/worker-address.js';
import { WorkerServer } from './worker-server.js';

function addressFromArgs(values: { socket?: string | undefined; port?: string | undefined; host?: string | undefined }): WorkerAddress {
  const socket = values.socket ?? process.env['TESSERA_WORKER_SOCKET'];
  const port = values.port ?? process.env['TESSERA_WORKER_PORT'];
  const host = values.host ?? process.env['TESSERA_WORKER_HOST'];
  if (socket !== undefined && socket !== '') return { path: socket };
  if (port !== undefined && port !== '') {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ServingError('INVALID_ARGUMENT', `invalid --port '${port}'`);
    return host === undefined ? { port: n } : { port: n, host };
  }
  throw new ServingError('INVALID_ARGUMENT', 'worker needs --socket PATH or --port N');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      socket: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'max-frame-bytes': { type: 'string' },
    },
  });
  const maxFrameBytes = Number(values['max-frame-bytes'] ?? process.env['TESSERA_WORKER_MAX_FRAME_BYTES'] ?? DEFAULT_MAX_FRAME_BYTES);
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes <= 0) {
    throw new ServingError('INVALID_ARGUMENT', `invalid --max-frame-bytes '${values['max-frame-bytes'] ?? ''}'`);
  }
  const server = new WorkerServer(undefined, { maxFrameBytes });
  const address = await server.listen(addressFromArgs(values));

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    void server.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  const ready: WorkerReadyMessage = { type: 'ready', pid: process.pid, address };
  if (process.send !== undefined) {
    // Forked: the IPC channel closes when the parent dies, even by SIGKILL, so no orphan stays behind.
    process.on('disconnect', shutdown);
    process.send(ready);
  } else {
    process.stdout.write(`${JSON.stringify(ready)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`tessera worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
