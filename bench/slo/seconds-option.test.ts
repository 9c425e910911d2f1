// The SLO bench's duration options: positive seconds pass, anything else is refused with the option's name.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { positiveSeconds } from './seconds-option.js';

test('a positive number of seconds is read, an absent option is undefined', () => {
  assert.equal(positiveSeconds('point-s', '20'), 20);
  assert.equal(positiveSeconds('point-s', '0.5'), 0.5);
  assert.equal(positiveSeconds('point-s', undefined), undefined);
});

test('zero, negative and non-numeric seconds are refused, naming the option', () => {
  for (const bad of ['0', '-3', 'abc', '']) {
    assert.throws(() => positiveSeconds('overload-s', bad), /--overload-s must be a positive number of seconds/);
  }
});
