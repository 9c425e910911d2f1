// Shared contract suite every VariantRouter runs: accuracy floor, 'none' only when nothing qualifies, determinism.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteDecision, RouteRequest, VariantCandidate, VariantRouter } from './variant-router.js';

/** A loaded, idle, profiled candidate (10 ms fixed + 1 ms per row, 1 core); override what a test needs. */
export function candidate(model: string, overrides: Partial<VariantCandidate> = {}): VariantCandidate {
  return {
    model,
    version: '1',
    accuracy: 0.8,
    loaded: true,
    loadMs: 500,
    predictBatchMs: (b) => 10 + b,
    maxBatchSize: 8,
    cores: 1,
    instances: 1,
    waitMs: 0,
    queuedRequests: 0,
    ...overrides,
  };
}

export function request(overrides: Partial<RouteRequest> = {}): RouteRequest {
  return { task: 'classify', budgetMs: 100, minAccuracy: 0.7, rows: 1, ...overrides };
}

/** Small deterministic PRNG (mulberry32) so the random scenarios are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scenario {
  readonly request: RouteRequest;
  readonly candidates: readonly VariantCandidate[];
}

/** Random task states: 0–6 variants with mixed accuracy (some undeclared), load state, profiles, queues and batch limits. */
export function scenarios(count: number, seed = 1): Scenario[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const out: Scenario[] = [];
  for (let i = 0; i < count; i++) {
    const n = Math.floor(rnd() * 7);
    const candidates: VariantCandidate[] = [];
    for (let k = 0; k < n; k++) {
      const fixedMs = 1 + rnd() * 80;
      const perRowMs = rnd() * 10;
      candidates.push(
        Object.freeze(
          candidate(`m${k}`, {
            version: pick(['1', '2']),
            accuracy: rnd() < 0.1 ? undefined : Math.round(rnd() * 100) / 100,
            loaded: rnd() < 0.6,
            loadMs: rnd() * 2000,
            predictBatchMs: rnd() < 0.15 ? undefined : (b) => fixedMs + perRowMs * b,
            maxBatchSize: pick([0, 1, 4, 16]),
            cores: pick([1, 2]),
            instances: pick([0, 1, 2]),
            waitMs: rnd() < 0.5 ? 0 : rnd() * 300,
            queuedRequests: Math.floor(rnd() * 50),
          }),
        ),
      );
    }
    out.push({
      request: request({ budgetMs: pick([5, 20, 50, 200, 1000]), minAccuracy: pick([0, 0.3, 0.6, 0.8, 0.95]), rows: pick([1, 1, 1, 3]) }),
      candidates: Object.freeze(candidates),
    });
  }
  return out;
}

function qualifies(c: VariantCandidate, r: RouteRequest): boolean {
  return (c.accuracy ?? 0) >= r.minAccuracy && Math.max(1, r.rows) <= Math.max(1, c.maxBatchSize);
}

function chosenOf(d: RouteDecision): Extract<RouteDecision, { kind: 'chosen' }> {
  assert.equal(d.kind, 'chosen', d.kind === 'none' ? d.reason : '');
  return d as Extract<RouteDecision, { kind: 'chosen' }>;
}

export function runVariantRouterContract(name: string, make: () => VariantRouter): void {
  const cases = scenarios(500);

  test(`${name}: never picks a variant below the accuracy floor or one that cannot take the request's rows`, () => {
    const router = make();
    for (const { request: r, candidates } of cases) {
      const d = router.route(r, candidates);
      if (d.kind !== 'chosen') continue;
      const c = candidates.find((x) => x.model === d.model && x.version === d.version);
      assert.ok(c !== undefined, `${d.model}@${d.version} is not a candidate`);
      assert.ok(qualifies(c, r), `${d.model}@${d.version} does not qualify for ${JSON.stringify(r)}`);
    }
  });

  test(`${name}: answers 'none' exactly when no variant qualifies`, () => {
    const router = make();
    let nones = 0;
    for (const { request: r, candidates } of cases) {
      const d = router.route(r, candidates);
      const anyQualifies = candidates.some((c) => qualifies(c, r));
      assert.equal(d.kind === 'chosen', anyQualifies);
      if (d.kind === 'none') nones++;
    }
    assert.ok(nones > 0 && nones < cases.length, 'the scenarios exercise both outcomes');
  });

  test(`${name}: 'none' names the best accuracy available`, () => {
    const d = make().route(request({ minAccuracy: 0.9 }), [candidate('small', { accuracy: 0.71 }), candidate('big', { accuracy: 0.86 }), candidate('raw', { accuracy: undefined })]);
    assert.equal(d.kind, 'none');
    assert.match(d.reason, /0\.86/);
    assert.match(d.reason, /big@1/);
  });

  test(`${name}: answers 'none' when the task has no variants`, () => {
    const d = make().route(request(), []);
    assert.equal(d.kind, 'none');
    assert.match(d.reason, /classify/);
  });

  test(`${name}: a variant declaring no accuracy serves a floor of 0 only`, () => {
    const router = make();
    const only = [candidate('raw', { accuracy: undefined })];
    assert.equal(router.route(request({ minAccuracy: 0 }), only).kind, 'chosen');
    assert.equal(router.route(request({ minAccuracy: 0.01 }), only).kind, 'none');
  });

  test(`${name}: the same state gives the same decision whatever the candidates' order`, () => {
    const router = make();
    for (const { request: r, candidates } of cases) {
      const first = router.route(r, candidates);
      assert.deepEqual(router.route(r, candidates), first);
      assert.deepEqual(router.route(r, [...candidates].reverse()), first);
    }
  });

  test(`${name}: needsLoad is true exactly when the chosen variant is not loaded`, () => {
    const router = make();
    for (const { request: r, candidates } of cases) {
      const d = router.route(r, candidates);
      if (d.kind !== 'chosen') continue;
      const c = candidates.find((x) => x.model === d.model && x.version === d.version);
      assert.equal(d.needsLoad, c?.loaded === false);
    }
  });

  test(`${name}: meetsSlo is never claimed for a prediction over the budget, and predictions are finite`, () => {
    const router = make();
    for (const { request: r, candidates } of cases) {
      const d = router.route(r, candidates);
      if (d.kind !== 'chosen') continue;
      assert.ok(Number.isFinite(d.predictedMs) && d.predictedMs >= 0, `predictedMs ${d.predictedMs}`);
      if (d.meetsSlo) assert.ok(d.predictedMs <= r.budgetMs);
      assert.ok(d.reason.length > 0);
    }
  });

  test(`${name}: a lone qualifying variant is chosen even when it cannot meet the budget`, () => {
    const d = chosenOf(make().route(request({ budgetMs: 5 }), [candidate('slow', { predictBatchMs: () => 40 })]));
    assert.equal(d.model, 'slow');
    assert.equal(d.meetsSlo, false);
  });

  test(`${name}: a variant without a profile never claims to meet the SLO`, () => {
    const d = chosenOf(make().route(request({ budgetMs: 1e6 }), [candidate('new', { predictBatchMs: undefined })]));
    assert.equal(d.model, 'new');
    assert.equal(d.meetsSlo, false);
  });
}
