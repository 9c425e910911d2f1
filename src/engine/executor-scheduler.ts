// One executor's dispatch loop: when it has room, a flow selector picks which hosted model's work unit runs next.

import type { Clock } from '../core/clock.js';
import type { Executor, RunOptions } from '../executor/executor.js';
import type { FlowSelector, FlowView } from '../scheduler/flow-selector.js';

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
   * Send a flow's unit as urgent (RunOptions.urgent) when the flow has nothing else in the executor but other flows
   * do: the executor runs it next, ahead of the units queued ahead for the others. With a queue-ahead budget this
   * keeps a newly arrived model from waiting behind the whole budget (default false: units run in the order sent).
   */
  readonly urgentNewFlows?: boolean;
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
  /** Units of each flow sent and not yet finished. */
  private readonly flowInFlight = new Map<string, number>();

  constructor(private readonly o: ExecutorSchedulerOptions) {}

  get executor(): Executor {
    return this.o.executor;
  }

  get id(): string {
    return this.o.executor.id;
  }

  get usable(): boolean {
    return !this.down && this.o.isAvailable();
  }

  /**
   * Predicted ms until the executor has finished every unit sent to it: their predicted cost less the time the
   * executor has spent on them. A unit already past its prediction counts as finishing now.
   */
  remainingBusyMs(nowMs: number): number {
    if (this.inFlight === 0) return 0;
    return Math.max(0, this.inFlightCostMs - (nowMs - this.busySinceMs));
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
        if (!this.usable || !this.hasRoom(now)) break;
        const views: FlowView[] = [];
        for (const f of this.flows.values()) {
          const v = f.view(now, this);
          if (v !== undefined) views.push(v);
        }
        if (views.length === 0) break;
        const order = views.length === 1 ? [(views[0] as FlowView).flow] : this.o.selector.order(views, now);
        let started = false;
        let waitUntil = Infinity;
        for (const key of order) {
          const flow = this.flows.get(key);
          if (flow === undefined) continue;
          const r = flow.take(now, this);
          if (r.kind === 'wait') waitUntil = Math.min(waitUntil, r.untilMs);
          if (r.kind !== 'unit') continue;
          const view = views.find((v) => v.flow === key) as FlowView;
          this.o.selector.charge(view, r.unit.costMs, now);
          this.start(key, r.unit, now);
          started = true;
          break;
        }
        if (!started) {
          if (waitUntil < Infinity) this.scheduleWake(waitUntil, now);
          break;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Whether another unit may be sent now: under the unit count, or short of the queue-ahead budget. */
  private hasRoom(nowMs: number): boolean {
    if (this.inFlight < this.o.maxUnitsInFlight) return true;
    const aheadMs = this.o.queueAheadMs ?? 0;
    return aheadMs > 0 && this.inFlight < QUEUE_AHEAD_MAX_FACTOR * this.o.maxUnitsInFlight && this.remainingBusyMs(nowMs) < aheadMs;
  }

  private start(key: string, unit: WorkUnit, nowMs: number): void {
    if (key !== this.lastFlow) {
      this.o.onSwitch?.(this.lastFlow, key, nowMs - this.lastSwitchMs);
      this.lastFlow = key;
      this.lastSwitchMs = nowMs;
    }
    const ownInFlight = this.flowInFlight.get(key) ?? 0;
    const urgent = this.o.urgentNewFlows === true && ownInFlight === 0 && this.inFlight > 0;
    if (this.inFlight === 0) this.busySinceMs = nowMs;
    this.inFlight += 1;
    this.flowInFlight.set(key, ownInFlight + 1);
    this.inFlightCostMs += unit.costMs;
    void unit.run({ urgent }).finally(() => {
      const left = (this.flowInFlight.get(key) ?? 1) - 1;
      if (left === 0) this.flowInFlight.delete(key);
      else this.flowInFlight.set(key, left);
      this.inFlight -= 1;
      this.inFlightCostMs -= unit.costMs;
      if (this.inFlight === 0) this.inFlightCostMs = 0;
      else this.busySinceMs = this.o.clock.nowMs();
      this.pump();
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
  }
}
