// Unit tests of the pool's restart backoff.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { POOL_DEFAULTS, restartDelayMs } from './pool-options.js';

it('doubles the restart delay per consecutive crash up to the cap', () => {
  const delays = [0, 1, 2, 3, 4, 5, 6, 10].map((streak) => restartDelayMs(streak, POOL_DEFAULTS));
  assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
});
