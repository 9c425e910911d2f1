// Implementation of inference.GRPCInferenceService on top of EngineApi (the only engine surface it sees).

import type { Metadata, UntypedServiceImplementation } from '@grpc/grpc-js';
import { DEFAULT_TENANT } from '../../core/app.js';
import { ServingError } from '../../core/errors.js';
import type { TensorSpec } from '../../core/inference.js';
import type { EngineApi } from '../../engine/engine-api.js';
import { defaultContext } from '../../engine/request-context.js';
import type { GrpcLogger } from './grpc-logger.js';
import { inferRequestFromWire, inferResponseToWire } from './infer-convert.js';
import { statisticsToWire } from './statistics-convert.js';
import { unaryHandler } from './unary-handler.js';
import type {
  WireModelInferRequest,
  WireNameVersion,
  WireRepositoryIndexRequest,
  WireRepositoryModelRequest,
} from './wire-types.js';

/** Triton's unload parameter that also unloads models depending on this one (ensembles). */
const UNLOAD_DEPENDENTS_PARAM = 'unload_dependents';

/** Who is calling: a tenant, or an admin (who may act for any tenant). */
export interface GrpcCaller {
  readonly tenant?: string;
  readonly admin?: boolean;
}

/** Resolves the `authorization` metadata value to a caller; throws ServingError UNAUTHENTICATED when it is not valid. */
export type GrpcAuthenticate = (authorization: string | undefined) => GrpcCaller;

/** Parameters of ModelInfer that turn it into an app or task request (the model name is then ignored). */
export const APP_PARAM = 'tessera.app';
export const TASK_PARAM = 'tessera.task';

export function createInferenceService(engine: EngineApi, logger?: GrpcLogger, authenticate?: GrpcAuthenticate): UntypedServiceImplementation {
  const unary = <Req, Res>(method: string, fn: (request: Req, metadata: Metadata) => Res | Promise<Res>) =>
    unaryHandler(method, fn, logger);
  const caller = (metadata: Metadata): GrpcCaller => {
    if (authenticate === undefined) return { tenant: DEFAULT_TENANT, admin: true };
    const v = metadata.get('authorization')[0];
    return authenticate(v === undefined ? undefined : String(v));
  };
  const tenantOf = (c: GrpcCaller, metadata: Metadata): string => {
    const asTenant = metadata.get('tessera-tenant')[0];
    if (c.admin === true && asTenant !== undefined && String(asTenant) !== '') return String(asTenant);
    return c.tenant ?? DEFAULT_TENANT;
  };
  return {
    ServerLive: unary('ServerLive', () => ({ live: engine.isLive() })),
    ServerReady: unary('ServerReady', () => ({ ready: engine.isReady() })),
    ModelReady: unary('ModelReady', (req: WireNameVersion) => ({
      ready: engine.isModelReady(requireName(req.name), optional(req.version)),
    })),
    ServerMetadata: unary('ServerMetadata', () => {
      const m = engine.serverMetadata();
      return { name: m.name, version: m.version, extensions: [...m.extensions] };
    }),
    ModelMetadata: unary('ModelMetadata', (req: WireNameVersion) => {
      const m = engine.modelMetadata(requireName(req.name), optional(req.version));
      return {
        name: m.name,
        versions: [...m.versions],
        platform: m.platform,
        inputs: m.inputs.map(tensorMetadata),
        outputs: m.outputs.map(tensorMetadata),
      };
    }),
    ModelInfer: unary('ModelInfer', async (req: WireModelInferRequest, metadata: Metadata) => {
      const c = caller(metadata);
      const tenant = tenantOf(c, metadata);
      const request = inferRequestFromWire(req);
      const app = request.parameters?.[APP_PARAM];
      const task = request.parameters?.[TASK_PARAM];
      if (app !== undefined || task !== undefined) {
        const { model: _model, ...rest } = request;
        const answer =
          app !== undefined ? await engine.inferApp(tenant, String(app), rest) : await engine.inferTask(String(task), rest, { tenant });
        return inferResponseToWire(answer, req.id);
      }
      return inferResponseToWire(await engine.infer(request, { ...defaultContext(), tenant }), req.id);
    }),
    ModelStatistics: unary('ModelStatistics', (req: WireNameVersion) => ({
      model_stats: engine.statistics(optional(req.name), optional(req.version)).map(statisticsToWire),
    })),
    RepositoryIndex: unary('RepositoryIndex', (req: WireRepositoryIndexRequest) => ({
      models: engine.repositoryIndex(req.ready).map((e) => ({
        name: e.name,
        version: e.version ?? '',
        state: e.state ?? '',
        reason: e.reason ?? '',
      })),
    })),
    RepositoryModelLoad: unary('RepositoryModelLoad', async (req: WireRepositoryModelRequest, metadata: Metadata) => {
      requireAdmin(caller(metadata));
      const name = requireName(req.model_name);
      // Triton's load parameters carry config overrides and model files; silently ignoring them would mislead.
      const keys = Object.keys(req.parameters);
      if (keys.length > 0) {
        throw new ServingError('UNIMPLEMENTED', `load parameters are not supported (got ${keys.join(', ')})`);
      }
      await engine.loadModel(name);
      return {};
    }),
    RepositoryModelUnload: unary('RepositoryModelUnload', async (req: WireRepositoryModelRequest, metadata: Metadata) => {
      requireAdmin(caller(metadata));
      const dependents = req.parameters[UNLOAD_DEPENDENTS_PARAM];
      await engine.unloadModel(requireName(req.model_name), { unloadDependents: dependents?.bool_param === true });
      return {};
    }),
  };
}

function tensorMetadata(spec: TensorSpec): { name: string; datatype: string; shape: number[] } {
  return { name: spec.name, datatype: spec.datatype, shape: [...spec.shape] };
}

function requireName(name: string): string {
  if (name === '') throw new ServingError('INVALID_ARGUMENT', 'model name is required');
  return name;
}

/** proto3 strings read as '' when absent; the engine wants undefined for "not given". */
function optional(value: string): string | undefined {
  return value === '' ? undefined : value;
}

function requireAdmin(c: GrpcCaller): void {
  if (c.admin !== true) throw new ServingError('PERMISSION_DENIED', 'repository control needs the admin key');
}
