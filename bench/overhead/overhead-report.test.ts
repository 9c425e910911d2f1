// Unit tests of the overhead report: ratios to the raw limit, added latency against the right raw layout, targets.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FoldedCase, bestOfRepeats } from './best-of-repeats.js';
import type { CaseResult } from './measurements.js';
import { type MemoryReport, buildOverheadReport, overheadTable } from './overhead-report.js';

const MIB = 1024 * 1024;

function fakeCase(c: Partial<CaseResult> & Pick<CaseResult, 'server' | 'protocol' | 'concurrency' | 'throughputPerS'>, p50Us: number): CaseResult {
  return {
    model: 'tiny-add',
    completed: 1000,
    failed: 0,
    latency: { count: 1000, meanUs: p50Us, p50Us, p90Us: p50Us, p99Us: p50Us * 2, maxUs: p50Us * 4 },
    ...c,
  };
}

const memory: MemoryReport = {
  frontEndPeakRssBytes: 100 * MIB,
  frontEndIdleRssBytes: 80 * MIB,
  workerPeakRssBytes: [300 * MIB, 900 * MIB],
  workerIdleRssBytes: [250 * MIB, 250 * MIB],
  workerModelBytes: 400 * MIB,
  naivePeakRssBytes: {},
};

function cases(): FoldedCase[] {
  return bestOfRepeats([
    fakeCase({ server: 'raw', protocol: 'ort', concurrency: 1, layout: '1x1', throughputPerS: 100_000 }, 10),
    fakeCase({ server: 'raw', protocol: 'ort', concurrency: 2, layout: '2x1', throughputPerS: 200_000 }, 12),
    fakeCase({ server: 'naive', protocol: 'http-json', concurrency: 8, throughputPerS: 8_000 }, 900),
    fakeCase({ server: 'raw', protocol: 'ort', concurrency: 1, layout: '1x2', throughputPerS: 90_000 }, 8),
    fakeCase({ server: 'naive', protocol: 'http-json', concurrency: 1, throughputPerS: 6_000, intraOpThreads: 2 }, 58),
    fakeCase({ server: 'tessera', protocol: 'http-json', concurrency: 1, throughputPerS: 5_000, intraOpThreads: 1 }, 110),
    fakeCase({ server: 'tessera', protocol: 'http-json', concurrency: 8, throughputPerS: 10_000 }, 700),
  ]);
}

describe('buildOverheadReport', () => {
  const report = buildOverheadReport(cases(), memory, {});

  it('divides throughput by the better raw layout', () => {
    assert.equal(report['tiny_http_c8_vs_raw'], 0.05);
    assert.equal(report['tiny_http_infer_per_s'], 10_000);
    assert.equal(report['tiny_raw_limit_per_s'], 200_000);
  });

  it('measures added latency at concurrency 1 against one process with one thread', () => {
    assert.equal(report['tiny_added_p50_us'], 100);
    assert.equal(report['tiny_added_p99_us'], 200);
  });

  it('measures the naive server at concurrency 1 against one process with its two threads', () => {
    const naive = report.cases.find((c) => c.server === 'naive' && c.concurrency === 1);
    assert.equal(naive?.addedP50Us, 50);
  });

  it('compares Tessera with the naive server over JSON at concurrency 8', () => {
    assert.equal(report['tiny_http_vs_naive'], 1.25);
  });

  it('checks each target, including the worker memory allowance', () => {
    const met = Object.fromEntries(report.targets.map((t) => [t.name, t.met]));
    assert.equal(met['tiny_http_infer_per_s'], true);
    assert.equal(met['tiny_added_p50_us'], true);
    assert.equal(met['frontend_peak_rss_mib'], true);
    assert.equal(met['worker_peak_rss_mib'], false); // 900 MiB > 1.5 × 400 + 100
  });

  it('lists cases whose repetitions disagree in throughput as noisy', () => {
    const noisy = buildOverheadReport(
      bestOfRepeats([
        fakeCase({ server: 'raw', protocol: 'ort', concurrency: 2, layout: '2x1', throughputPerS: 100 }, 10),
        fakeCase({ server: 'raw', protocol: 'ort', concurrency: 2, layout: '2x1', throughputPerS: 80 }, 10),
      ]),
      memory,
      {},
    );
    assert.deepEqual(noisy['noisy_cases'], ['raw 2x1 tiny-add ort c2 (spread 20%)']);
    assert.deepEqual(report['noisy_cases'], []);
  });

  it('prints one table row per case and one line per target', () => {
    const lines = overheadTable(report).split('\n');
    assert.ok(lines.some((l) => l.startsWith('raw 2x1')));
    assert.ok(lines.some((l) => l.startsWith('MISSED worker_peak_rss_mib')));
  });
});
