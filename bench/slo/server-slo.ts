// The server's own view of the SLO of the requests it admitted, from its app counters: it times a request from its
// arrival at the engine to its answer, so the difference with the client's view is the HTTP path and the load
// generator sharing the cores.

import type { PromSample } from '../lib/prom-text.js';

/** An app's counters at one moment. */
export interface AppServerCounts {
  /** Answers within the SLO (tessera_app_slo_total{result="met"}). */
  readonly met: number;
  /** Answers (tessera_app_requests_total{outcome="success"}). */
  readonly answered: number;
  /** Admitted requests dropped at their deadline before running (tessera_app_rejects_total{reason="deadline"}). */
  readonly dropped: number;
}

/** Each app's counters in a /metrics scrape (summed over tenants). */
export function appServerCounts(samples: readonly PromSample[]): Record<string, AppServerCounts> {
  const out: Record<string, { met: number; answered: number; dropped: number }> = {};
  const of = (app: string): { met: number; answered: number; dropped: number } => (out[app] ??= { met: 0, answered: 0, dropped: 0 });
  for (const s of samples) {
    const app = s.labels['app'];
    if (app === undefined) continue;
    if (s.name === 'tessera_app_slo_total' && s.labels['result'] === 'met') of(app).met += s.value;
    else if (s.name === 'tessera_app_requests_total' && s.labels['outcome'] === 'success') of(app).answered += s.value;
    else if (s.name === 'tessera_app_rejects_total' && s.labels['reason'] === 'deadline') of(app).dropped += s.value;
  }
  return out;
}

const ratio = (met: number, admitted: number): number | null => (admitted > 0 ? Number((met / admitted).toFixed(4)) : null);

/**
 * Between two scrapes: of the requests the server admitted and finished (answered or dropped at the deadline), the
 * fraction it answered within the SLO by its own clock, overall and per app.
 */
export function serverAdmittedAttainment(
  before: Readonly<Record<string, AppServerCounts>>,
  after: Readonly<Record<string, AppServerCounts>>,
): { overall: number | null; byApp: Record<string, number | null> } {
  const byApp: Record<string, number | null> = {};
  let met = 0;
  let admitted = 0;
  for (const [app, a] of Object.entries(after)) {
    const b = before[app] ?? { met: 0, answered: 0, dropped: 0 };
    const m = a.met - b.met;
    const n = a.answered - b.answered + (a.dropped - b.dropped);
    byApp[app] = ratio(m, n);
    met += m;
    admitted += n;
  }
  return { overall: ratio(met, admitted), byApp };
}
