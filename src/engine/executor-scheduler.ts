// One executor's dispatch loop: when it has room, a flow selector picks which hosted model's work unit runs next.

import type { Clock } from '../core/clock.js';
import { type Executor, type RunOptions, ranksBefore } from '../executor/executor.js';
import type { FlowSelector, FlowView, UnitRank } from '../scheduler/flow-selector.js';
import { deferUntilMs, mayDefer } from '../scheduler/reservation.js';
import { expectedRemainingMs } from '../scheduler/wait-estimate.js';

/** A unit of work a flow hands to the executor: a batch, or one segment of a segmented job. */
export interface WorkUnit {
  /** Profiled (predicted) cost, charged to the flow's share. */
  readonly costMs: number;
  /** Runs the unit on the executor with `options`; settles when the executor is free of it. Never rejects. */
  run(options: RunOptions): Promise<void>;
}

export type TakeResult = { readonly kind: 'unit'; readonly unit: WorkUnit } | { readonly kind: 'wait'; readonly untilMs: number } | { readonly kind: 'none' };

/** A model version (or a segmented job stream) with work for this executor. */
export interface Flow {
  readonly key: string;
  /** What the selector may know about the flow's work for this executor; undefined when it has nothing to run. */
  view(nowMs: number, scheduler: ExecutorScheduler): FlowView | undefined;
  take(nowMs: number, scheduler: ExecutorScheduler): TakeResult;
  /** Predicted executor-ms of queued work with a deadline at or before `deadlineAtMs`. */
  backlogMs(deadlineAtMs: number): number;
  /**
   * Least slack left among the queued requests admitted on a prediction and due after `deadlineAtMs`: how much later
   * than predicted the tightest of them can still finish in time, ms (Infinity: none).
   */
  slackAfterMs(deadlineAtMs: number): number;
  /** A request due at `deadlineAtMs` was admitted ahead of the queued ones due later: each finishes `delayMs` later. */
  delayAfter(deadlineAtMs: number, delayMs: number): void;
  /** The flow's recent tightest time budget (deadline − arrival), ms; Infinity when its requests have no deadline. */
  budgetMs(nowMs: number): number;
}

/**
 * Executors that keep one of them free of long work for tight flows (src/scheduler/reservation.ts). Each scheduler
 * of the group looks at the others before it starts a long unit of a loose flow, and a scheduler that deferred one
 * is pumped again when a unit finishes anywhere in the group.
 */
export class ReservationGroup {
  readonly members = new Set<ExecutorScheduler>();
  readonly deferring = new Set<ExecutorScheduler>();

  /** A unit finished on `from`: the schedulers that deferred work look again. */
  finished(from: ExecutorScheduler): void {
    for (const s of [...this.deferring]) if (s !== from) s.pump();
  }
}

export interface ExecutorSchedulerOptions {
  readonly executor: Executor;
  readonly selector: FlowSelector;
  readonly clock: Clock;
  /** Whether the executor's process is up (the pool's view). */
  readonly isAvailable: () => boolean;
  /** Units the executor may have outstanding: 2 lets the next one wait inside the worker. */
  readonly maxUnitsInFlight: number;
  /**
   * Beyond `maxUnitsInFlight`, keep sending while less than this much predicted work is left in the executor, up to
   * `QUEUE_AHEAD_MAX_FACTOR` × `maxUnitsInFlight` units (default 0: off). For short units (graph segments of a few
   * ms) two in the worker do not cover the front end's reaction to a reply, and the worker idles; a small time
   * budget ahead keeps it busy without queueing more than that many ms in front of a newly arrived request.
   */
  readonly queueAheadMs?: number;
  /**
   * Send each unit with its rank in the selector's order (RunOptions.rank, when the selector ranks units), so the
   * executor runs the units waiting in it in the arbiter's order rather than the order sent; and, with no room
   * left, still send a unit that would run ahead of one already waiting there, up to `QUEUE_AHEAD_MAX_FACTOR` ×
   * `maxUnitsInFlight` units. With a queue-ahead budget this keeps a model that arrives while work is queued for
   * another from waiting behind it (default false: units run in the order sent).
   */
  readonly rankUnits?: boolean;
  /** Keep an executor of this group free of long work for tight flows (default: none, every unit runs when chosen). */
  readonly reservation?: ReservationGroup;
  /** Called after each switch between flows with the time since the previous switch, ms. */
  readonly onSwitch?: (fromFlow: string | undefined, toFlow: string, intervalMs: number) => void;
}

/** With a queue-ahead budget, at most this many times `maxUnitsInFlight` units are outstanding. */
export const QUEUE_AHEAD_MAX_FACTOR = 4;

export class ExecutorScheduler {
  private readonly flows = new Map<string, Flow>();
  private inFlight = 0;
  private down = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAtMs = Infinity;
  private pumping = false;
  private lastFlow: string | undefined;
  private lastSwitchMs = 0;
  /** Predicted cost of the units sent and not yet finished, ms. */
  private inFlightCostMs = 0;
  /** When the oldest unfinished unit started (or the previous one finished, if later): units run one after another. */
  private busySinceMs = 0;
  /** When each flow last received work, ms. */
  private readonly workedAtMs = new Map<string, number>();
  /** Ranks of the units sent and not yet finished (rankUnits). */
  private readonly inFlightRanks = new Set<UnitRank>();

  constructor(private readonly o: ExecutorSchedulerOptions) {
    o.reservation?.members.add(this);
  }

  get executor(): Executor {
    return this.o.executor;
  }

  get id(): string {
    return this.o.executor.id;
  }

  get usable(): boolean {
    return !this.down && this.o.isAvailable();
  }

  /** Nothing sent to the executor is unfinished: a unit sent now starts at once. */
  get idle(): boolean {
    return this.inFlight === 0;
  }

  /**
   * Predicted ms until the executor has finished every unit sent to it: their predicted cost less the time the
   * executor has spent on them. A unit already past its prediction counts as finishing now.
   */
  remainingBusyMs(nowMs: number): number {
    if (this.inFlight === 0) return 0;
    return Math.max(0, this.inFlightCostMs - (nowMs - this.busySinceMs));
  }

  /** Whether this executor serves the flow `key`. */
  hosts(key: string): boolean {
    return this.flows.has(key);
  }

  /**
   * Expected ms until the executor has finished every unit sent to it, for admission and the router: like
   * remainingBusyMs, but units past their prediction are expected to run on (expectedRemainingMs).
   */
  expectedBusyMs(nowMs: number): number {
    if (this.inFlight === 0) return 0;
    return expectedRemainingMs(this.inFlightCostMs, nowMs - this.busySinceMs);
  }

  /**
   * Like remainingBusyMs, but Infinity while units run past their prediction: how long they still take is unknown
   * (the reservation for short work then waits for them to finish rather than read them as done).
   */
  private remainingOrOverdueMs(nowMs: number): number {
    if (this.inFlight === 0) return 0;
    const left = this.inFlightCostMs - (nowMs - this.busySinceMs);
    return left > 0 ? left : Infinity;
  }

  /** Every flow this executor serves. */
  get hostedFlows(): Iterable<Flow> {
    return this.flows.values();
  }

  /** Predicted queued work of every hosted flow except `self` that is due no later than `deadlineAtMs`, ms. */
  backlogOfOthersMs(self: Flow, deadlineAtMs: number): number {
    let ms = 0;
    for (const f of this.flows.values()) if (f !== self) ms += f.backlogMs(deadlineAtMs);
    return ms;
  }

  /** `flow` received work at `nowMs`. */
  noteWork(flow: string, nowMs: number): void {
    this.workedAtMs.set(flow, nowMs);
  }

  /** Whether a flow other than `flow` received work at or after `sinceMs`. */
  othersWorkedSince(flow: string, sinceMs: number): boolean {
    for (const [key, at] of this.workedAtMs) if (key !== flow && at >= sinceMs) return true;
    return false;
  }

  add(flow: Flow): void {
    this.flows.set(flow.key, flow);
  }

  remove(key: string): void {
    this.flows.delete(key);
    this.workedAtMs.delete(key);
    this.o.selector.forget(key);
  }

  /** A run failed because the executor died: stop sending until the pool reports it up. */
  markDown(): void {
    this.down = true;
  }

  changed(up: boolean): void {
    this.down = !up;
    this.pump();
  }

  pump(): void {
    // Re-entrancy: a flow's take() may complete synchronously and call pump() again.
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const now = this.o.clock.nowMs();
        if (!this.usable) break;
        const room = this.hasRoom(now);
        if (!room && !this.mayJump()) break;
        const views: FlowView[] = [];
        for (const f of this.flows.values()) {
          const v = f.view(now, this);
          if (v !== undefined) views.push(v);
        }
        if (views.length === 0) break;
        // Every backlogged flow is offered to the selector, a lone one too: its virtual time follows the offers.
        const order = this.o.selector.order(views, now);
        let started = false;
        let deferred = false;
        let waitUntil = Infinity;
        for (const key of order) {
          const flow = this.flows.get(key);
          if (flow === undefined) continue;
          const view = views.find((v) => v.flow === key) as FlowView;
          // Without room, only a unit that would run ahead of one waiting in the executor is worth sending now.
          if (!room && !this.jumpsWaiting(this.rankOf(view, view.nextCostMs))) break;
          const deferUntil = this.deferral(flow, view, now);
          if (deferUntil !== undefined) {
            deferred = true;
            waitUntil = Math.min(waitUntil, deferUntil);
            continue;
          }
          const r = flow.take(now, this);
          if (r.kind === 'wait') waitUntil = Math.min(waitUntil, r.untilMs);
          if (r.kind !== 'unit') continue;
          const rank = this.rankOf(view, r.unit.costMs);
          this.o.selector.charge(view, r.unit.costMs, now);
          this.start(key, r.unit, rank, now);
          started = true;
          break;
        }
        if (deferred && !started) this.o.reservation?.deferring.add(this);
        else this.o.reservation?.deferring.delete(this);
        if (!started) {
          if (waitUntil < Infinity) this.scheduleWake(waitUntil, now);
          break;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Until when the unit `flow` would run next waits for another executor to be free of long work, ms; undefined to run
   * it now (no reservation group, a segmented job in progress, or the rule lets it go: src/scheduler/reservation.ts).
   */
  private deferral(flow: Flow, view: FlowView, nowMs: number): number | undefined {
    const group = this.o.reservation;
    if (group === undefined || view.inProgress) return undefined;
    let tightKey: string | undefined;
    let tightBudgetMs = Infinity;
    for (const f of this.flows.values()) {
      if (f === flow) continue;
      const b = f.budgetMs(nowMs);
      if (b < tightBudgetMs) {
        tightBudgetMs = b;
        tightKey = f.key;
      }
    }
    if (tightKey === undefined) return undefined;
    const candidate = { costMs: view.nextCostMs, ownBudgetMs: flow.budgetMs(nowMs), tightBudgetMs };
    // Most units are short or of a tight flow: the other executors are looked at only for one that may wait.
    if (!mayDefer(candidate)) return undefined;
    const othersRemainingMs: number[] = [];
    for (const s of group.members) if (s !== this && s.usable && s.hosts(tightKey)) othersRemainingMs.push(s.remainingOrOverdueMs(nowMs));
    return deferUntilMs(candidate, nowMs, view.headDeadlineAtMs, othersRemainingMs);
  }

  /** Whether another unit may be sent now: under the unit count, or short of the queue-ahead budget. */
  private hasRoom(nowMs: number): boolean {
    if (this.inFlight < this.o.maxUnitsInFlight) return true;
    const aheadMs = this.o.queueAheadMs ?? 0;
    return aheadMs > 0 && this.inFlight < QUEUE_AHEAD_MAX_FACTOR * this.o.maxUnitsInFlight && this.remainingBusyMs(nowMs) < aheadMs;
  }

  /** The unit's rank when units are ranked and the selector ranks them. */
  private rankOf(view: FlowView, costMs: number): UnitRank | undefined {
    return this.o.rankUnits === true ? this.o.selector.rank?.(view, costMs) : undefined;
  }

  /** Whether, without room, a unit that jumps the executor's queue could still be sent (cheap check before the views). */
  private mayJump(): boolean {
    return this.o.rankUnits === true && this.inFlight >= 2 && this.inFlight < QUEUE_AHEAD_MAX_FACTOR * this.o.maxUnitsInFlight;
  }

  /**
   * Whether a unit of `rank` would run ahead of a unit sent earlier (the executor orders ranked units as SerialQueue
   * does). One of those sent is running and will not be passed; the front end does not know which, so at worst the
   * unit waits behind the running one, like every unit sent ahead.
   */
  private jumpsWaiting(rank: UnitRank | undefined): boolean {
    if (rank === undefined) return false;
    for (const r of this.inFlightRanks) if (ranksBefore(rank, r)) return true;
    return false;
  }

  private start(key: string, unit: WorkUnit, rank: UnitRank | undefined, nowMs: number): void {
    if (key !== this.lastFlow) {
      this.o.onSwitch?.(this.lastFlow, key, nowMs - this.lastSwitchMs);
      this.lastFlow = key;
      this.lastSwitchMs = nowMs;
    }
    if (this.inFlight === 0) this.busySinceMs = nowMs;
    this.inFlight += 1;
    this.inFlightCostMs += unit.costMs;
    if (rank !== undefined) this.inFlightRanks.add(rank);
    void unit.run(rank === undefined ? {} : { rank }).finally(() => {
      if (rank !== undefined) this.inFlightRanks.delete(rank);
      this.inFlight -= 1;
      this.inFlightCostMs -= unit.costMs;
      if (this.inFlight === 0) this.inFlightCostMs = 0;
      else this.busySinceMs = this.o.clock.nowMs();
      this.pump();
      this.o.reservation?.finished(this);
    });
  }

  private scheduleWake(atMs: number, nowMs: number): void {
    if (this.wakeTimer !== undefined && this.wakeAtMs <= atMs) return;
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeAtMs = atMs;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wakeAtMs = Infinity;
        this.pump();
      },
      Math.max(0, atMs - nowMs),
    );
  }

  close(): void {
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.o.reservation?.members.delete(this);
    this.o.reservation?.deferring.delete(this);
  }
}
