// ExecutorScheduler's dispatch loop: how many units it keeps in the executor, and who runs next when one frees.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import type { Executor } from '../executor/executor.js';
import { flowView } from '../scheduler/flow-selector.case.js';
import type { FlowView } from '../scheduler/flow-selector.js';
import { WfqSelector } from '../scheduler/selectors/index.js';
import { ExecutorScheduler, type Flow, type TakeResult } from './executor-scheduler.js';

/** A flow with `units` units of 1 ms; each runs until the test finishes it. */
class StubFlow implements Flow {
  readonly running: (() => void)[] = [];
  /** Whether each unit sent so far was sent urgent. */
  readonly urgent: boolean[] = [];
  constructor(
    readonly key: string,
    public units: number,
  ) {}
  view(): FlowView | undefined {
    return this.units > 0 ? flowView(this.key) : undefined;
  }
  take(): TakeResult {
    if (this.units === 0) return { kind: 'none' };
    this.units -= 1;
    return {
      kind: 'unit',
      unit: {
        costMs: 1,
        run: (o) => {
          this.urgent.push(o.urgent === true);
          return new Promise<void>((resolve) => this.running.push(resolve));
        },
      },
    };
  }
  backlogMs(): number {
    return this.units;
  }
}

function scheduler(maxUnitsInFlight: number, queueAheadMs?: number, clock = new ManualClock(), urgentNewFlows = false): ExecutorScheduler {
  return new ExecutorScheduler({
    executor: { id: 'e0' } as Executor,
    selector: new WfqSelector(),
    clock,
    isAvailable: () => true,
    maxUnitsInFlight,
    ...(queueAheadMs === undefined ? {} : { queueAheadMs }),
    urgentNewFlows,
  });
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('the executor holds up to maxUnitsInFlight units, from any flow', () => {
  const s = scheduler(2);
  const a = new StubFlow('a', 5);
  const b = new StubFlow('b', 5);
  s.add(a);
  s.add(b);
  s.pump();
  assert.equal(a.running.length + b.running.length, 2);
});

test('a queue-ahead budget sends more units while less predicted work than it is left, up to 4x the unit count', async () => {
  const clock = new ManualClock();
  // Units of 1 ms, 2 in flight, 3.5 ms ahead: a third and a fourth unit go while under 3.5 ms are left.
  const s = scheduler(2, 3.5, clock);
  const a = new StubFlow('a', 20);
  s.add(a);
  s.pump();
  assert.equal(a.running.length, 4);
  assert.equal(s.remainingBusyMs(clock.nowMs()), 4);
  // One finishes after 1 ms: 3 left, under the budget, so one more goes.
  clock.advance(1);
  a.running.shift()?.();
  await settle();
  assert.equal(a.running.length, 4);
  // Never more than 4 x 2 units, however cheap.
  const cheap = scheduler(2, 1000, clock);
  const c = new StubFlow('c', 20);
  cheap.add(c);
  cheap.pump();
  assert.equal(c.running.length, 8);
});

test('with one unit in flight the next is chosen when the executor frees, by the selector', async () => {
  const s = scheduler(1);
  const a = new StubFlow('a', 5);
  s.add(a);
  s.pump();
  assert.equal(a.running.length, 1);
  const b = new StubFlow('b', 1);
  s.add(b);
  s.pump();
  assert.equal(b.running.length, 0, 'nothing sent while the executor is busy');
  a.running.shift()?.();
  await settle();
  // WFQ: b has been charged nothing yet, so it goes before a's next unit.
  assert.equal(b.running.length, 1);
  assert.equal(a.running.length, 0);
  assert.equal(s.remainingBusyMs(0), 1);
});

test('othersWorkedSince says whether another flow received work in the window', () => {
  const s = scheduler(1);
  s.noteWork('a', 100);
  assert.equal(s.othersWorkedSince('a', 0), false, 'only the flow itself worked');
  s.noteWork('b', 500);
  assert.equal(s.othersWorkedSince('a', 400), true);
  assert.equal(s.othersWorkedSince('a', 501), false, 'b worked before the window');
  s.remove('b');
  assert.equal(s.othersWorkedSince('a', 0), false, 'a removed flow is forgotten');
});

test('urgentNewFlows: a flow with nothing in the executor while others have units there is sent urgent, once', async () => {
  const clock = new ManualClock();
  const s = scheduler(2, 4, clock, true);
  const a = new StubFlow('a', 4);
  s.add(a);
  s.pump();
  assert.deepEqual(a.urgent, [false, false, false, false], 'the first unit found the executor empty; the rest are its own');
  const b = new StubFlow('b', 2);
  s.add(b);
  a.running.shift()?.();
  await settle();
  // b's first unit passes a's queued ones.
  assert.deepEqual(b.urgent, [true]);
  a.running.shift()?.();
  await settle();
  assert.deepEqual(b.urgent, [true, false], 'its second unit queues behind its first');
  for (const done of b.running.splice(0)) done();
  await settle();
  assert.equal(b.units, 0);
  b.units = 1;
  s.pump();
  assert.deepEqual(b.urgent, [true, false, true], 'b had nothing left in the executor, so its next unit is urgent again');
});

test('without urgentNewFlows every unit runs in the order sent', async () => {
  const s = scheduler(2, 4);
  const a = new StubFlow('a', 5);
  const b = new StubFlow('b', 5);
  s.add(a);
  s.pump();
  s.add(b);
  a.running.shift()?.();
  await settle();
  assert.ok(b.urgent.length > 0);
  assert.ok([...a.urgent, ...b.urgent].every((u) => !u));
});
