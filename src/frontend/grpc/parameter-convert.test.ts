// Unit tests of InferParameter ↔ core Parameters conversion.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServingError } from '../../core/errors.js';
import { parametersFromWire, parametersToWire } from './parameter-convert.js';

test('each oneof member becomes the matching core value', () => {
  assert.deepEqual(
    parametersFromWire(
      {
        b: { parameter_choice: 'bool_param', bool_param: true },
        i: { parameter_choice: 'int64_param', int64_param: '-42' },
        u: { parameter_choice: 'uint64_param', uint64_param: '42' },
        s: { parameter_choice: 'string_param', string_param: 'x' },
        d: { parameter_choice: 'double_param', double_param: 1.25 },
      },
      'request',
    ),
    { b: true, i: -42, u: 42, s: 'x', d: 1.25 },
  );
});

test('an empty map converts to no parameters at all', () => {
  assert.equal(parametersFromWire({}, 'request'), undefined);
});

test('64-bit integers beyond the safe range are refused rather than rounded', () => {
  assert.throws(
    () =>
      parametersFromWire(
        { seq: { parameter_choice: 'uint64_param', uint64_param: '18446744073709551615' } },
        'request',
      ),
    (err: unknown) => err instanceof ServingError && err.code === 'INVALID_ARGUMENT' && /'seq'/.test(err.message),
  );
});

test('a parameter with no value set is refused', () => {
  assert.throws(
    () => parametersFromWire({ empty: {} }, "output 'Y'"),
    (err: unknown) => err instanceof ServingError && /output 'Y' parameter 'empty' has no value/.test(err.message),
  );
});

test('core values pick int64 for whole numbers and double otherwise', () => {
  assert.deepEqual(parametersToWire({ n: 3, f: 0.5, s: 's', b: false }), {
    n: { int64_param: 3 },
    f: { double_param: 0.5 },
    s: { string_param: 's' },
    b: { bool_param: false },
  });
  assert.deepEqual(parametersToWire(undefined), {});
});
