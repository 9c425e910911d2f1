// Tests of the capacity formulas: cheapest eligible variant, profiled and CPU-measured capacity.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cheapestVariant, measuredCapacityPerS, profiledCapacityPerS, type VariantCost } from './capacity.js';

const variants: VariantCost[] = [
  { model: 'small', task: 'img', accuracy: 0.65, batch1Ms: 2 },
  { model: 'mid', task: 'img', accuracy: 0.72, batch1Ms: 5 },
  { model: 'big', task: 'img', accuracy: 0.76, batch1Ms: 40 },
  { model: 'txt', task: 'text', accuracy: 0.86, batch1Ms: 10 },
];

test('the cheapest variant is the fastest one above the accuracy floor of the same task', () => {
  assert.equal(cheapestVariant({ name: 'a', task: 'img', minAccuracy: 0.7, share: 1 }, variants)?.model, 'mid');
  assert.equal(cheapestVariant({ name: 'a', task: 'img', minAccuracy: 0.75, share: 1 }, variants)?.model, 'big');
  assert.equal(cheapestVariant({ name: 'a', task: 'img', minAccuracy: 0.9, share: 1 }, variants), undefined);
});

test('profiled capacity divides the cores by the mix-weighted batch-1 cost', () => {
  const apps = [
    { name: 'a', task: 'img', minAccuracy: 0.7, share: 0.5 },
    { name: 'b', task: 'text', minAccuracy: 0.8, share: 0.5 },
  ];
  // 0.5 · 5 ms + 0.5 · 10 ms = 7.5 ms per request; two cores → 266.7 requests/s.
  assert.ok(Math.abs(profiledCapacityPerS(apps, variants, 2) - 2000 / 7.5) < 1e-9);
  assert.throws(() => profiledCapacityPerS([{ name: 'c', task: 'audio', minAccuracy: 0, share: 1 }], variants, 2), /no profiled variant/);
});

test('measured capacity is the rate at which the measured CPU time per request fills every core', () => {
  // 100 requests cost 0.5 CPU-seconds: 5 ms each; two cores → 400 requests/s.
  assert.equal(measuredCapacityPerS({ cores: 2, requests: 100, cpuUs: 500_000 }), 400);
  assert.throws(() => measuredCapacityPerS({ cores: 2, requests: 0, cpuUs: 1 }), /measured nothing/);
});
