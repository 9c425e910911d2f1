// Baseline child: the server a user would write instead of Tessera: fastify + one onnxruntime session, run inline.

import Fastify from 'fastify';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { childTaskEntry } from '../lib/child-task-entry.js';

export interface NaiveServerConfig {
  readonly modelPath: string;
  readonly model: string;
  readonly intraOpThreads: number;
}

interface OipJsonInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** Large enough for a ResNet-50 input as JSON text. */
const BODY_LIMIT_BYTES = 64 * 1024 * 1024;

childTaskEntry<NaiveServerConfig, Record<string, never>>(async (c, ctx) => {
  const session = await InferenceSession.create(c.modelPath, { intraOpNumThreads: c.intraOpThreads, graphOptimizationLevel: 'all' });
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES });
  app.post('/v2/models/:model/infer', async (req) => {
    const { inputs } = req.body as { inputs: readonly OipJsonInput[] };
    const feeds: Record<string, Tensor> = {};
    for (const i of inputs) feeds[i.name] = new Tensor('float32', Float32Array.from(i.data), i.shape);
    const results = await session.run(feeds);
    return {
      model_name: c.model,
      outputs: Object.entries(results).map(([name, t]) => ({
        name,
        datatype: 'FP32',
        shape: t.dims,
        data: Array.from(t.data as Float32Array),
      })),
    };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  ctx.ready((app.server.address() as { port: number }).port);
  await ctx.waitFor('stop');
  await app.close();
  await session.release();
  return {};
});
