// Tests for the per-version model state machine: every legal and illegal transition, queries and listeners.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { ServingError } from '../core/errors.js';
import type { ModelState } from '../core/inference.js';
import { type LifecycleChange, ModelLifecycle } from './model-lifecycle.js';

type Step = 'begin' | 'ready' | 'fail' | 'beginUnload' | 'unloaded';
const STEPS: readonly Step[] = ['begin', 'ready', 'fail', 'beginUnload', 'unloaded'];

function apply(lc: ModelLifecycle, step: Step): void {
  if (step === 'fail') lc.fail('m', 1, 'boom');
  else lc[step]('m', 1);
}

/** Steps that bring a fresh version to `state`. */
const PATH_TO: Record<ModelState | 'untracked', readonly Step[]> = {
  untracked: [],
  LOADING: ['begin'],
  READY: ['begin', 'ready'],
  UNLOADING: ['begin', 'ready', 'beginUnload'],
  UNAVAILABLE: ['begin', 'fail'],
};

const LEGAL: Record<ModelState | 'untracked', Partial<Record<Step, ModelState>>> = {
  untracked: { begin: 'LOADING' },
  LOADING: { ready: 'READY', fail: 'UNAVAILABLE' },
  READY: { beginUnload: 'UNLOADING', fail: 'UNAVAILABLE' },
  UNLOADING: { unloaded: 'UNAVAILABLE' },
  UNAVAILABLE: { begin: 'LOADING' },
};

describe('ModelLifecycle', () => {
  for (const [from, legal] of Object.entries(LEGAL) as [keyof typeof LEGAL, Partial<Record<Step, ModelState>>][]) {
    for (const step of STEPS) {
      const to = legal[step];
      if (to !== undefined) {
        it(`moves from ${from} to ${to} on ${step}`, () => {
          const lc = new ModelLifecycle(new ManualClock());
          for (const s of PATH_TO[from]) apply(lc, s);
          apply(lc, step);
          assert.equal(lc.get('m', 1)?.state, to);
        });
      } else {
        it(`refuses ${step} from ${from} with FAILED_PRECONDITION and keeps the state`, () => {
          const lc = new ModelLifecycle(new ManualClock());
          for (const s of PATH_TO[from]) apply(lc, s);
          const before = lc.get('m', 1);
          assert.throws(
            () => apply(lc, step),
            (err: unknown) =>
              err instanceof ServingError && err.code === 'FAILED_PRECONDITION' && /model 'm' version 1/.test(err.message),
          );
          assert.deepEqual(lc.get('m', 1), before);
        });
      }
    }
  }

  it('records the reason of a failure and "unloaded" after an unload, and clears it on reload', () => {
    const lc = new ModelLifecycle(new ManualClock());
    lc.begin('m', 1);
    lc.fail('m', 1, 'corrupt model.onnx');
    assert.equal(lc.get('m', 1)?.reason, 'corrupt model.onnx');
    lc.begin('m', 1);
    assert.equal(lc.get('m', 1)?.reason, undefined);
    lc.ready('m', 1);
    lc.beginUnload('m', 1);
    lc.unloaded('m', 1);
    assert.deepEqual(lc.get('m', 1), { state: 'UNAVAILABLE', reason: 'unloaded', sinceMs: 0 });
  });

  it('stamps each state with the clock time it was entered', () => {
    const clock = new ManualClock(100);
    const lc = new ModelLifecycle(clock);
    lc.begin('m', 1);
    clock.advance(250);
    lc.ready('m', 1);
    assert.equal(lc.get('m', 1)?.sinceMs, 350);
  });

  it('tracks versions and models independently', () => {
    const lc = new ModelLifecycle(new ManualClock());
    lc.begin('m', 1);
    lc.begin('m', 2);
    lc.ready('m', 2);
    assert.throws(() => lc.ready('other', 2), /cannot go from untracked to READY/);
    assert.equal(lc.get('m', 1)?.state, 'LOADING');
    assert.equal(lc.get('m', 3), undefined);
  });

  it('lists every version by model then version and reports ready versions highest first', () => {
    const lc = new ModelLifecycle(new ManualClock());
    for (const [model, version] of [['b', 1], ['a', 3], ['a', 1], ['a', 2]] as const) {
      lc.begin(model, version);
      lc.ready(model, version);
    }
    lc.beginUnload('a', 2);
    assert.deepEqual(
      lc.list().map((e) => `${e.model}@${e.version}:${e.state}`),
      ['a@1:READY', 'a@2:UNLOADING', 'a@3:READY', 'b@1:READY'],
    );
    assert.deepEqual(lc.readyVersions('a'), [3, 1]);
    assert.deepEqual(lc.readyVersions('missing'), []);
  });

  it('tells listeners about each change until they unsubscribe', () => {
    const lc = new ModelLifecycle(new ManualClock(5));
    const seen: LifecycleChange[] = [];
    const off = lc.onChange((c) => seen.push(c));
    lc.begin('m', 1);
    lc.fail('m', 1, 'no memory');
    off();
    lc.begin('m', 1);
    assert.deepEqual(seen, [
      { model: 'm', version: 1, from: undefined, to: { state: 'LOADING', sinceMs: 5 } },
      { model: 'm', version: 1, from: 'LOADING', to: { state: 'UNAVAILABLE', reason: 'no memory', sinceMs: 5 } },
    ]);
  });

  it('does not notify listeners of a refused transition', () => {
    const lc = new ModelLifecycle(new ManualClock());
    let calls = 0;
    lc.onChange(() => calls++);
    assert.throws(() => lc.ready('m', 1));
    assert.equal(calls, 0);
  });
});
