// WfqSelector: shares of profiled device time in a small deterministic simulation, work conservation, priority, forget.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowView as view, runFlowSelectorContract } from '../flow-selector.case.js';
import type { FlowSelector, FlowView } from '../flow-selector.js';
import { jainIndex } from '../jain-index.js';
import { WfqSelector } from './wfq-selector.js';

runFlowSelectorContract('WfqSelector', () => new WfqSelector());
runFlowSelectorContract('WfqSelector (equal, strict priority)', () => new WfqSelector({ mode: 'equal', strictPriority: true }));

interface SimResult {
  /** Profiled ms each flow ran. */
  readonly servedMs: Map<string, number>;
  /** Flow ids in the order they ran. */
  readonly runs: string[];
}

/**
 * One executor from `fromMs` to `untilMs`: it asks the selector for an order, runs the first flow's next unit
 * (nextCostMs), charges it and advances the clock by that cost. `backlogged` says which flows have work at a time.
 */
function simulate(
  selector: FlowSelector,
  views: readonly FlowView[],
  untilMs: number,
  backlogged: (v: FlowView, nowMs: number) => boolean = () => true,
  fromMs = 0,
): SimResult {
  const servedMs = new Map(views.map((v) => [v.flow, 0]));
  const runs: string[] = [];
  for (let nowMs = fromMs; nowMs < untilMs; ) {
    const ready = views.filter((v) => backlogged(v, nowMs));
    const first = selector.order(ready, nowMs)[0];
    const chosen = ready.find((v) => v.flow === first);
    if (chosen === undefined) {
      nowMs += 1; // idle executor
      continue;
    }
    selector.charge(chosen, chosen.nextCostMs, nowMs);
    servedMs.set(chosen.flow, (servedMs.get(chosen.flow) ?? 0) + chosen.nextCostMs);
    runs.push(chosen.flow);
    nowMs += chosen.nextCostMs;
  }
  return { servedMs, runs };
}

function shares(servedMs: Map<string, number>, ids: readonly string[]): number[] {
  const total = ids.reduce((s, id) => s + (servedMs.get(id) ?? 0), 0);
  return ids.map((id) => (servedMs.get(id) ?? 0) / total);
}

const COSTLY = [view('small', { nextCostMs: 1 }), view('medium', { nextCostMs: 5 }), view('large', { nextCostMs: 20 })];

test('flows of very different cost and equal weights each get a third of device time', () => {
  const { servedMs } = simulate(new WfqSelector(), COSTLY, 10_000);
  const s = shares(servedMs, ['small', 'medium', 'large']);
  assert.ok(jainIndex(s) >= 0.99, `jain ${jainIndex(s)} shares ${s}`);
  for (const x of s) assert.ok(Math.abs(x - 1 / 3) < 0.01, `shares ${s}`);
});

test('flow weights 1:2:4 within one tenant give shares within 2% of 1/7, 2/7, 4/7', () => {
  const views = COSTLY.map((v, i) => ({ ...v, weight: 2 ** i }));
  const s = shares(simulate(new WfqSelector(), views, 10_000).servedMs, ['small', 'medium', 'large']);
  [1 / 7, 2 / 7, 4 / 7].forEach((target, i) => assert.ok(Math.abs((s[i] ?? 0) - target) < 0.02, `shares ${s}`));
});

test('tenant weights 1:2:4 across tenants give shares within 2% of 1/7, 2/7, 4/7', () => {
  const views = COSTLY.map((v, i) => ({ ...v, tenant: `t${i}`, tenantWeight: 2 ** i }));
  const s = shares(simulate(new WfqSelector(), views, 10_000).servedMs, ['small', 'medium', 'large']);
  [1 / 7, 2 / 7, 4 / 7].forEach((target, i) => assert.ok(Math.abs((s[i] ?? 0) - target) < 0.02, `shares ${s}`));
});

test("a tenant's share is accounted across all its flows: three flows against one split 50/50 by tenant", () => {
  const views = [
    view('a1', { tenant: 'a', nextCostMs: 2 }),
    view('a2', { tenant: 'a', nextCostMs: 7 }),
    view('a3', { tenant: 'a', nextCostMs: 3 }),
    view('b1', { tenant: 'b', nextCostMs: 11 }),
  ];
  const { servedMs } = simulate(new WfqSelector(), views, 10_000);
  const [a1 = 0, a2 = 0, a3 = 0, b1 = 0] = shares(servedMs, ['a1', 'a2', 'a3', 'b1']);
  assert.ok(Math.abs(a1 + a2 + a3 - 0.5) < 0.01, `tenant a ${a1 + a2 + a3}`);
  assert.ok(Math.abs(b1 - 0.5) < 0.01, `tenant b ${b1}`);
  // Inside tenant a the three flows split its half equally.
  for (const x of [a1, a2, a3]) assert.ok(Math.abs(x - 1 / 6) < 0.01, `tenant a flows ${[a1, a2, a3]}`);
});

test('equal mode ignores weights', () => {
  const views = [view('x', { weight: 1, nextCostMs: 3 }), view('y', { weight: 9, tenantWeight: 5, tenant: 'u' })];
  const s = shares(simulate(new WfqSelector({ mode: 'equal' }), views, 10_000).servedMs, ['x', 'y']);
  for (const x of s) assert.ok(Math.abs(x - 0.5) < 0.01, `shares ${s}`);
});

test('idle share is redistributed: a flow alone gets the whole device, two share it', () => {
  const views = [view('x', { nextCostMs: 4 }), view('y', { nextCostMs: 4 })];
  const { servedMs } = simulate(new WfqSelector(), views, 4_000, (v, t) => v.flow === 'x' || t >= 2_000);
  // x alone for 2 s, then half of the last 2 s.
  assert.ok(Math.abs((servedMs.get('x') ?? 0) - 3_000) <= 8, `x ran ${servedMs.get('x')}`);
  assert.ok(Math.abs((servedMs.get('y') ?? 0) - 1_000) <= 8, `y ran ${servedMs.get('y')}`);
});

test('a flow returning after a long idle period banks no credit and does not monopolise the device', () => {
  const selector = new WfqSelector();
  const views = [view('a', { nextCostMs: 2 }), view('b', { nextCostMs: 5 }), view('c', { nextCostMs: 1 })];
  simulate(selector, views, 1_000, (v) => v.flow === 'c'); // c earns a low tag, then goes idle
  simulate(selector, views, 6_000, (v) => v.flow !== 'c', 1_000); // a and b run for 5 s without c
  const { servedMs, runs } = simulate(selector, views, 7_000, () => true, 6_000);
  const s = shares(servedMs, ['a', 'b', 'c']);
  for (const x of s) assert.ok(Math.abs(x - 1 / 3) < 0.02, `shares after c returns ${s}`);
  // It is not starved either: it runs among the first few units.
  assert.ok(runs.slice(0, 3).includes('c'), `first runs ${runs.slice(0, 6)}`);
});

test('a partly executed flow takes its fair turn, not a jump ahead', () => {
  const selector = new WfqSelector();
  const a = view('a', { inProgress: true });
  const b = view('b');
  selector.charge(a, 10, 0);
  assert.deepEqual(selector.order([a, b], 0), ['b', 'a']);
});

test('with strict priority the lower priority number always goes first', () => {
  const selector = new WfqSelector({ strictPriority: true });
  const urgent = view('urgent', { priority: 0, nextCostMs: 20, tenant: 'z' });
  const batch = view('batch', { priority: 2, nextCostMs: 1, tenant: 'a' });
  const { runs } = simulate(selector, [urgent, batch], 1_000);
  assert.ok(runs.every((f) => f === 'urgent'), 'the priority-2 flow never ran while priority 0 was backlogged');
});

test('with strict priority flows are fair within a class', () => {
  const selector = new WfqSelector({ strictPriority: true });
  const views = [view('x', { priority: 1, nextCostMs: 2 }), view('y', { priority: 1, nextCostMs: 9, weight: 3 })];
  // Class 0 work interleaves without disturbing the class-1 accounting.
  selector.charge(view('hi', { priority: 0 }), 500, 0);
  const s = shares(simulate(selector, views, 8_000).servedMs, ['x', 'y']);
  assert.ok(Math.abs((s[0] ?? 0) - 0.25) < 0.02 && Math.abs((s[1] ?? 0) - 0.75) < 0.02, `shares ${s}`);
});

test('without strict priority the priority class does not decide the order', () => {
  const views = [view('hi', { priority: 0 }), view('lo', { priority: 3 })];
  const s = shares(simulate(new WfqSelector(), views, 1_000).servedMs, ['hi', 'lo']);
  assert.deepEqual(s, [0.5, 0.5]);
});

test('ties are broken by flow id, independent of the input order', () => {
  const selector = new WfqSelector();
  const views = ['m', 'c', 'x', 'a'].map((f) => view(f));
  assert.deepEqual(selector.order(views, 0), ['a', 'c', 'm', 'x']);
  assert.deepEqual(selector.order([...views].reverse(), 0), ['a', 'c', 'm', 'x']);
});

test('forget drops a flow so it starts again from the current virtual time', () => {
  const selector = new WfqSelector();
  const a = view('a', { tenant: 'ta' });
  const b = view('b', { tenant: 'tb' });
  selector.order([a, b], 0);
  selector.charge(a, 100, 0);
  assert.deepEqual(selector.order([a, b], 0), ['b', 'a'], 'a has used its share');
  selector.forget('a');
  assert.deepEqual(selector.order([a, b], 0), ['a', 'b'], 'a forgotten: tied with b, first by id');
  selector.forget('never-seen'); // harmless
});

test('a non-positive weight is rejected with INVALID_ARGUMENT', () => {
  const selector = new WfqSelector();
  assert.throws(() => selector.charge(view('a', { weight: 0 }), 1, 0), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => selector.charge(view('a', { tenantWeight: -1 }), 1, 0), { code: 'INVALID_ARGUMENT' });
});
