// parseWorkload and parseCluster: accept valid descriptions, and name the field in every error.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCluster } from './cluster.js';
import { parseWorkload } from './workload.js';

test('parseWorkload accepts every arrival kind and keeps optional fields', () => {
  const value = {
    streams: [
      { app: 'shop', model: 'a', arrival: { kind: 'poisson', ratePerS: 10 }, rows: 2, sloMs: 50, startMs: 5, endMs: 10 },
      { model: 'b', arrival: { kind: 'deterministic', ratePerS: 1 } },
      { model: 'c', arrival: { kind: 'mmpp', ratesPerS: [1, 2], meanDwellMs: [10, 20] } },
      { model: 'd', arrival: { kind: 'diurnal', minRatePerS: 1, maxRatePerS: 3, periodMs: 100, phaseMs: 5 } },
      { model: 'e', arrival: { kind: 'replay', timesMs: [0, 1, 1] } },
    ],
    sloMs: { b: 20 },
  };
  assert.deepEqual(parseWorkload(value), value);
});

test('parseWorkload errors name the offending field', () => {
  const bad = (value: unknown, message: RegExp): void => assert.throws(() => parseWorkload(value), { code: 'INVALID_ARGUMENT', message });
  bad({ streams: [{ model: 'a', arrival: { kind: 'poisson', ratePerS: 0 } }] }, /^workload\.streams\[0\]\.arrival\.ratePerS: expected a number > 0/);
  bad({ streams: [{ model: 'a', arrival: { kind: 'gauss' } }] }, /^workload\.streams\[0\]\.arrival\.kind: expected one of/);
  bad({ streams: [{ model: 'a', arrival: { kind: 'mmpp', ratesPerS: [1], meanDwellMs: [1, 1] } }] }, /ratesPerS: expected two numbers/);
  bad({ streams: [{ model: 'a', arrival: { kind: 'replay', timesMs: [2, 1] } }] }, /timesMs\[1\]: times must be ascending/);
  bad({ streams: [{ model: 'a', arrival: { kind: 'poisson', ratePerS: 1 }, rate: 3 }] }, /^workload\.streams\[0\]\.rate: unknown field/);
  bad({ streams: [{ arrival: { kind: 'poisson', ratePerS: 1 } }] }, /^workload\.streams\[0\]\.model: expected a non-empty string/);
  bad({ streams: {} }, /^workload\.streams: expected an array/);
});

test('parseCluster accepts executors, placements with batching, and defaults left absent', () => {
  const value = {
    executors: [
      { id: 'c0', kind: 'cpu', cores: 4 },
      { id: 'g0', kind: 'gpu', cores: 1 },
    ],
    placements: [
      { model: 'a', executors: ['c0', 'g0'], threads: 2, batching: { maxBatchSize: 8, maxQueueDelayMs: 1, preferredBatchSizes: [4] } },
      { model: 'b', version: '2', executors: ['c0'], maxQueueLength: 10, delay: { meanMs: 2.5, scv: 0.4 } },
    ],
    switchCostMs: 0.5,
  };
  assert.deepEqual(parseCluster(value), value);
});

test('parseCluster errors name the offending field', () => {
  const bad = (value: unknown, message: RegExp): void => assert.throws(() => parseCluster(value), { code: 'INVALID_ARGUMENT', message });
  const ex = [{ id: 'c0', kind: 'cpu', cores: 1 }];
  bad({ executors: [{ id: 'c0', kind: 'tpu', cores: 1 }], placements: [] }, /^cluster\.executors\[0\]\.kind: expected one of 'cpu', 'gpu'/);
  bad({ executors: [{ id: 'c0', kind: 'cpu', cores: 1.5 }], placements: [] }, /^cluster\.executors\[0\]\.cores: expected an integer/);
  bad({ executors: [...ex, ...ex], placements: [] }, /^cluster\.executors\[1\]\.id: duplicate/);
  bad({ executors: ex, placements: [{ model: 'a', executors: ['zz'] }] }, /^cluster\.placements\[0\]\.executors\[0\]: no executor with id 'zz'/);
  bad({ executors: ex, placements: [{ model: 'a', executors: ['c0'], batching: { maxBatchSize: 0 } }] }, /batching\.maxBatchSize: expected a number >= 1/);
  bad({ executors: ex, placements: [{ model: 'a', executors: ['c0'], delay: { meanMs: -1 } }] }, /^cluster\.placements\[0\]\.delay\.meanMs: expected a number >= 0/);
  bad({ executors: ex, placements: [{ model: 'a', executors: ['c0'], delay: { meanMs: 1, sd: 1 } }] }, /^cluster\.placements\[0\]\.delay/);
  bad(
    {
      executors: ex,
      placements: [
        { model: 'a', executors: ['c0'] },
        { model: 'a', executors: ['c0'] },
      ],
    },
    /^cluster\.placements\[1\]\.model: model 'a' is placed twice/,
  );
});
