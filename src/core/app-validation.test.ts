// Tests of the app/tenant wire format: defaults, validation messages naming the field, round trip.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appToJson, parseAppSpec, parseTenant, tenantToJson } from './app-validation.js';
import { ServingError } from './errors.js';

const minimal = { name: 'cls', task: 'image-classification', slo: { latency_ms: 50 } };

function rejects(input: unknown, field: RegExp, tenant = 'acme'): void {
  assert.throws(
    () => parseAppSpec(input, tenant),
    (e: unknown) => e instanceof ServingError && e.code === 'INVALID_ARGUMENT' && field.test(e.message),
  );
}

describe('parseAppSpec', () => {
  it('applies the defaults to a minimal app', () => {
    assert.deepEqual(parseAppSpec(minimal, 'acme'), {
      name: 'cls',
      tenant: 'acme',
      task: 'image-classification',
      slo: { percentile: 99, latencyMs: 50 },
      minAccuracy: 0,
      expectedRatePerS: 0,
      weight: 1,
      priority: 1,
      overload: 'reject',
    });
  });

  it('reads every snake_case field', () => {
    const app = parseAppSpec(
      {
        name: 'a.b-c_1',
        tenant: 'acme',
        model: 'resnet',
        version: 2,
        slo: { percentile: 95, latency_ms: 20.5 },
        min_accuracy: 0.7,
        expected_rate_per_s: 10,
        weight: 3,
        priority: 0,
        overload: 'best-effort',
      },
      'acme',
    );
    assert.equal(app.model, 'resnet');
    assert.equal(app.version, '2');
    assert.deepEqual(app.slo, { percentile: 95, latencyMs: 20.5 });
    assert.equal(app.minAccuracy, 0.7);
    assert.equal(app.expectedRatePerS, 10);
    assert.equal(app.weight, 3);
    assert.equal(app.priority, 0);
    assert.equal(app.overload, 'best-effort');
  });

  it('round-trips through appToJson', () => {
    const app = parseAppSpec({ ...minimal, min_accuracy: 0.5, weight: 2 }, 'acme');
    assert.deepEqual(parseAppSpec(appToJson(app), 'acme'), app);
    assert.deepEqual(appToJson(app).slo, { percentile: 99, latency_ms: 50 });
    assert.equal('model' in appToJson(app), false);
  });

  it('requires exactly one of task and model', () => {
    rejects({ name: 'x', slo: { latency_ms: 1 } }, /exactly one of 'task' or 'model'/);
    rejects({ ...minimal, model: 'm' }, /exactly one of 'task' or 'model'/);
  });

  it('allows a version only with a model', () => {
    rejects({ ...minimal, version: '1' }, /'version' is only allowed with 'model'/);
  });

  it('names the bad field', () => {
    rejects({ ...minimal, name: 'bad name' }, /'name'/);
    rejects({ ...minimal, name: 'x'.repeat(65) }, /'name'/);
    rejects({ ...minimal, slo: { latency_ms: 0 } }, /'slo.latency_ms' must be a number > 0/);
    rejects({ ...minimal, slo: {} }, /'slo.latency_ms'/);
    rejects({ ...minimal, slo: { latency_ms: 5, percentile: 49 } }, /'slo.percentile' must be a number in 50..100/);
    rejects({ ...minimal, slo: { latency_ms: 5, percentile: 101 } }, /'slo.percentile'/);
    rejects({ ...minimal, min_accuracy: 1.1 }, /'min_accuracy'/);
    rejects({ ...minimal, expected_rate_per_s: -1 }, /'expected_rate_per_s'/);
    rejects({ ...minimal, weight: 0 }, /'weight' must be a number > 0/);
    rejects({ ...minimal, priority: 1.5 }, /'priority' must be an integer >= 0/);
    rejects({ ...minimal, overload: 'drop' }, /'overload' must be one of reject, best-effort/);
    rejects({ ...minimal, task: 'a/b' }, /'task'/);
    rejects({ name: 'x', task: 't' }, /'slo' is required/);
  });

  it('rejects unknown fields and hints at the snake_case name', () => {
    rejects({ ...minimal, minAccuracy: 0.5 }, /unknown field 'minAccuracy' \(did you mean 'min_accuracy'\?\)/);
    rejects({ ...minimal, slo: { latencyMs: 5 } }, /unknown field 'slo.latencyMs' \(did you mean 'slo.latency_ms'\?\)/);
    rejects({ ...minimal, colour: 'red' }, /unknown field 'colour'$/);
  });

  it('refuses a tenant field naming another tenant', () => {
    rejects({ ...minimal, tenant: 'other' }, /'tenant' is "other" but the app belongs to tenant 'acme'/);
    assert.equal(parseAppSpec({ ...minimal, tenant: 'acme' }, 'acme').tenant, 'acme');
  });

  it('refuses a non-object', () => {
    rejects([], /an app must be an object/);
    rejects(null, /an app must be an object/);
  });
});

describe('parseTenant', () => {
  it('defaults the weight to 1 and round-trips', () => {
    const t = parseTenant({ name: 'acme' });
    assert.deepEqual(t, { name: 'acme', weight: 1 });
    assert.deepEqual(parseTenant(tenantToJson({ name: 'b', weight: 2.5 })), { name: 'b', weight: 2.5 });
  });

  it('names the bad field', () => {
    assert.throws(() => parseTenant({ name: 'a b' }), /'name'/);
    assert.throws(() => parseTenant({ name: 'a', weight: -1 }), /'weight' must be a number > 0/);
    assert.throws(() => parseTenant({ name: 'a', keys: [] }), /unknown field 'keys'/);
  });
});
