// Starts the OIP V2 gRPC front end (inference.GRPCInferenceService) on its own port.

import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { EngineApi } from '../../engine/engine-api.js';
import type { GrpcLogger } from './grpc-logger.js';
import { inferenceServiceDefinition } from './inference-proto.js';
import { type GrpcAuthenticate, createInferenceService } from './inference-service.js';

export interface GrpcServerOptions {
  readonly host: string;
  /** 0 picks a free port; the bound one is returned. */
  readonly port: number;
  /** Largest request or response message, in bytes; larger ones fail with RESOURCE_EXHAUSTED. */
  readonly maxMessageBytes: number;
  readonly logger?: GrpcLogger;
  /** Resolves the `authorization` metadata to a caller; absent: no authentication (every caller is the default tenant). */
  readonly authenticate?: GrpcAuthenticate;
}

export interface GrpcServerHandle {
  readonly port: number;
  /** Stops accepting calls, lets in-flight ones finish (up to a grace period), then closes. */
  close(): Promise<void>;
}

/** How long close() waits for in-flight calls before cutting them off. */
const SHUTDOWN_GRACE_MS = 5_000;

export async function startGrpcServer(engine: EngineApi, opts: GrpcServerOptions): Promise<GrpcServerHandle> {
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxMessageBytes,
    'grpc.max_send_message_length': opts.maxMessageBytes,
  });
  server.addService(inferenceServiceDefinition(), createInferenceService(engine, opts.logger, opts.authenticate));
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) =>
      err === null ? resolve(bound) : reject(err),
    );
  });
  opts.logger?.info({ host: opts.host, port }, 'gRPC front end listening');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    return closing;
  };
  return { port, close };
}
