// EDF flow selection: the flow holding the earliest deadline runs next.

import type { FlowSelector, FlowView } from '../flow-selector.js';
import { sortFlows } from './sort-flows.js';

/**
 * Order: flows with a partly executed job first (non-preemptive EDF: finishing it frees its intermediate
 * tensors in the worker), then earliest head deadline (flows without one last), then lower priority number,
 * then oldest head request, then flow id. Stateless: charge and forget do nothing.
 */
export class EdfSelector implements FlowSelector {
  readonly name = 'edf';

  order(flows: readonly FlowView[], _nowMs: number): string[] {
    return sortFlows(flows, (f) => [f.inProgress ? 0 : 1, f.headDeadlineAtMs, f.priority, f.headEnqueuedAtMs]);
  }

  charge(_flow: FlowView, _costMs: number, _nowMs: number): void {}

  forget(_flow: string): void {}
}
