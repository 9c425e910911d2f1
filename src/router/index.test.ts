// createVariantRouter: every configured name builds its router; unknown names are rejected with a code.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServingError } from '../core/errors.js';
import { VARIANT_ROUTER_NAMES, type VariantRouterName, createVariantRouter, isVariantRouterName } from './index.js';

test('createVariantRouter builds a router named after each configured name', () => {
  for (const name of VARIANT_ROUTER_NAMES) assert.equal(createVariantRouter(name).name, name);
});

test('isVariantRouterName accepts the configured names only', () => {
  assert.equal(isVariantRouterName('infaas'), true);
  assert.equal(isVariantRouterName('random'), false);
});

test('createVariantRouter rejects an unchecked unknown name as INVALID_ARGUMENT', () => {
  assert.throws(
    () => createVariantRouter('random' as VariantRouterName),
    (err: unknown) => err instanceof ServingError && err.code === 'INVALID_ARGUMENT',
  );
});
