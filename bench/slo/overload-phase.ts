// The overload phase: Tessera at a multiple of capacity for minutes; front-end memory and admitted requests' SLO.

import type { LoadReport } from '../../src/loadgen/index.js';
import { parsePromText } from '../lib/prom-text.js';
import { procMemory } from '../lib/proc-stats.js';
import { runPoint } from './load-point.js';
import type { SloApp } from './slo-apps.js';
import { admittedAttainment, sloRow } from './slo-rows.js';
import type { SloServer } from './slo-server.js';
import { type AppServerCounts, appServerCounts, serverAdmittedAttainment } from './server-slo.js';

export interface OverloadResult {
  readonly policy: string;
  readonly load: number;
  readonly targetRatePerS: number;
  readonly durationS: number;
  /** Front-end (tessera serve process) peak resident memory: the kernel's high-water mark since it started, MiB. */
  readonly peakRssMb: number;
  /** Resident memory sampled once the warm-up ended, and at the end, MiB. */
  readonly rssAfterWarmupMb: number;
  readonly rssAtEndMb: number;
  /** Largest sampled resident memory in the first and in the last third of the run (flat: bounded), MiB. */
  readonly maxRssFirstThirdMb: number;
  readonly maxRssLastThirdMb: number;
  /** Of requests not refused with 429, the fraction answered within the SLO (504 drops count as misses). */
  readonly admittedAttainment: number | null;
  readonly admittedAttainmentByApp: Readonly<Record<string, number | null>>;
  /**
   * The same by the server's clock (arrival at the engine to answer), over the measured window: what the client's
   * view adds is the HTTP path and the load generator, which share the cores.
   */
  readonly serverAdmittedAttainment: number | null;
  readonly serverAdmittedAttainmentByApp: Readonly<Record<string, number | null>>;
  readonly row: ReturnType<typeof sloRow>;
}

const RSS_POLL_MS = 1000;
const MIB = 1024 * 1024;
const mib = (bytes: number): number => Number((bytes / MIB).toFixed(1));

export async function overloadPhase(
  server: SloServer,
  apps: readonly SloApp[],
  load: number,
  capacityPerS: number,
  window: { warmupS: number; measureS: number },
  seed: number,
): Promise<OverloadResult> {
  const samples: { atMs: number; rssBytes: number }[] = [];
  const startedMs = Date.now();
  const poll = setInterval(() => {
    const m = procMemory(server.serve.pid);
    if (m !== undefined) samples.push({ atMs: Date.now() - startedMs, rssBytes: m.rssBytes });
  }, RSS_POLL_MS);
  // The server's counters when the warm-up ends and once every request has been answered.
  let atWarmupEnd: Promise<Record<string, AppServerCounts>> | undefined;
  const warmupTimer = setTimeout(() => {
    atWarmupEnd = scrapeCounts(server.url);
  }, window.warmupS * 1000);
  let report: LoadReport;
  try {
    report = await runPoint(server.url, apps, load * capacityPerS, window, seed);
  } finally {
    clearInterval(poll);
    clearTimeout(warmupTimer);
  }
  if (atWarmupEnd === undefined) throw new Error('the overload run ended before its warm-up did');
  const serverView = serverAdmittedAttainment(await atWarmupEnd, await scrapeCounts(server.url));
  const end = procMemory(server.serve.pid);
  if (end === undefined) throw new Error('the tessera server exited during the overload test');
  const warmupMs = window.warmupS * 1000;
  const measured = samples.filter((s) => s.atMs >= warmupMs);
  const spanMs = window.measureS * 1000;
  const maxIn = (fromMs: number, toMs: number): number =>
    mib(Math.max(0, ...measured.filter((s) => s.atMs - warmupMs >= fromMs && s.atMs - warmupMs < toMs).map((s) => s.rssBytes)));
  return {
    policy: 'tessera',
    load,
    targetRatePerS: Number((load * capacityPerS).toFixed(2)),
    durationS: window.measureS,
    peakRssMb: mib(end.peakRssBytes),
    rssAfterWarmupMb: mib(measured[0]?.rssBytes ?? end.rssBytes),
    rssAtEndMb: mib(end.rssBytes),
    maxRssFirstThirdMb: maxIn(0, spanMs / 3),
    maxRssLastThirdMb: maxIn((2 * spanMs) / 3, Number.POSITIVE_INFINITY),
    admittedAttainment: admittedAttainment(report.overall),
    admittedAttainmentByApp: Object.fromEntries(report.apps.map((a) => [a.name, admittedAttainment(a)])),
    serverAdmittedAttainment: serverView.overall,
    serverAdmittedAttainmentByApp: serverView.byApp,
    row: sloRow('tessera', load, load * capacityPerS, report),
  };
}

async function scrapeCounts(url: string): Promise<Record<string, AppServerCounts>> {
  return appServerCounts(parsePromText(await (await fetch(`${url}/metrics`)).text()));
}
