// Explicit per-version model state machine (LOADING, READY, UNLOADING, UNAVAILABLE); pure, time from a Clock.
//
//   (none) ──begin──► LOADING ──ready──► READY ──beginUnload──► UNLOADING
//                      │  ▲               │                        │
//                  fail│  │begin      fail│                unloaded│ (reason "unloaded")
//                      ▼  │               ▼                        ▼
//                     UNAVAILABLE ◄───────┴────────────────────────┘

import type { Clock } from '../core/clock.js';
import { ServingError } from '../core/errors.js';
import type { ModelState } from '../core/inference.js';

export interface VersionStatus {
  readonly state: ModelState;
  readonly reason?: string;
  /** When the version entered this state, from the injected clock. */
  readonly sinceMs: number;
}

export interface VersionStatusEntry extends VersionStatus {
  readonly model: string;
  readonly version: number;
}

export interface LifecycleChange {
  readonly model: string;
  readonly version: number;
  /** Undefined for a version seen for the first time. */
  readonly from: ModelState | undefined;
  readonly to: VersionStatus;
}

export type LifecycleListener = (change: LifecycleChange) => void;

const UNLOADED_REASON = 'unloaded';

export class ModelLifecycle {
  private readonly models = new Map<string, Map<number, VersionStatus>>();
  private readonly listeners = new Set<LifecycleListener>();

  constructor(private readonly clock: Clock) {}

  /** Start loading a new version, or retry one that is UNAVAILABLE. */
  begin(model: string, version: number): void {
    this.move(model, version, [undefined, 'UNAVAILABLE'], 'LOADING');
  }

  ready(model: string, version: number): void {
    this.move(model, version, ['LOADING'], 'READY');
  }

  /** Loading failed, or a ready version broke (e.g. its worker died). */
  fail(model: string, version: number, reason: string): void {
    this.move(model, version, ['LOADING', 'READY'], 'UNAVAILABLE', reason);
  }

  beginUnload(model: string, version: number): void {
    this.move(model, version, ['READY'], 'UNLOADING');
  }

  unloaded(model: string, version: number): void {
    this.move(model, version, ['UNLOADING'], 'UNAVAILABLE', UNLOADED_REASON);
  }

  get(model: string, version: number): VersionStatus | undefined {
    return this.models.get(model)?.get(version);
  }

  /** Every tracked version, by model name then ascending version. */
  list(): VersionStatusEntry[] {
    const out: VersionStatusEntry[] = [];
    for (const model of [...this.models.keys()].sort()) {
      const versions = this.models.get(model) as Map<number, VersionStatus>;
      for (const version of [...versions.keys()].sort((a, b) => a - b)) {
        out.push({ model, version, ...(versions.get(version) as VersionStatus) });
      }
    }
    return out;
  }

  /** READY versions of a model, highest first (the first is what an unversioned request gets). */
  readyVersions(model: string): number[] {
    const versions = this.models.get(model);
    if (versions === undefined) return [];
    return [...versions]
      .filter(([, s]) => s.state === 'READY')
      .map(([v]) => v)
      .sort((a, b) => b - a);
  }

  /** Called synchronously after every transition; returns a function that removes the listener. */
  onChange(listener: LifecycleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private move(
    model: string,
    version: number,
    allowedFrom: readonly (ModelState | undefined)[],
    to: ModelState,
    reason?: string,
  ): void {
    const from = this.get(model, version)?.state;
    if (!allowedFrom.includes(from)) {
      throw new ServingError(
        'FAILED_PRECONDITION',
        `model '${model}' version ${version}: cannot go from ${from ?? 'untracked'} to ${to}`,
      );
    }
    const sinceMs = this.clock.nowMs();
    const status: VersionStatus = reason === undefined ? { state: to, sinceMs } : { state: to, reason, sinceMs };
    let versions = this.models.get(model);
    if (versions === undefined) {
      versions = new Map();
      this.models.set(model, versions);
    }
    versions.set(version, status);
    for (const listener of this.listeners) listener({ model, version, from, to: status });
  }
}
