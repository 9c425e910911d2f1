// Tests for the text table: one row per app plus overall, and notes for rejects, errors and a client behind schedule.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLoadReport } from './format-load-report.js';
import { LoadCounters } from './load-counters.js';
import type { LoadReport } from './load-report.js';

test('the table has a row per app and an overall row, then reject reasons and error statuses', () => {
  const c = new LoadCounters();
  c.sent = 4;
  c.record({ kind: 'ok' }, 12, true);
  c.record({ kind: 'ok' }, 30, false);
  c.record({ kind: 'rejected', reason: 'queue full' }, 1, false);
  c.record({ kind: 'error', status: 'http_503', message: '' }, 1, false);
  const totals = c.totals(2);
  const report: LoadReport = {
    startedAt: '2024-01-01T00:00:00.000Z',
    durationS: 2,
    warmupS: 0,
    measuredS: 2,
    elapsedS: 2.1,
    aborted: false,
    apps: [{ name: 'front', target: 'app:front', protocol: 'http', arrival: 'poisson', sloMs: 20, answeredBy: {}, maxSendLagMs: 42, ...totals }],
    overall: totals,
  };
  const text = formatLoadReport(report);
  assert.match(text, /^front\s+app:front\s+20\s+4\s+2\s+1\s+1\s+0\s+25\.00%\s+0\.5\s+1\.0/m);
  assert.match(text, /^overall\s+-\s+4/m);
  assert.match(text, /front: rejected 1× queue full/);
  assert.match(text, /front: error 1× http_503/);
  assert.match(text, /front: max send lag 42\.0 ms/);
});
