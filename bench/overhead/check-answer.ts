// Before measuring a server, one tiny-add request over JSON must come back with a + b (a fast server that is wrong
// is no result).

import { benchInputs } from './bench-models.js';
import { oipJsonBody } from './oip-bodies.js';

/** JSON carries 4 decimals and the sum is computed in float32. */
const TOLERANCE = 1e-3;

export async function checkAnswer(httpPort: number): Promise<void> {
  const inputs = benchInputs('tiny-add');
  const { body, headers } = oipJsonBody(inputs);
  const res = await fetch(`http://127.0.0.1:${httpPort}/v2/models/tiny-add/infer`, { method: 'POST', body, headers });
  if (!res.ok) throw new Error(`tiny-add check: HTTP ${res.status} ${await res.text()}`);
  const json = (await res.json()) as { outputs?: { name: string; data: number[] }[] };
  const sum = json.outputs?.find((o) => o.name === 'sum')?.data;
  const [a, b] = inputs;
  if (sum === undefined || a === undefined || b === undefined || sum.length !== a.data.length) {
    throw new Error(`tiny-add check: unexpected response ${JSON.stringify(json)}`);
  }
  sum.forEach((v, i) => {
    const want = (a.data[i] ?? 0) + (b.data[i] ?? 0);
    if (Math.abs(v - want) > TOLERANCE) throw new Error(`tiny-add check: sum[${i}] = ${v}, expected ${want}`);
  });
}
