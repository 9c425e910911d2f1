// Request parameters per target: tessera.* for task (and, over gRPC, app) targets, OIP timeout/priority for models.

import type { Parameters } from '../core/inference.js';
import type { AppLoad, Protocol } from './load-spec.js';

export function requestParameters(app: AppLoad, protocol: Protocol): Parameters {
  const p: Parameters = {};
  const t = app.target;
  if (t.kind === 'app' && protocol === 'grpc') p['tessera.app'] = t.name;
  if (t.kind === 'task') {
    if (protocol === 'grpc') p['tessera.task'] = t.name;
    if (app.sloMs !== undefined) p['tessera.slo_ms'] = app.sloMs;
    if (app.minAccuracy !== undefined) p['tessera.min_accuracy'] = app.minAccuracy;
  }
  if (t.kind === 'model') {
    if (app.timeoutUs !== undefined) p['timeout'] = app.timeoutUs;
    if (app.priority !== undefined) p['priority'] = app.priority;
  }
  return { ...p, ...app.parameters };
}
