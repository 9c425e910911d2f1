// Unit tests of the validation report: relative errors, medians that skip missing predictions, targets and tables.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ValidationRow, median, relativeError, repeatability, rowErrors, stabilityAgreement, summarizeErrors, summaryTable, targetsMet, validationTable } from './validation-report.js';

function row(model: string, measuredMeanMs: number, analyticMeanMs: number | null, simMeanMs: number, saturated = false): ValidationRow {
  const measured = { meanMs: measuredMeanMs, p95Ms: 2 * measuredMeanMs, completed: 100, failed: 0, skipped: saturated ? 5 : 0, saturated };
  const analytic = analyticMeanMs === null ? null : { meanMs: analyticMeanMs, p95Ms: 2 * analyticMeanMs };
  const sim = { meanMs: simMeanMs, p95Ms: 2 * simMeanMs };
  return { mode: 'fcfs', models: ['a', 'b'], utilisation: 0.4, model, ratePerS: 10, measured, analytic, sim, errors: rowErrors(measured, analytic, sim) };
}

describe('validation report', () => {
  it('measures error relative to the measurement, in either direction', () => {
    assert.equal(relativeError(11, 10), 0.1);
    assert.equal(relativeError(9, 10), 0.1);
  });

  it('has no error where there is no prediction or no measurement', () => {
    assert.equal(relativeError(undefined, 10), null);
    assert.equal(relativeError(5, Number.NaN), null);
    assert.equal(relativeError(5, 0), null);
  });

  it('takes the median over the rows that have a value', () => {
    assert.equal(median([0.3, null, 0.1, 0.2]), 0.2);
    assert.equal(median([0.4, 0.1, 0.2, 0.3]), 0.25);
    assert.equal(median([null]), null);
  });

  it('counts a predicted overload as a full miss when the server kept up, and leaves it out when it did not', () => {
    assert.equal(row('a', 10, null, 10).errors.analyticMean, 1);
    assert.equal(row('a', 10, null, 10, true).errors.analyticMean, null);
    assert.ok(Math.abs((row('a', 10, 30, 10, true).errors.analyticMean as number) - 2) < 1e-12);
    const agreement = stabilityAgreement([row('a', 10, null, 10, true), row('b', 10, null, 10), row('c', 10, 12, 10)]);
    assert.deepEqual(agreement, { rows: 3, measuredSaturated: 1, analyticUnstable: 2, analyticAgree: 2, simUnstable: 0, simAgree: 2 });
  });

  it('summarises each error column over all rows and judges the targets', () => {
    const rows = [row('a', 10, 10.5, 10.1), row('b', 20, null, 21, true), row('c', 10, 13, 10.4)];
    const s = summarizeErrors(rows);
    assert.equal(s.rows, 3);
    assert.ok(Math.abs((s.analytic_mean_median_abs_err as number) - 0.175) < 1e-12);
    assert.ok(Math.abs((s.sim_mean_median_abs_err as number) - 0.04) < 1e-12);
    assert.deepEqual(targetsMet(s), { analyticMean: false, analyticP95: true, simMean: true });
  });

  it('prints one table line per row and n/a for a missing prediction', () => {
    const rows = [row('a', 10, 10.5, 10.1), row('b', 20, null, 21)];
    const lines = validationTable(rows).split('\n');
    assert.equal(lines.length, 2 + rows.length);
    assert.match(lines[3] as string, /\| b \|.*\| n\/a \| n\/a \|/);
    assert.match(summaryTable(summarizeErrors(rows), { fcfs: summarizeErrors(rows) }), /\| fcfs \| 2 \|/);
  });

  it('compares repeated measurements of a case relative to the first, leaving out overloaded ones', () => {
    const m = (meanMs: number, p95Ms: number, skipped = 0): ValidationRow['measured'] => ({ meanMs, p95Ms, completed: 100, failed: 0, skipped });
    const r = repeatability([
      { first: m(10, 20), second: m(11, 18) },
      { first: m(10, 20), second: m(8, 20) },
      { first: m(10, 20), second: m(10.5, 23) },
      { first: m(10, 20), second: m(50, 200, 3) },
    ]);
    assert.equal(r.rows, 3);
    assert.ok(Math.abs((r.mean_median_abs_diff as number) - 0.1) < 1e-12);
    assert.ok(Math.abs((r.p95_median_abs_diff as number) - 0.1) < 1e-12);
    assert.deepEqual(repeatability([]), { rows: 0, mean_median_abs_diff: null, p95_median_abs_diff: null });
  });
});
