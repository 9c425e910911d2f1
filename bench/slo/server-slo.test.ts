// The server-side admitted attainment: counters read from /metrics text, differenced between two scrapes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePromText } from '../lib/prom-text.js';
import { appServerCounts, serverAdmittedAttainment } from './server-slo.js';

const scrape = (met: number, missed: number, ok: number, dropped: number, refused: number): string => `# TYPE tessera_app_slo_total counter
tessera_app_slo_total{tenant="default",app="photos",result="met"} ${met}
tessera_app_slo_total{tenant="default",app="photos",result="missed"} ${missed}
tessera_app_requests_total{tenant="default",app="photos",outcome="success"} ${ok}
tessera_app_requests_total{tenant="default",app="photos",outcome="RESOURCE_EXHAUSTED"} ${refused}
tessera_app_rejects_total{tenant="default",app="photos",reason="deadline"} ${dropped}
tessera_app_rejects_total{tenant="default",app="photos",reason="admission"} ${refused}
tessera_requests_total{model="m"} 5
`;

test('counts answers within the SLO, answers and deadline drops per app', () => {
  assert.deepEqual(appServerCounts(parsePromText(scrape(90, 30, 95, 5, 20))), { photos: { met: 90, answered: 95, dropped: 5 } });
});

test('admitted attainment between two scrapes leaves refusals out and counts drops as misses', () => {
  const before = appServerCounts(parsePromText(scrape(10, 5, 11, 1, 3)));
  const after = appServerCounts(parsePromText(scrape(100, 40, 106, 6, 30)));
  // 90 met of (95 answered + 5 dropped) admitted in between; the 27 refusals are not admitted.
  assert.deepEqual(serverAdmittedAttainment(before, after), { overall: 0.9, byApp: { photos: 0.9 } });
});

test('an app with nothing admitted in between has no attainment', () => {
  const s = appServerCounts(parsePromText(scrape(1, 0, 1, 0, 0)));
  assert.deepEqual(serverAdmittedAttainment(s, s), { overall: null, byApp: { photos: null } });
});
