// Minimal OIP REST client for the load children: one keep-alive agent, binary request bodies built from model metadata.

import { Agent, request } from 'node:http';
import type { TensorSpec } from '../../src/core/inference.js';
import { generateInputs } from '../../src/profiler/input-generator.js';
import { type BinaryBody, oipBinaryBody } from './oip-binary-body.js';

export interface InferOutcome {
  readonly ok: boolean;
  /** Why it failed (HTTP status or transport error); absent when ok. */
  readonly error?: string;
}

/** Seed of the request inputs: every request of a model carries the same batch-1 tensors. */
const INPUT_SEED = 20_231;

export class InferClient {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** A batch-1 request body for `model` with inputs shaped from the server's metadata. */
  async bodyFor(model: string): Promise<BinaryBody> {
    const res = await fetch(`http://127.0.0.1:${this.port}/v2/models/${encodeURIComponent(model)}`);
    if (!res.ok) throw new Error(`metadata of ${model}: HTTP ${res.status}`);
    const meta = (await res.json()) as { inputs: TensorSpec[] };
    return oipBinaryBody(generateInputs(meta.inputs, 1, INPUT_SEED));
  }

  /** POST one request and read the whole answer. Never rejects: failures come back as `ok: false`. */
  infer(model: string, body: BinaryBody): Promise<InferOutcome> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: `/v2/models/${encodeURIComponent(model)}/infer`,
          method: 'POST',
          agent: this.agent,
          headers: { ...body.headers, 'content-length': String(body.body.byteLength) },
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `HTTP ${status}` });
          });
          res.on('error', (e) => resolve({ ok: false, error: e.message }));
        },
      );
      req.on('error', (e) => resolve({ ok: false, error: e.message }));
      req.end(body.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
