// ExecutorScheduler's dispatch loop: how many units it keeps in the executor, and who runs next when one frees.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { type Executor, type RunRank, ranksBefore } from '../executor/executor.js';
import { flowView } from '../scheduler/flow-selector.case.js';
import type { FlowView } from '../scheduler/flow-selector.js';
import { WfqSelector } from '../scheduler/selectors/index.js';
import { ExecutorScheduler, type Flow, ReservationGroup, type TakeResult } from './executor-scheduler.js';

/** A flow with `units` units of `costMs` (default 1 ms); each runs until the test finishes it. */
class StubFlow implements Flow {
  readonly running: (() => void)[] = [];
  /** The rank each unit sent so far carried (undefined: none). */
  readonly ranks: (RunRank | undefined)[] = [];
  constructor(
    readonly key: string,
    public units: number,
    private readonly costMs = 1,
    /** The requests' time budget (Infinity: no deadlines); the head is due this long after time 0. */
    private readonly budget = Infinity,
  ) {}
  view(): FlowView | undefined {
    return this.units > 0 ? flowView(this.key, { nextCostMs: this.costMs, headDeadlineAtMs: this.budget }) : undefined;
  }
  take(): TakeResult {
    if (this.units === 0) return { kind: 'none' };
    this.units -= 1;
    return {
      kind: 'unit',
      unit: {
        costMs: this.costMs,
        run: (o) => {
          this.ranks.push(o.rank);
          return new Promise<void>((resolve) => this.running.push(resolve));
        },
      },
    };
  }
  backlogMs(): number {
    return this.units * this.costMs;
  }
  slackAfterMs(): number {
    return Infinity;
  }
  delayAfter(): void {}
  budgetMs(): number {
    return this.budget;
  }
}

function scheduler(maxUnitsInFlight: number, queueAheadMs?: number, clock = new ManualClock(), rankUnits = false, reservation?: ReservationGroup, id = 'e0'): ExecutorScheduler {
  return new ExecutorScheduler({
    executor: { id } as Executor,
    selector: new WfqSelector(),
    clock,
    isAvailable: () => true,
    maxUnitsInFlight,
    ...(queueAheadMs === undefined ? {} : { queueAheadMs }),
    rankUnits,
    ...(reservation === undefined ? {} : { reservation }),
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

test('admission expects a unit past its prediction to run on; the room check reads it as done', () => {
  const clock = new ManualClock();
  const s = scheduler(1, undefined, clock);
  const a = new StubFlow('a', 1, 5);
  s.add(a);
  s.pump();
  assert.equal(a.running.length, 1);
  clock.advance(3);
  assert.equal(s.expectedBusyMs(clock.nowMs()), 2);
  assert.equal(s.remainingBusyMs(clock.nowMs()), 2);
  // The 5 ms unit has run 8 ms: 3 ms over, so 3 ms more are expected.
  clock.advance(5);
  assert.equal(s.expectedBusyMs(clock.nowMs()), 3);
  assert.equal(s.remainingBusyMs(clock.nowMs()), 0);
});

/** Two executors (one unit each) of one reservation group, both hosting every flow given. */
function reservedPair(clock: ManualClock, ...flows: Flow[]): [ExecutorScheduler, ExecutorScheduler] {
  const group = new ReservationGroup();
  const pair: [ExecutorScheduler, ExecutorScheduler] = [scheduler(1, undefined, clock, false, group, 'e0'), scheduler(1, undefined, clock, false, group, 'e1')];
  for (const e of pair) for (const f of flows) e.add(f);
  return pair;
}

/**
 * The reservation scenario: archive (40 ms runs, due 250 ms after arrival, `archiveUnits` queued) and photos (5 ms
 * runs, due in 50, none queued), both hosted by both executors of a reserved pair on a manual clock.
 */
function archiveAndPhotos(archiveUnits: number): { clock: ManualClock; archive: StubFlow; photos: StubFlow; e0: ExecutorScheduler; e1: ExecutorScheduler } {
  const clock = new ManualClock();
  const archive = new StubFlow('archive', archiveUnits, 40, 250);
  const photos = new StubFlow('photos', 0, 5, 50);
  const [e0, e1] = reservedPair(clock, archive, photos);
  return { clock, archive, photos, e0, e1 };
}

test('reservation: a long unit of a loose flow waits while it would leave no executor free of long work', async () => {
  const { clock, archive, photos, e0, e1 } = archiveAndPhotos(3);
  e0.pump();
  assert.equal(archive.running.length, 1, 'e1 is free: e0 takes an archive run');
  e1.pump();
  assert.equal(archive.running.length, 1, 'e0 is busy with a long run: e1 keeps itself free for photos');
  photos.units = 1;
  e1.pump();
  assert.equal(photos.running.length, 1, 'a photos request that arrives finds e1 free');
  photos.running.shift()?.();
  await settle();
  assert.equal(archive.running.length, 1, 'e1 is free again, and still keeps itself free');
  // e0 finishes: the group wakes e1, which may now take the next archive run (e0 is free of long work).
  clock.advance(40);
  archive.running.shift()?.();
  await settle();
  assert.equal(archive.running.length, 1);
  assert.equal(archive.units, 1, 'one of the two executors took the second run, the other keeps free');
  // The manual clock stands still: stop the wake-up timers of the deferred run.
  e0.close();
  e1.close();
});

test('reservation: a deferred unit runs at its latest start, and nothing waits without a tight flow next to it', async () => {
  const { clock, archive, e0, e1 } = archiveAndPhotos(2);
  e0.pump();
  e1.pump();
  assert.equal(archive.running.length, 1);
  // Due at 250, 40 ms runs: the latest start is 250 − 2 × 40 = 170. e1's wake-up timer fires then.
  clock.advance(170);
  e1.pump();
  assert.equal(archive.running.length, 2, 'at its latest start it runs although e0 is still busy');

  const alone = new StubFlow('alone', 2, 40, 250);
  const noDeadline = new StubFlow('batch', 0, 5);
  const [f0, f1] = reservedPair(clock, alone, noDeadline);
  f0.pump();
  f1.pump();
  assert.equal(alone.running.length, 2, 'the model next to it has no deadline: both executors run long units');
  for (const e of [e0, e1, f0, f1]) e.close();
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

test('rankUnits: each unit carries its finish tags in the arbiter\'s order, and a flow\'s ranks only grow', () => {
  const s = scheduler(2, 4, new ManualClock(), true);
  const a = new StubFlow('a', 4, 1);
  s.add(a);
  s.pump();
  const tags = a.ranks.map((r) => (r as RunRank).tag);
  assert.deepEqual(tags, [1, 2, 3, 4], 'finish tags of 1 ms units from virtual time 0');
  assert.ok(a.ranks.every((r) => r?.cls === 0 && r.group === 't0'));
});

test('rankUnits: without room, a unit that runs ahead of one waiting in the executor is still sent, and no other', async () => {
  const clock = new ManualClock();
  // A large model's 20 ms units fill the executor: two in flight, over the 4 ms budget.
  const s = scheduler(2, 4, clock, true);
  const big = new StubFlow('big', 10, 20);
  s.add(big);
  s.pump();
  assert.equal(big.running.length, 2);
  // A small model's 1 ms unit finishes (tag ~21) before big's waiting unit (tag 40): it goes although there is no room.
  const small = new StubFlow('small', 30, 1);
  s.add(small);
  s.pump();
  const sent = small.ranks.length;
  assert.ok(sent >= 1, 'the small unit was sent at once');
  for (const r of small.ranks) assert.ok(ranksBefore(r as RunRank, big.ranks[1] as RunRank), 'each one ranks ahead of big\'s waiting unit');
  // Never more than 4 x 2 units in the executor.
  assert.ok(big.running.length + small.running.length <= 8);
  // A flow whose unit would not pass anything waiting stays in the front end.
  const late = new StubFlow('late', 1, 100);
  s.add(late);
  s.pump();
  assert.equal(late.ranks.length, 0);
});

test('without rankUnits no unit carries a rank', async () => {
  const s = scheduler(2, 4);
  const a = new StubFlow('a', 5);
  const b = new StubFlow('b', 5);
  s.add(a);
  s.pump();
  s.add(b);
  a.running.shift()?.();
  await settle();
  assert.ok(b.ranks.length > 0);
  assert.ok([...a.ranks, ...b.ranks].every((r) => r === undefined));
});

test('ranksBefore: class first, then tags within a group and group tags across groups', () => {
  const r = (cls: number, group: string, groupTag: number, tag: number): RunRank => ({ cls, group, groupTag, tag });
  assert.equal(ranksBefore(r(0, 'a', 50, 50), r(1, 'a', 1, 1)), true);
  assert.equal(ranksBefore(r(0, 'a', 9, 1), r(0, 'a', 1, 2)), true, 'same group: by tag');
  assert.equal(ranksBefore(r(0, 'a', 9, 1), r(0, 'b', 1, 2)), false, 'other group: by group tag');
  assert.equal(ranksBefore(r(0, 'a', 3, 3), r(0, 'a', 3, 3)), false, 'a tie keeps the order sent');
});
