// Tests for float <-> half conversion: signed zeros, subnormals, infinities, NaN and round-to-nearest-even.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { floatToHalf, halfToFloat } from './float16.js';

test('zero and negative zero keep their sign', () => {
  assert.equal(floatToHalf(0), 0x0000);
  assert.equal(floatToHalf(-0), 0x8000);
  assert.ok(Object.is(halfToFloat(0x0000), 0));
  assert.ok(Object.is(halfToFloat(0x8000), -0));
});

test('ordinary values map to their known bit patterns', () => {
  assert.equal(floatToHalf(1), 0x3c00);
  assert.equal(floatToHalf(-2), 0xc000);
  assert.equal(floatToHalf(0.1), 0x2e66);
  assert.equal(floatToHalf(65504), 0x7bff);
  assert.equal(halfToFloat(0x3555), 0.333251953125);
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0xc000), -2);
});

test('values past the largest half overflow to infinity, keeping the sign', () => {
  assert.equal(floatToHalf(65519.99), 0x7bff);
  assert.equal(floatToHalf(65520), 0x7c00); // the tie rounds to the even neighbour, which is infinity
  assert.equal(floatToHalf(1e6), 0x7c00);
  assert.equal(floatToHalf(-1e300), 0xfc00);
  assert.equal(floatToHalf(Infinity), 0x7c00);
  assert.equal(floatToHalf(-Infinity), 0xfc00);
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.equal(halfToFloat(0xfc00), -Infinity);
});

test('NaN becomes a quiet NaN and every NaN pattern reads back as NaN', () => {
  assert.equal(floatToHalf(NaN), 0x7e00);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  assert.ok(Number.isNaN(halfToFloat(0x7c01)));
  assert.ok(Number.isNaN(halfToFloat(0xffff)));
});

test('subnormals round to the nearest multiple of 2^-24, ties to even', () => {
  const step = 2 ** -24;
  assert.equal(floatToHalf(step), 0x0001);
  assert.equal(halfToFloat(0x0001), step);
  assert.equal(floatToHalf(0.5 * step), 0x0000);
  assert.equal(floatToHalf(-0.5 * step), 0x8000);
  assert.equal(floatToHalf(0.75 * step), 0x0001);
  assert.equal(floatToHalf(1.5 * step), 0x0002);
  assert.equal(floatToHalf(2.5 * step), 0x0002);
  assert.equal(floatToHalf(1023 * step), 0x03ff);
  assert.equal(halfToFloat(0x03ff), 1023 * step);
});

test('the largest subnormal rounds up into the smallest normal', () => {
  assert.equal(floatToHalf(1023.5 * 2 ** -24), 0x0400);
  assert.equal(floatToHalf(2 ** -14), 0x0400);
  assert.equal(halfToFloat(0x0400), 2 ** -14);
});

test('normal values round to nearest, ties to even', () => {
  assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00);
  assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02);
  assert.equal(floatToHalf(1 + 2 ** -11 + 2 ** -30), 0x3c01);
  assert.equal(floatToHalf(2 - 2 ** -12), 0x4000); // carry into the next exponent
});

test('rounding is done once from the double, not through float32', () => {
  // float32 would round this to exactly 1 + 2^-11 and then the tie would go down to 1.
  assert.equal(floatToHalf(1 + 2 ** -11 + 2 ** -40), 0x3c01);
});

test('every non-NaN half survives a round trip through a number', () => {
  for (let bits = 0; bits <= 0xffff; bits++) {
    const value = halfToFloat(bits);
    if (!Number.isNaN(value)) assert.equal(floatToHalf(value), bits, `bits 0x${bits.toString(16)}`);
  }
});
