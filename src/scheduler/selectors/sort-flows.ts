// Sorting helper shared by the stateless flow selectors: order flows by numeric keys, then by flow id.

import type { FlowView } from '../flow-selector.js';

/**
 * Flow ids sorted by `key` (compared element by element, smaller first), ties broken by flow id so the
 * result never depends on the order the flows were given in. Keys are computed once per flow.
 */
export function sortFlows(flows: readonly FlowView[], key: (f: FlowView) => readonly number[]): string[] {
  const keyed = flows.map((f) => ({ flow: f.flow, key: key(f) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const x = a.key[i] as number;
      const y = b.key[i] as number;
      // `<` rather than subtraction: Infinity − Infinity is NaN.
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return a.flow < b.flow ? -1 : a.flow > b.flow ? 1 : 0;
  });
  return keyed.map((k) => k.flow);
}
