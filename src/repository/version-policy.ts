// Which of a model's on-disk versions a version policy serves (Triton semantics: latest N, specific, all).

import type { VersionPolicy } from './model-config.js';

/**
 * The versions to load. `latest` and `all` return ascending version order; `specific` keeps the policy's order
 * and drops versions that are not available. Duplicates in `available` count once.
 */
export function selectVersions(policy: VersionPolicy, available: readonly number[]): number[] {
  const ascending = [...new Set(available)].sort((a, b) => a - b);
  switch (policy.kind) {
    case 'all':
      return ascending;
    case 'latest':
      return policy.count <= 0 ? [] : ascending.slice(-policy.count);
    case 'specific': {
      const present = new Set(ascending);
      return [...new Set(policy.versions)].filter((v) => present.has(v));
    }
  }
}
