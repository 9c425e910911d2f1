// Weighted fair queueing over profiled cost (Olympian's device arbiter): tenants share an executor by weight, flows share their tenant's part.

import { ServingError } from '../../core/errors.js';
import type { FlowSelector, FlowView } from '../flow-selector.js';

export interface WfqSelectorOptions {
  /** 'weighted' (default): shares follow tenantWeight and weight. 'equal': every weight counts as 1. */
  readonly mode?: 'weighted' | 'equal';
  /** When true, a lower priority number always goes first; flows are fair within a class. Default false. */
  readonly strictPriority?: boolean;
}

/** System virtual times of one priority class (one class only when strictPriority is off). */
interface ClassClock {
  /** Start tag of the tenant served last in this class. */
  tenantVtMs: number;
  /** Per tenant: start tag of its flow served last in this class. */
  readonly flowVtMs: Map<string, number>;
}

interface TenantState {
  /** Tenant virtual time: profiled ms charged to all its flows, divided by tenantWeight. */
  vtMs: number;
  readonly flows: Set<string>;
}

interface FlowState {
  readonly tenant: string;
  /** Flow virtual time within its tenant: profiled ms charged to it, divided by weight. */
  vtMs: number;
}

/**
 * Two-level start-time fair queueing (SFQ, Goyal et al.) keyed on profiled cost.
 *
 *   tenant tag  T_t  += costMs / tenantWeight   (a tenant's share covers all its flows)
 *   flow tag    F_f  += costMs / weight          (flows split their tenant's share)
 *
 * order() sorts by (priority class when strict, T_t, tenant id, F_f, flow id): the backlogged tenant with the
 * smallest tag first, and inside it the flow with the smallest tag. A flow's tag is the start tag of its next
 * unit, so a heavy unit is paid for after it ran; shares stay within about one unit's cost of exact.
 *
 * Work conservation: the system virtual time V of a class is the start tag of the unit served last there (the
 * smallest backlogged tag, since the smallest goes first). Every flow and tenant seen in order() or charge() is
 * raised to at least V (per tenant for flows), so a flow that was idle, or present but not runnable when its turn
 * came, banks no credit: idle shares go to the others, and a returning flow competes from "now" and cannot
 * starve the rest.
 *
 * inProgress flows get no special place: a partly executed job takes its turn like any other, and the caller
 * may switch flows at every segment boundary (that is the point of segmentation). It is never starved, since
 * its tag is raised to V while it waits and every other backlogged tag grows as it is served.
 */
export class WfqSelector implements FlowSelector {
  readonly name = 'wfq';
  private readonly equal: boolean;
  private readonly strictPriority: boolean;
  private readonly clocks = new Map<number, ClassClock>();
  private readonly tenants = new Map<string, TenantState>();
  private readonly flows = new Map<string, FlowState>();

  constructor(options: WfqSelectorOptions = {}) {
    this.equal = options.mode === 'equal';
    this.strictPriority = options.strictPriority ?? false;
  }

  order(flows: readonly FlowView[], _nowMs: number): string[] {
    const keyed = flows.map((view) => {
      const { tenant, flow } = this.lift(view);
      return { view, tenantVtMs: tenant.vtMs, flowVtMs: flow.vtMs, cls: this.classOf(view) };
    });
    keyed.sort(
      (a, b) =>
        a.cls - b.cls ||
        a.tenantVtMs - b.tenantVtMs ||
        compareIds(a.view.tenant, b.view.tenant) ||
        a.flowVtMs - b.flowVtMs ||
        compareIds(a.view.flow, b.view.flow),
    );
    return keyed.map((k) => k.view.flow);
  }

  charge(view: FlowView, costMs: number, _nowMs: number): void {
    const tenantWeight = this.equal ? 1 : checkWeight(view.tenantWeight, 'tenantWeight', view.flow);
    const weight = this.equal ? 1 : checkWeight(view.weight, 'weight', view.flow);
    const { tenant, flow } = this.lift(view);
    const clock = this.clock(this.classOf(view));
    // The unit that just ran started at these tags: they are the system virtual time now.
    clock.tenantVtMs = Math.max(clock.tenantVtMs, tenant.vtMs);
    clock.flowVtMs.set(view.tenant, Math.max(clock.flowVtMs.get(view.tenant) ?? 0, flow.vtMs));
    const paidMs = Math.max(0, costMs);
    tenant.vtMs += paidMs / tenantWeight;
    flow.vtMs += paidMs / weight;
  }

  forget(flowId: string): void {
    const flow = this.flows.get(flowId);
    if (flow === undefined) return;
    this.flows.delete(flowId);
    const tenant = this.tenants.get(flow.tenant);
    tenant?.flows.delete(flowId);
    if (tenant !== undefined && tenant.flows.size === 0) {
      this.tenants.delete(flow.tenant);
      for (const clock of this.clocks.values()) clock.flowVtMs.delete(flow.tenant);
    }
  }

  private classOf(view: FlowView): number {
    return this.strictPriority ? view.priority : 0;
  }

  private clock(cls: number): ClassClock {
    let clock = this.clocks.get(cls);
    if (clock === undefined) {
      clock = { tenantVtMs: 0, flowVtMs: new Map() };
      this.clocks.set(cls, clock);
    }
    return clock;
  }

  /** State of the view's tenant and flow, created if new, raised to at least the class's virtual time. */
  private lift(view: FlowView): { tenant: TenantState; flow: FlowState } {
    const clock = this.clock(this.classOf(view));
    let flow = this.flows.get(view.flow);
    if (flow !== undefined && flow.tenant !== view.tenant) {
      this.forget(view.flow); // moved to another tenant: its old accounting does not apply
      flow = undefined;
    }
    let tenant = this.tenants.get(view.tenant);
    if (tenant === undefined) {
      tenant = { vtMs: clock.tenantVtMs, flows: new Set() };
      this.tenants.set(view.tenant, tenant);
    }
    const flowFloorMs = clock.flowVtMs.get(view.tenant) ?? 0;
    if (flow === undefined) {
      flow = { tenant: view.tenant, vtMs: flowFloorMs };
      this.flows.set(view.flow, flow);
      tenant.flows.add(view.flow);
    }
    tenant.vtMs = Math.max(tenant.vtMs, clock.tenantVtMs);
    flow.vtMs = Math.max(flow.vtMs, flowFloorMs);
    return { tenant, flow };
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkWeight(value: number, what: string, flow: string): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new ServingError('INVALID_ARGUMENT', `${what} of flow ${flow} must be a positive number, got ${value}`);
  }
  return value;
}
