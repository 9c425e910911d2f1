// Shared contract suite every FlowSelector implementation runs: a permutation of its input, deterministic, safe state.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowSelector, FlowView } from './flow-selector.js';

/** A plain flow view; override what a test cares about. */
export function flowView(flow: string, over: Partial<Omit<FlowView, 'flow'>> = {}): FlowView {
  return {
    flow,
    tenant: 't0',
    weight: 1,
    tenantWeight: 1,
    priority: 0,
    queuedRequests: 1,
    headEnqueuedAtMs: 0,
    headDeadlineAtMs: Infinity,
    nextCostMs: 1,
    sloMs: Infinity,
    avgResponseMs: 0,
    inProgress: false,
    ...over,
  };
}

/** A varied, deterministic set of flows: tenants, weights, priorities, deadlines (some none), ties, in-progress jobs. */
export function sampleFlows(count = 12): FlowView[] {
  const out: FlowView[] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      flowView(`m${(i * 7919) % 10007}@1`, {
        tenant: `t${i % 3}`,
        weight: 1 + (i % 2),
        tenantWeight: 1 + (i % 3),
        priority: i % 3,
        queuedRequests: i % 4,
        headEnqueuedAtMs: 100 - (i % 5) * 10,
        headDeadlineAtMs: i % 4 === 0 ? Infinity : 150 + (i % 6) * 20,
        nextCostMs: 1 + (i % 5),
        sloMs: i % 5 === 0 ? Infinity : 30 + i * 5,
        avgResponseMs: i % 2 === 0 ? 0 : 10 + i * 3,
        inProgress: i % 7 === 3,
      }),
    );
  }
  return out;
}

function sorted(xs: readonly string[]): string[] {
  return [...xs].sort();
}

function frozen(flows: readonly FlowView[]): readonly FlowView[] {
  return Object.freeze(flows.map((f) => Object.freeze({ ...f })));
}

/** Serves the executor `rounds` times: order, charge the first flow its next cost, advance the clock. */
function serve(s: FlowSelector, flows: readonly FlowView[], rounds: number): string[][] {
  const orders: string[][] = [];
  let nowMs = 200;
  for (let r = 0; r < rounds; r++) {
    const order = s.order(flows, nowMs);
    orders.push(order);
    const first = flows.find((f) => f.flow === order[0]);
    if (first !== undefined) s.charge(first, first.nextCostMs, nowMs);
    nowMs += first?.nextCostMs ?? 1;
  }
  return orders;
}

export function runFlowSelectorContract(name: string, make: () => FlowSelector): void {
  test(`${name}: has a non-empty name`, () => {
    assert.ok(make().name.length > 0);
  });

  test(`${name}: an empty input gives an empty order`, () => {
    assert.deepEqual(make().order([], 0), []);
  });

  test(`${name}: a single flow is offered alone`, () => {
    assert.deepEqual(make().order([flowView('only@1')], 0), ['only@1']);
  });

  test(`${name}: returns every flow it was given exactly once, and nothing else`, () => {
    const flows = sampleFlows();
    const order = make().order(flows, 200);
    assert.deepEqual(
      sorted(order),
      sorted(flows.map((f) => f.flow)),
    );
  });

  test(`${name}: keeps returning every flow exactly once while flows are served and charged`, () => {
    const flows = sampleFlows();
    for (const order of serve(make(), flows, 300)) {
      assert.deepEqual(
        sorted(order),
        sorted(flows.map((f) => f.flow)),
      );
    }
  });

  test(`${name}: two fresh selectors fed the same calls give the same orders`, () => {
    const flows = sampleFlows();
    assert.deepEqual(serve(make(), flows, 100), serve(make(), flows, 100));
  });

  test(`${name}: the order does not depend on the order flows are listed in`, () => {
    const flows = sampleFlows();
    const rotated = [...flows.slice(5), ...flows.slice(0, 5)];
    const a = make();
    const b = make();
    for (let r = 0; r < 3; r++) {
      const oa = a.order(flows, 200 + r);
      assert.deepEqual(oa, b.order([...flows].reverse(), 200 + r));
      assert.deepEqual(oa, b.order(rotated, 200 + r));
      const first = flows.find((f) => f.flow === oa[0]) as FlowView;
      a.charge(first, 2, 200 + r);
      b.charge(first, 2, 200 + r);
    }
  });

  test(`${name}: does not modify the flows it is given`, () => {
    const s = make();
    const flows = frozen(sampleFlows());
    const copy = structuredClone([...flows]);
    serve(s, flows, 20);
    assert.deepEqual([...flows], copy);
  });

  test(`${name}: returns exactly the flows of each call as flows come and go`, () => {
    const s = make();
    const all = sampleFlows();
    for (let r = 0; r < 40; r++) {
      const subset = all.filter((_, i) => (i + r) % 3 !== 0);
      const order = s.order(subset, 200 + r);
      assert.deepEqual(
        sorted(order),
        sorted(subset.map((f) => f.flow)),
      );
      const first = subset.find((f) => f.flow === order[0]) as FlowView;
      s.charge(first, first.nextCostMs, 200 + r);
      if (r % 10 === 9) s.forget(all[r % all.length]?.flow ?? '');
    }
  });

  test(`${name}: forget is safe for unknown flows and forgotten flows are still ordered when they return`, () => {
    const s = make();
    s.forget('never-seen@1');
    const flows = sampleFlows();
    serve(s, flows, 10);
    for (const f of flows) s.forget(f.flow);
    s.forget(flows[0]?.flow ?? '');
    assert.deepEqual(
      sorted(s.order(flows, 500)),
      sorted(flows.map((f) => f.flow)),
    );
  });

  test(`${name}: charging a flow it has not ordered yet is safe`, () => {
    const s = make();
    s.charge(flowView('new@1', { tenant: 'fresh' }), 5, 0);
    assert.deepEqual(
      sorted(s.order([flowView('new@1', { tenant: 'fresh' }), flowView('other@1')], 1)),
      ['new@1', 'other@1'],
    );
  });
}
