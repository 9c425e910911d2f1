// Strict-priority flow selection: the most important class always runs first; EDF within a class.

import type { FlowSelector, FlowView } from '../flow-selector.js';
import { sortFlows } from './sort-flows.js';

/**
 * Order: lower priority number first (strict: a waiting class-0 flow overtakes a partly executed class-1 job at
 * its next segment boundary); within a class, a partly executed job first, then earliest head deadline, then
 * oldest head request, then flow id. Lower classes can starve under sustained higher-class load, by design.
 * Stateless: charge and forget do nothing.
 */
export class PrioritySelector implements FlowSelector {
  readonly name = 'priority';

  order(flows: readonly FlowView[], _nowMs: number): string[] {
    return sortFlows(flows, (f) => [f.priority, f.inProgress ? 0 : 1, f.headDeadlineAtMs, f.headEnqueuedAtMs]);
  }

  charge(_flow: FlowView, _costMs: number, _nowMs: number): void {}

  forget(_flow: string): void {}
}
