// Wraps a request → response function as a grpc-js unary handler that maps thrown errors to gRPC status.

import type { handleUnaryCall, Metadata, ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { grpcStatusOf, toServingError } from '../../core/errors.js';
import type { GrpcLogger } from './grpc-logger.js';

export function unaryHandler<Req, Res>(
  method: string,
  fn: (request: Req, metadata: Metadata) => Res | Promise<Res>,
  logger: GrpcLogger | undefined,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    // Promise.resolve().then also turns synchronous throws into rejections, so one path handles both.
    Promise.resolve()
      .then(() => fn(call.request, call.metadata))
      .then(
        (response) => callback(null, response),
        (err: unknown) => {
          // ServingErrors (and coded errors from worker processes) keep their code; anything else is INTERNAL.
          const error = toServingError(err);
          if (error.code === 'INTERNAL') logger?.error({ err, method }, 'gRPC call failed');
          callback({ code: grpcStatusOf(error.code), details: error.message });
        },
      )
      // Only reached if grpc-js itself throws while answering; never let that become an unhandled rejection.
      .catch((err: unknown) => logger?.error({ err, method }, 'gRPC answer failed'));
  };
}
