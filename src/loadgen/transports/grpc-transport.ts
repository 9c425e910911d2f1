// OIP gRPC transport (grpc-js, the server's own proto): raw input contents, one HTTP/2 channel per address.
// App and task targets use ModelInfer with model_name = the app/task name and parameter tessera.app / tessera.task.

import { type Client, Metadata, type ServiceError, credentials, makeGenericClientConstructor, status } from '@grpc/grpc-js';
import { ServingError } from '../../core/errors.js';
import { isDataType } from '../../core/datatype.js';
import type { ModelMetadata, TensorSpec } from '../../core/inference.js';
import { dataToBytes } from '../../core/tensor.js';
import { inferenceServiceDefinition } from '../../frontend/grpc/inference-proto.js';
import { parametersToWire } from '../../frontend/grpc/parameter-convert.js';
import { rejectReasonKey } from '../reject-reason.js';
import { requestParameters } from '../request-parameters.js';
import { type LoadTransport, type PreparedApp, type SendOutcome, type Sender, abortedOutcome } from '../transport.js';

type Callback = (err: ServiceError | null, res: unknown) => void;
type UnaryMethod = (req: object, md: Metadata, cb: Callback) => { cancel(): void };

interface WireTensorMetadata {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly string[];
}

interface WireMetadataResponse {
  readonly name: string;
  readonly versions: readonly string[];
  readonly platform: string;
  readonly inputs: readonly WireTensorMetadata[];
  readonly outputs: readonly WireTensorMetadata[];
}

/** Unlimited message sizes: the server, not the load generator, decides what is too large. */
const CHANNEL_OPTIONS = { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 };

export class GrpcTransport implements LoadTransport {
  private readonly client: Client;

  constructor(address: string, private readonly lookupTimeoutMs: number) {
    const Ctor = makeGenericClientConstructor(inferenceServiceDefinition(), 'GRPCInferenceService');
    this.client = new Ctor(address.replace(/^grpc:\/\//, ''), credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  metadata(model: string, version: string | undefined, key: string | undefined): Promise<ModelMetadata> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => call.cancel(), this.lookupTimeoutMs);
      const call = this.method('ModelMetadata')({ name: model, version: version ?? '' }, metadataOf(key), (err, res) => {
        clearTimeout(timer);
        if (err !== null) {
          reject(new ServingError(err.code === status.NOT_FOUND ? 'NOT_FOUND' : 'UNAVAILABLE', `ModelMetadata '${model}': ${err.details || err.message}`));
          return;
        }
        const r = res as WireMetadataResponse;
        resolve({ name: r.name, versions: r.versions, platform: r.platform, inputs: r.inputs.map(specOf), outputs: r.outputs.map(specOf) });
      });
    });
  }

  /** The OIP gRPC service has no app lookup; app targets over gRPC name their shapeModel. */
  appModel(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  prepare(p: PreparedApp): Sender {
    const t = p.app.target;
    const request = {
      model_name: t.name,
      model_version: t.kind === 'model' ? (t.version ?? '') : '',
      parameters: parametersToWire(requestParameters(p.app, 'grpc')),
      inputs: p.inputs.map((x) => ({ name: x.name, datatype: x.datatype, shape: x.shape })),
      raw_input_contents: p.inputs.map((x) => Buffer.from(dataToBytes(x.data))),
    };
    const md = metadataOf(p.app.key);
    const infer = this.method('ModelInfer');
    const wantModel = t.kind !== 'model';
    return (signal) =>
      new Promise<SendOutcome>((resolve) => {
        if (signal.aborted) {
          resolve(abortedOutcome(signal));
          return;
        }
        const onAbort = (): void => call.cancel();
        const call = infer(request, md, (err, res) => {
          signal.removeEventListener('abort', onAbort);
          if (err === null) {
            const r = res as { model_name?: string; model_version?: string };
            resolve(wantModel && r.model_name ? { kind: 'ok', answeredBy: `${r.model_name}@${r.model_version ?? ''}` } : { kind: 'ok' });
          } else if (signal.aborted) resolve(abortedOutcome(signal));
          else if (err.code === status.RESOURCE_EXHAUSTED) resolve({ kind: 'rejected', reason: rejectReasonKey(err.details) });
          else resolve({ kind: 'error', status: `grpc_${status[err.code] ?? String(err.code)}`, message: err.details || err.message });
        });
        signal.addEventListener('abort', onAbort, { once: true });
      });
  }

  close(): void {
    this.client.close();
  }

  private method(name: string): UnaryMethod {
    const fn = (this.client as unknown as Record<string, UnaryMethod>)[name];
    if (fn === undefined) throw new ServingError('INTERNAL', `gRPC client has no method ${name}`);
    return fn.bind(this.client);
  }
}

function metadataOf(key: string | undefined): Metadata {
  const md = new Metadata();
  if (key !== undefined) md.set('authorization', `Bearer ${key}`);
  return md;
}

function specOf(t: WireTensorMetadata): TensorSpec {
  if (!isDataType(t.datatype)) throw new ServingError('UNIMPLEMENTED', `tensor '${t.name}': datatype ${t.datatype} is not supported by the load generator`);
  return { name: t.name, datatype: t.datatype, shape: t.shape.map(Number) };
}
