// Unit tests of folding repeated benchmark cases: the fastest repetition stands for the case, all are listed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestOfRepeats } from './best-of-repeats.js';
import type { CaseResult } from './measurements.js';

function fakeCase(server: CaseResult['server'], concurrency: number, throughputPerS: number, p50Us: number): CaseResult {
  return {
    server,
    model: 'tiny-add',
    protocol: server === 'raw' ? 'ort' : 'http-json',
    concurrency,
    throughputPerS,
    completed: 100,
    failed: 0,
    latency: { count: 100, meanUs: p50Us, p50Us, p90Us: p50Us, p99Us: p50Us * 2, maxUs: p50Us * 3 },
  };
}

describe('bestOfRepeats', () => {
  it('keeps the repetition with the highest throughput and lists every repetition', () => {
    const folded = bestOfRepeats([fakeCase('tessera', 8, 900, 300), fakeCase('tessera', 8, 1000, 250), fakeCase('tessera', 8, 950, 280)]);
    assert.equal(folded.length, 1);
    assert.equal(folded[0]?.throughputPerS, 1000);
    assert.equal(folded[0]?.latency.p50Us, 250);
    assert.deepEqual(
      folded[0]?.repeats.map((r) => r.throughputPerS),
      [900, 1000, 950],
    );
  });

  it('never folds cases that differ in server or concurrency', () => {
    const folded = bestOfRepeats([fakeCase('tessera', 1, 10, 1), fakeCase('tessera', 8, 10, 1), fakeCase('naive', 8, 10, 1)]);
    assert.equal(folded.length, 3);
  });
});
