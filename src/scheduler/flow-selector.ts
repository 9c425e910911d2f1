// Flow-selector contract: when an executor is free, which model queue ("flow") hosted on it runs next.
// Pure. Implementations: FIFO, EDF, strict priority, ROMA's SLA-margin heuristic, weighted fair (the device arbiter).

/** What a selector may know about one flow with queued (or partly executed) work on an executor. */
export interface FlowView {
  /** Stable id, e.g. "resnet50@1" (model version key). */
  readonly flow: string;
  /** Tenant whose share the work is charged to (weighted fair sharing accounts per tenant across its flows). */
  readonly tenant: string;
  /** Share weight of the flow within its tenant (> 0). */
  readonly weight: number;
  /** Share weight of the tenant (> 0). */
  readonly tenantWeight: number;
  /** Strict priority class of the head request: 0 is the most important. */
  readonly priority: number;
  /** Requests waiting in the flow's queue. */
  readonly queuedRequests: number;
  /** Arrival time of the oldest waiting request, ms (clock time). */
  readonly headEnqueuedAtMs: number;
  /** Earliest deadline among waiting requests, ms; Infinity when none has one. */
  readonly headDeadlineAtMs: number;
  /** Predicted (profiled) cost of the work unit it would run next (a batch or a graph segment), ms. */
  readonly nextCostMs: number;
  /** Response-time objective of the flow, ms (ROMA's SLA); Infinity when none. */
  readonly sloMs: number;
  /** Recent average response time of the flow, ms (ROMA's estimate); 0 when unknown. */
  readonly avgResponseMs: number;
  /** True when the flow has a partly executed job (segments left) that holds intermediate tensors in the worker. */
  readonly inProgress: boolean;
}

/**
 * A unit's place in a selector's order, two-level like the arbiter's shares: groups (tenants) by `groupTag`, units of
 * one group by `tag`; a lower `cls` always first. Executors keep this order among waiting calls (RunOptions.rank).
 */
export interface UnitRank {
  /** Priority class: every waiting unit of a lower class runs first. */
  readonly cls: number;
  /** The group (tenant) the unit's share is accounted to. */
  readonly group: string;
  /** The unit's place among groups: its group's virtual finish tag when it was sent. Lower first. */
  readonly groupTag: number;
  /** The unit's place within its group: its flow's virtual finish tag. Lower first; a flow's tags only grow. */
  readonly tag: number;
}

export interface FlowSelector {
  readonly name: string;
  /**
   * Flows in the order they should be offered the executor (the caller takes the first one that has a
   * runnable unit now). Must return every flow it was given exactly once.
   */
  order(flows: readonly FlowView[], nowMs: number): string[];
  /**
   * Optional: where a unit of `costMs` from `flow`, about to be charged, stands in this selector's order, so the
   * executor can keep that order among units sent ahead (see RunRank). A flow's successive ranks never decrease.
   */
  rank?(flow: FlowView, costMs: number): UnitRank;
  /** The executor ran `costMs` (profiled cost, not wall time) of `flow`'s work: update accounting. */
  charge(flow: FlowView, costMs: number, nowMs: number): void;
  /** A flow left the executor (model unloaded): forget its state. */
  forget(flow: string): void;
}
