// Tests for choosing which on-disk versions a version policy serves.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectVersions } from './version-policy.js';

describe('selectVersions', () => {
  const available = [3, 1, 10, 2];

  it('picks the N highest versions for latest N, ascending', () => {
    assert.deepEqual(selectVersions({ kind: 'latest', count: 1 }, available), [10]);
    assert.deepEqual(selectVersions({ kind: 'latest', count: 2 }, available), [3, 10]);
  });

  it('returns every version when latest N exceeds what exists', () => {
    assert.deepEqual(selectVersions({ kind: 'latest', count: 9 }, available), [1, 2, 3, 10]);
  });

  it('keeps the policy order for specific versions and drops missing ones', () => {
    assert.deepEqual(selectVersions({ kind: 'specific', versions: [10, 4, 1] }, available), [10, 1]);
  });

  it('returns all versions in ascending order for all', () => {
    assert.deepEqual(selectVersions({ kind: 'all' }, available), [1, 2, 3, 10]);
  });

  it('counts duplicate versions once', () => {
    assert.deepEqual(selectVersions({ kind: 'latest', count: 2 }, [5, 5, 4]), [4, 5]);
    assert.deepEqual(selectVersions({ kind: 'specific', versions: [5, 5] }, [5]), [5]);
  });

  it('selects nothing when nothing is available', () => {
    assert.deepEqual(selectVersions({ kind: 'latest', count: 1 }, []), []);
    assert.deepEqual(selectVersions({ kind: 'all' }, []), []);
  });
});
