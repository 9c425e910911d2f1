// Loads proto/grpc_service.proto at runtime and returns the inference.GRPCInferenceService definition.

import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

/** From dist/src/frontend/grpc/ (any dist folder at the repo root) up to <repo>/proto. */
export const INFERENCE_PROTO_PATH = fileURLToPath(new URL('../../../../proto/grpc_service.proto', import.meta.url));

/** int64 as decimal strings so no value loses precision; defaults so absent fields read as '' / [] / null. */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

const SERVICE_NAME = 'inference.GRPCInferenceService';

let cached: ServiceDefinition | undefined;

export function inferenceServiceDefinition(): ServiceDefinition {
  if (cached === undefined) {
    const definition = loadSync(INFERENCE_PROTO_PATH, PROTO_LOADER_OPTIONS)[SERVICE_NAME];
    if (definition === undefined || !('ServerLive' in definition)) {
      throw new Error(`${INFERENCE_PROTO_PATH} does not define ${SERVICE_NAME}`);
    }
    cached = definition as ServiceDefinition;
  }
  return cached;
}
