// Starts `tessera serve` for one policy with the experiment's apps, and waits for its queues to empty between points.

import { NOT_SEGMENTED_LOG, SEGMENTED_LOG } from '../../src/engine/engine.js';
import { type ServeProcess, startServeProcess } from '../lib/serve-process.js';
import { type SloApp, appRegistration } from './slo-apps.js';

export interface SloServer {
  readonly serve: ServeProcess;
  readonly url: string;
}

export interface SloServerOptions {
  readonly policy: string;
  readonly repository: string;
  readonly stateDir: string;
  readonly workers: number;
  readonly threads: number;
  /** Batches each worker may hold at once; 1 keeps a short request from waiting behind a pipelined long one. */
  readonly maxBatchesInFlight: number;
  /** Models the policy will cut into segments after they load: the server is used once each has done so. */
  readonly segmentedModels: number;
}

/** Queued work left by a stopped server is not worth waiting for; SIGTERM drains this long at most, ms. */
const DRAIN_ON_STOP_MS = 2_000;
const DRAIN_POLL_MS = 250;
const SEGMENT_TIMEOUT_MS = 120_000;

export async function startSloServer(o: SloServerOptions, apps: readonly SloApp[], totalRatePerS: number): Promise<SloServer> {
  const serve = await startServeProcess([
    '--repository', o.repository,
    '--state-dir', o.stateDir,
    '--policy', o.policy,
    '--no-grpc',
    '--workers', String(o.workers),
    '--threads', String(o.threads),
    '--max-batches-in-flight', String(o.maxBatchesInFlight),
    '--drain-timeout-ms', String(DRAIN_ON_STOP_MS),
  ]);
  const url = `http://127.0.0.1:${serve.httpPort}`;
  try {
    // Segment files are written and loaded in the background after the profiles arrive; that CPU work must not land
    // in a measurement.
    const done = await serve.waitForLogs((e) => e.msg === SEGMENTED_LOG || e.msg === NOT_SEGMENTED_LOG, o.segmentedModels, SEGMENT_TIMEOUT_MS);
    if (done.length < o.segmentedModels) {
      process.stderr.write(`slo: WARNING ${o.policy}: ${done.length} of ${o.segmentedModels} models segmented within ${SEGMENT_TIMEOUT_MS / 1000} s\n`);
    }
    for (const app of apps) await registerApp(url, app, totalRatePerS);
  } catch (e) {
    await serve.stop();
    throw e;
  }
  return { serve, url };
}

/** Creates or replaces the app; its expected rate follows the load point. */
export async function registerApp(url: string, app: SloApp, totalRatePerS: number): Promise<void> {
  const res = await fetch(`${url}/v2/apps/${encodeURIComponent(app.name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(appRegistration(app, totalRatePerS)),
  });
  if (!res.ok) throw new Error(`registering app '${app.name}' failed: HTTP ${res.status} ${await res.text()}`);
}

/** Requests queued or running in the server (the tessera_pending_requests gauges summed). */
export async function pendingRequests(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const m of text.matchAll(/^tessera_pending_requests(?:\{[^}]*\})? (\S+)$/gm)) total += Number(m[1]);
  return total;
}

/** Waits until nothing is queued or running, at most `maxMs`; returns whether the server drained. */
export async function waitDrained(url: string, maxMs: number): Promise<boolean> {
  const until = Date.now() + maxMs;
  for (;;) {
    if ((await pendingRequests(url)) <= 0) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
}
