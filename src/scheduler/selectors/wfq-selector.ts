// Weighted fair queueing over profiled cost (Olympian's device arbiter): tenants share an executor by weight, flows share their tenant's part.

import { ServingError } from '../../core/errors.js';
import type { FlowSelector, FlowView, UnitRank } from '../flow-selector.js';

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
  /** Start tags of the unit charged last in this class: its tenant's, and per tenant its flow's. */
  lastTenantStartMs: number;
  readonly lastFlowStartMs: Map<string, number>;
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
 * Two-level weighted fair queueing keyed on profiled cost, served in order of virtual finish tags.
 *
 *   tenant tag  T_t  += costMs / tenantWeight   (a tenant's share covers all its flows)
 *   flow tag    F_f  += costMs / weight          (flows split their tenant's share)
 *
 * A flow's next unit of cost c would finish at F_f + c / weight within its tenant, and the tenant's at
 * T_t + c / tenantWeight. order() takes the priority class first (when strict), then the tenant whose next unit
 * (its own first flow's) finishes first, and inside a tenant the flow whose next unit finishes first; ties by id.
 * Shares stay within about one unit's cost of exact. Ordering by finish rather than start tags (start-time fair
 * queueing) serves a flow of short units that is under its share before a long unit of a flow that started at the
 * same tag: a small model beside a large one waits for less of the large one's work.
 *
 * Work conservation: the system virtual time V of a class (per tenant for flows) follows the backlogged work: at
 * each order() it rises to the smaller of the start tag of the unit charged last and the smallest start tag among
 * the flows offered. Every flow and tenant seen in order() or charge() is raised to at least V, so a flow that was
 * idle banks no credit: idle shares go to the others, and a returning flow competes from "now" and cannot starve
 * the rest. Not the flows' next start tags alone: units are charged when sent, and a flow with units queued ahead in
 * the executor has its next tag past them, where a newly arrived flow would then have to start. Callers offer
 * every backlogged flow to order() before each choice, a lone one included.
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
    // Flows grouped by (class, tenant), in finish-tag order inside each group; groups by their first unit's tenant tag.
    this.advanceVirtualTime(flows);
    const groups = new Map<string, { flow: string; rank: UnitRank }[]>();
    for (const view of flows) {
      const rank = this.rank(view, view.nextCostMs);
      const key = `${rank.cls}\u0000${rank.group}`;
      const g = groups.get(key) ?? [];
      g.push({ flow: view.flow, rank });
      groups.set(key, g);
    }
    const sorted = [...groups.values()].map((g) => g.sort((a, b) => a.rank.tag - b.rank.tag || compareIds(a.flow, b.flow)));
    // The tenant's next unit is its first flow's: that one's cost sets the tenant's finish tag.
    const head = (g: { rank: UnitRank }[]): UnitRank => (g[0] as { rank: UnitRank }).rank;
    sorted.sort((a, b) => head(a).cls - head(b).cls || head(a).groupTag - head(b).groupTag || compareIds(head(a).group, head(b).group));
    return sorted.flatMap((g) => g.map((f) => f.flow));
  }

  /** The finish tags a unit of `costMs` from `view`'s flow would get if it were charged now. */
  rank(view: FlowView, costMs: number): UnitRank {
    const { tenantWeight, weight } = this.weightsOf(view);
    const { tenant, flow } = this.lift(view);
    const paidMs = Math.max(0, costMs);
    return { cls: this.classOf(view), group: view.tenant, groupTag: tenant.vtMs + paidMs / tenantWeight, tag: flow.vtMs + paidMs / weight };
  }

  charge(view: FlowView, costMs: number, _nowMs: number): void {
    const { tenantWeight, weight } = this.weightsOf(view);
    const { tenant, flow } = this.lift(view);
    const clock = this.clock(this.classOf(view));
    clock.lastTenantStartMs = tenant.vtMs;
    clock.lastFlowStartMs.set(view.tenant, flow.vtMs);
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
      for (const clock of this.clocks.values()) {
        clock.flowVtMs.delete(flow.tenant);
        clock.lastFlowStartMs.delete(flow.tenant);
      }
    }
  }

  /**
   * Raises each class's (and, per tenant, its flows') virtual time to the smaller of the smallest start tag among
   * the backlogged `views` and the start tag of the unit charged last.
   */
  private advanceVirtualTime(views: readonly FlowView[]): void {
    const tenantMin = new Map<number, number>();
    const flowMin = new Map<number, Map<string, number>>();
    for (const view of views) {
      const { tenant, flow } = this.lift(view);
      const cls = this.classOf(view);
      tenantMin.set(cls, Math.min(tenantMin.get(cls) ?? Infinity, tenant.vtMs));
      const perTenant = flowMin.get(cls) ?? new Map<string, number>();
      perTenant.set(view.tenant, Math.min(perTenant.get(view.tenant) ?? Infinity, flow.vtMs));
      flowMin.set(cls, perTenant);
    }
    for (const [cls, vt] of tenantMin) {
      const clock = this.clock(cls);
      clock.tenantVtMs = Math.max(clock.tenantVtMs, Math.min(vt, clock.lastTenantStartMs));
      for (const [t, fvt] of flowMin.get(cls) ?? []) {
        clock.flowVtMs.set(t, Math.max(clock.flowVtMs.get(t) ?? 0, Math.min(fvt, clock.lastFlowStartMs.get(t) ?? Infinity)));
      }
    }
  }

  /** The view's weights, checked (1 and 1 in equal mode). */
  private weightsOf(view: FlowView): { tenantWeight: number; weight: number } {
    if (this.equal) return { tenantWeight: 1, weight: 1 };
    return { tenantWeight: checkWeight(view.tenantWeight, 'tenantWeight', view.flow), weight: checkWeight(view.weight, 'weight', view.flow) };
  }

  private classOf(view: FlowView): number {
    return this.strictPriority ? view.priority : 0;
  }

  private clock(cls: number): ClassClock {
    let clock = this.clocks.get(cls);
    if (clock === undefined) {
      clock = { tenantVtMs: 0, flowVtMs: new Map(), lastTenantStartMs: Infinity, lastFlowStartMs: new Map() };
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
