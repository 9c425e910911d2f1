// `tessera infer`: send one request (random, raw-file or JSON-file input) to a running server; print outputs and timing.

import { readFileSync } from 'node:fs';
import { type DataType, elementBytes } from '../core/datatype.js';
import type { ModelMetadata } from '../core/inference.js';

export interface InferCommandOptions {
  readonly url: string;
  readonly version?: string;
  readonly batch: number;
  /** name=path pairs of raw little-endian tensor files. */
  readonly data: readonly string[];
  /** A complete OIP JSON request body. */
  readonly request?: string;
  readonly repeat: number;
  readonly json: boolean;
}

function randomBytes(dt: DataType, count: number): Buffer {
  const size = elementBytes(dt);
  if (size === undefined) throw new Error(`random input of datatype ${dt} is not supported; pass --data or --request`);
  const buf = Buffer.alloc(count * size);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < count; i++) {
    if (dt === 'FP32') view.setFloat32(i * 4, Math.random(), true);
    else if (dt === 'FP64') view.setFloat64(i * 8, Math.random(), true);
    else if (dt === 'INT64') view.setBigInt64(i * 8, BigInt(Math.floor(Math.random() * 1000)), true);
    else buf[i * size] = Math.floor(Math.random() * 2);
  }
  return buf;
}

async function fail(res: Response): Promise<never> {
  const text = await res.text();
  let msg = text;
  try {
    msg = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    // not JSON: print as is
  }
  throw new Error(`HTTP ${res.status}: ${msg}`);
}

export async function inferCommand(model: string, o: InferCommandOptions): Promise<void> {
  const base = `${o.url.replace(/\/$/, '')}/v2/models/${encodeURIComponent(model)}${o.version === undefined ? '' : `/versions/${o.version}`}`;
  let body: Buffer;
  let headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.request !== undefined) {
    body = readFileSync(o.request);
  } else {
    const metaRes = await fetch(base);
    if (!metaRes.ok) await fail(metaRes);
    const meta = (await metaRes.json()) as ModelMetadata;
    const given = new Map(o.data.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const parts: Buffer[] = [];
    const inputs = meta.inputs.map((spec) => {
      const shape = spec.shape.map((d, i) => (d < 0 ? (i === 0 ? o.batch : 1) : d));
      const count = shape.reduce((a, b) => a * b, 1);
      const file = given.get(spec.name);
      const bytes = file === undefined ? randomBytes(spec.datatype, count) : readFileSync(file);
      parts.push(bytes);
      return { name: spec.name, datatype: spec.datatype, shape, parameters: { binary_data_size: bytes.byteLength } };
    });
    const json = Buffer.from(JSON.stringify({ inputs, outputs: meta.outputs.map((x) => ({ name: x.name })) }));
    body = Buffer.concat([json, ...parts]);
    headers = { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.byteLength) };
  }
  const timesMs: number[] = [];
  let last: unknown;
  for (let i = 0; i < Math.max(1, o.repeat); i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/infer`, { method: 'POST', headers, body });
    if (!res.ok) await fail(res);
    last = await res.json();
    timesMs.push(performance.now() - t0);
  }
  const sorted = [...timesMs].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
  const timing = { requests: timesMs.length, p50_ms: +pct(0.5).toFixed(3), p99_ms: +pct(0.99).toFixed(3), first_ms: +(timesMs[0] as number).toFixed(3) };
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ response: last, timing })}\n`);
    return;
  }
  const r = last as { model_name: string; model_version: string; outputs: { name: string; datatype: string; shape: number[]; data: number[] }[] };
  process.stdout.write(`model ${r.model_name} version ${r.model_version}\n`);
  for (const out of r.outputs) {
    const head = out.data.slice(0, 8).map((v) => (typeof v === 'number' ? +v.toFixed(5) : v));
    let argmax = 0;
    out.data.forEach((v, i) => {
      if (v > (out.data[argmax] as number)) argmax = i;
    });
    process.stdout.write(`  ${out.name} ${out.datatype} [${out.shape.join(',')}] first: ${head.join(', ')}${out.data.length > 8 ? ', …' : ''}  argmax: ${argmax}\n`);
  }
  process.stdout.write(`timing: ${timing.requests} request(s), first ${timing.first_ms} ms, p50 ${timing.p50_ms} ms, p99 ${timing.p99_ms} ms\n`);
}
