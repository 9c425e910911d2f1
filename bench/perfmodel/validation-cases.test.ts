// Unit tests of the validation matrix: rates give the requested utilisation with an equal share per model.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVER_MODES, allModels, ratesFor, repeatedCases, validationCases } from './validation-cases.js';

const SERVICE_MS: Record<string, number> = { a: 2, b: 5, c: 10 };
const serviceMs = (m: string): number => SERVICE_MS[m] ?? Number.NaN;

describe('validation cases', () => {
  it('sets rates so that the sum of rate times service time is the utilisation, shared equally', () => {
    const rates = ratesFor(['a', 'b', 'c'], 0.6, serviceMs);
    const shares = rates.map((r, i) => (r * serviceMs(['a', 'b', 'c'][i] as string)) / 1000);
    for (const s of shares) assert.ok(Math.abs(s - 0.2) < 1e-12);
  });

  it('crosses every mode, model set and utilisation', () => {
    const cases = validationCases(SERVER_MODES, [['a', 'b'], ['a', 'b', 'c']], [0.1, 0.8], serviceMs);
    assert.equal(cases.length, SERVER_MODES.length * 2 * 2);
    assert.deepEqual(new Set(cases.map((c) => c.mode)), new Set(SERVER_MODES));
  });

  it('lists each model of the sets once', () => {
    assert.deepEqual(allModels([['a', 'b'], ['b', 'c']]), ['a', 'b', 'c']);
  });

  it('repeats one case per model set, the utilisation cycling over the (mode, set) pairs', () => {
    const sets = [['a', 'b'], ['a', 'b', 'c']];
    const utilisations = [0.1, 0.4, 0.8];
    const cases = validationCases(['fcfs'], sets, utilisations, serviceMs);
    const pick = (firstPair: number): [string, number][] => repeatedCases(cases, sets, utilisations, firstPair).map((c) => [c.models.join('+'), c.utilisation]);
    assert.deepEqual(pick(0), [['a+b', 0.1], ['a+b+c', 0.4]]);
    assert.deepEqual(pick(2), [['a+b', 0.8], ['a+b+c', 0.1]]);
    // A set whose case is not in the list (another matrix) is skipped.
    assert.deepEqual(repeatedCases(cases, [['c']], utilisations, 0), []);
  });
});
