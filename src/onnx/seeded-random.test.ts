// Unit tests of the seeded generator: reproducible streams and weights with the requested spread.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { hashString, SeededRandom } from './seeded-random.js';

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    for (let i = 0; i < 100; i++) assert.equal(a.nextUint32(), b.nextUint32());
  });

  it('gives different sequences for different seeds', () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(8);
    const same = Array.from({ length: 20 }, () => a.nextUint32() === b.nextUint32()).filter(Boolean).length;
    assert.ok(same < 2);
  });

  it('draws floats in [0, 1) and integers in [0, n)', () => {
    const r = new SeededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const f = r.nextFloat();
      assert.ok(f >= 0 && f < 1);
      const k = r.nextInt(5);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 5);
    }
  });

  it('draws weights with zero mean and the requested standard deviation', () => {
    const w = new SeededRandom(3).uniformWithStd(100_000, 0.1);
    let sum = 0;
    let sumSq = 0;
    for (const v of w) {
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / w.length;
    const std = Math.sqrt(sumSq / w.length - mean * mean);
    assert.ok(Math.abs(mean) < 0.002, `mean ${mean}`);
    assert.ok(Math.abs(std - 0.1) < 0.002, `std ${std}`);
  });

  it('hashes different strings to different seeds', () => {
    assert.notEqual(hashString('resnet18'), hashString('resnet34'));
    assert.equal(hashString('vgg16'), hashString('vgg16'));
  });
});
