// FIFO flow selection (baseline): the flow whose oldest waiting request arrived first runs next.

import type { FlowSelector, FlowView } from '../flow-selector.js';
import { sortFlows } from './sort-flows.js';

/**
 * Order: flows with a partly executed job first (FIFO is run-to-completion, so a started job finishes before
 * anything newer starts and its intermediates are not held), then oldest head request, then flow id.
 * Stateless: charge and forget do nothing.
 */
export class FifoSelector implements FlowSelector {
  readonly name = 'fifo';

  order(flows: readonly FlowView[], _nowMs: number): string[] {
    return sortFlows(flows, (f) => [f.inProgress ? 0 : 1, f.headEnqueuedAtMs]);
  }

  charge(_flow: FlowView, _costMs: number, _nowMs: number): void {}

  forget(_flow: string): void {}
}
