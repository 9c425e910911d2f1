// Flow selectors by name: the one place configuration turns a policy name into a FlowSelector.

import { ServingError } from '../../core/errors.js';
import type { FlowSelector } from '../flow-selector.js';
import { EdfSelector } from './edf-selector.js';
import { FifoSelector } from './fifo-selector.js';
import { PrioritySelector } from './priority-selector.js';
import { type RomaSelectorOptions, RomaSelector } from './roma-selector.js';
import { type WfqSelectorOptions, WfqSelector } from './wfq-selector.js';

export { EdfSelector, FifoSelector, PrioritySelector, RomaSelector, WfqSelector };
export type { RomaSelectorOptions, WfqSelectorOptions };

export const FLOW_SELECTOR_NAMES = ['fifo', 'edf', 'priority', 'roma', 'wfq'] as const;

export type FlowSelectorName = (typeof FLOW_SELECTOR_NAMES)[number];

export function isFlowSelectorName(name: string): name is FlowSelectorName {
  return (FLOW_SELECTOR_NAMES as readonly string[]).includes(name);
}

/** Per-policy options; only the named policy's entry is read. */
export interface FlowSelectorOptions {
  readonly roma?: RomaSelectorOptions;
  readonly wfq?: WfqSelectorOptions;
}

export function createFlowSelector(name: FlowSelectorName, options: FlowSelectorOptions = {}): FlowSelector {
  switch (name) {
    case 'fifo':
      return new FifoSelector();
    case 'edf':
      return new EdfSelector();
    case 'priority':
      return new PrioritySelector();
    case 'roma':
      return new RomaSelector(options.roma);
    case 'wfq':
      return new WfqSelector(options.wfq);
  }
  // Reached only when an unchecked string from configuration slipped past the type.
  throw new ServingError('INVALID_ARGUMENT', `unknown flow selector '${String(name)}' (known: ${FLOW_SELECTOR_NAMES.join(', ')})`);
}
