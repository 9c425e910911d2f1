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
  constructor(
    readonly key: string,
    private units: number,
  ) {}
  view(): FlowView | undefined {
    return this.units > 0 ? flowView(this.key) : undefined;
  }
  take(): TakeResult {
    if (this.units === 0) return { kind: 'none' };
    this.units -= 1;
    return { kind: 'unit', unit: { costMs: 1, run: () => new Promise<void>((resolve) => this.running.push(resolve)) } };
  }
  backlogMs(): number {
    return this.units;
  }
}

function scheduler(maxUnitsInFlight: number): ExecutorScheduler {
  return new ExecutorScheduler({ executor: { id: 'e0' } as Executor, selector: new WfqSelector(), clock: new ManualClock(), isAvailable: () => true, maxUnitsInFlight });
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
