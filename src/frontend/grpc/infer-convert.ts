// ModelInferRequest → core InferRequest and core InferResponse → ModelInferResponse.

import { ServingError } from '../../core/errors.js';
import type { InferRequest, InferResponse, RequestedOutput } from '../../core/inference.js';
import { parametersFromWire, parametersToWire } from './parameter-convert.js';
import { tensorsFromWire, tensorsToWire } from './tensor-convert.js';
import type { WireModelInferRequest, WireModelInferResponse } from './wire-types.js';

export function inferRequestFromWire(wire: WireModelInferRequest): InferRequest {
  const parameters = parametersFromWire(wire.parameters, 'request');
  // App and task requests (tessera.app / tessera.task parameters) name no model: the router picks it.
  const routed = parameters?.['tessera.app'] !== undefined || parameters?.['tessera.task'] !== undefined;
  if (wire.model_name === '' && !routed) throw new ServingError('INVALID_ARGUMENT', 'model_name is required');
  return {
    model: wire.model_name,
    ...(wire.model_version === '' ? {} : { version: wire.model_version }),
    ...(wire.id === '' ? {} : { id: wire.id }),
    inputs: tensorsFromWire(wire.inputs, wire.raw_input_contents),
    ...(wire.outputs.length === 0 ? {} : { outputs: wire.outputs.map(requestedOutputFromWire) }),
    ...(parameters === undefined ? {} : { parameters }),
  };
}

function requestedOutputFromWire(wire: WireModelInferRequest['outputs'][number]): RequestedOutput {
  const parameters = parametersFromWire(wire.parameters, `output '${wire.name}'`);
  return { name: wire.name, ...(parameters === undefined ? {} : { parameters }) };
}

/** `requestId` is echoed when the engine's response does not carry the id itself. */
export function inferResponseToWire(response: InferResponse, requestId: string): WireModelInferResponse {
  return {
    model_name: response.model,
    model_version: response.version,
    id: response.id ?? requestId,
    parameters: parametersToWire(response.parameters),
    ...tensorsToWire(response.outputs),
  };
}
