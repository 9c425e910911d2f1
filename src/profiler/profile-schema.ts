// Checks that JSON read from disk has the ModelProfile shape, naming the first field that does not.

import type { ModelProfile } from './profile.js';

export type ProfileCheck = { readonly ok: true; readonly profile: ModelProfile } | { readonly ok: false; readonly reason: string };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isPosInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
const isStr = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** The first problem with `o[field]`, checked by `test`, or undefined; optional fields may be absent. */
function check(o: Obj, path: string, fields: Record<string, (v: unknown) => boolean>, optional: readonly string[] = []): string | undefined {
  for (const [field, test] of Object.entries(fields)) {
    const value = o[field];
    if (value === undefined && optional.includes(field)) continue;
    if (!test(value)) return `${path}${field} is missing or invalid`;
  }
  return undefined;
}

function checkPoint(p: unknown, i: number): string | undefined {
  const path = `points[${i}].`;
  if (!isObj(p)) return `points[${i}] is not an object`;
  const bad = check(
    p,
    path,
    { batchSize: isPosInt, threads: isPosInt, throughputPerS: isNum, latency: isObj, converged: (v) => typeof v === 'boolean', overheadP50Ms: isNum },
    ['converged', 'overheadP50Ms'],
  );
  if (bad !== undefined) return bad;
  const numbers = { samples: Number.isInteger, meanMs: isNum, stdMs: isNum, p50Ms: isNum, p95Ms: isNum, p99Ms: isNum };
  return check(p['latency'] as Obj, `${path}latency.`, numbers);
}

function checkOptional(o: Obj): string | undefined {
  const source = o['source'];
  if (source !== undefined) {
    if (!isObj(source)) return 'source is not an object';
    const bad = check(source, 'source.', { sizeBytes: Number.isInteger, mtimeMs: isNum, sampleSha256: isStr });
    if (bad !== undefined) return bad;
  }
  const skipped = o['skipped'];
  if (skipped !== undefined) {
    if (!Array.isArray(skipped)) return 'skipped is not an array';
    for (const [i, s] of skipped.entries()) {
      const bad = isObj(s) ? check(s, `skipped[${i}].`, { batchSize: isPosInt, threads: isPosInt, reason: (v) => typeof v === 'string' }) : `skipped[${i}] is not an object`;
      if (bad !== undefined) return bad;
    }
  }
  const notes = o['notes'];
  if (notes !== undefined && !(Array.isArray(notes) && notes.every((n) => typeof n === 'string'))) return 'notes is not a list of strings';
  if (o['sweepMs'] !== undefined && !isNum(o['sweepMs'])) return 'sweepMs is invalid';
  return undefined;
}

export function checkProfile(value: unknown): ProfileCheck {
  if (!isObj(value)) return { ok: false, reason: 'not a JSON object' };
  const bad =
    check(value, '', {
      model: isStr,
      version: isStr,
      executorKind: (v) => v === 'cpu' || v === 'gpu',
      createdAt: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
      loadMs: isNum,
      memGrowthBytes: isNum,
      points: (v) => Array.isArray(v) && v.length > 0,
      fit: isObj,
    }) ??
    check(value['fit'] as Obj, 'fit.', { fixedMs: isNum, perItemMs: isNum, serialFraction: isNum, medianRelError: isNum, maxRelError: isNum }) ??
    (value['points'] as unknown[]).map(checkPoint).find((r) => r !== undefined) ??
    checkOptional(value);
  if (bad !== undefined) return { ok: false, reason: bad };
  return { ok: true, profile: value as unknown as ModelProfile };
}
