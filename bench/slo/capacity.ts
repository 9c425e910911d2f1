// Capacity of the machine for the experiment's traffic mix: from profiled compute cost, and from measured CPU time.

/*
 * profiled:  cores / Σ_app share · batch-1 latency of the app's cheapest eligible variant   (compute only)
 * measured:  cores / (CPU time of server + workers + load generator per request sent)    (everything on the box)
 * The sweep uses the measured one: it counts what really shares the two cores (HTTP parsing, IPC, the client).
 */

export interface VariantCost {
  readonly model: string;
  readonly task: string;
  readonly accuracy: number;
  /** Profiled batch-1 latency on one thread, ms. */
  readonly batch1Ms: number;
}

export interface MixApp {
  readonly name: string;
  readonly task: string;
  readonly minAccuracy: number;
  readonly share: number;
}

/** The cheapest variant (batch-1 latency) of the app's task that meets its accuracy floor; undefined when none does. */
export function cheapestVariant(app: MixApp, variants: readonly VariantCost[]): VariantCost | undefined {
  let best: VariantCost | undefined;
  for (const v of variants) {
    if (v.task !== app.task || v.accuracy < app.minAccuracy) continue;
    if (best === undefined || v.batch1Ms < best.batch1Ms) best = v;
  }
  return best;
}

/** Requests per second (in the apps' mix) that would keep `cores` cores busy computing on the cheapest variants. */
export function profiledCapacityPerS(apps: readonly MixApp[], variants: readonly VariantCost[], cores: number): number {
  let msPerRequest = 0;
  for (const app of apps) {
    const v = cheapestVariant(app, variants);
    if (v === undefined) throw new Error(`no profiled variant of '${app.task}' meets accuracy ${app.minAccuracy} (app '${app.name}')`);
    msPerRequest += app.share * v.batch1Ms;
  }
  return (cores * 1000) / msPerRequest;
}

export interface CpuCalibration {
  readonly cores: number;
  /** Requests sent during the calibration window (answered or refused: each cost CPU). */
  readonly requests: number;
  /** CPU time (user + system) the server, its workers and the load generator used in the window, µs. */
  readonly cpuUs: number;
}

/** Requests per second (in the measured mix) at which the processes measured would use every core. */
export function measuredCapacityPerS(c: CpuCalibration): number {
  if (!(c.requests > 0) || !(c.cpuUs > 0)) throw new Error(`capacity calibration measured nothing (${c.requests} requests, ${c.cpuUs} µs CPU)`);
  return (c.cores * 1e6 * c.requests) / c.cpuUs;
}
