// Input checks shared by every SharingPredictor: malformed models or executor specs are INVALID_ARGUMENT errors.

import { ServingError } from '../core/errors.js';
import type { ColocatedModel, ExecutorSpec } from './predictor.js';

function check(ok: boolean, what: string, value: unknown): void {
  if (!ok) throw new ServingError('INVALID_ARGUMENT', `perfmodel: ${what} (got ${String(value)})`);
}

const finiteAtLeast = (v: number, min: number): boolean => Number.isFinite(v) && v >= min;

export function validateInputs(models: readonly ColocatedModel[], executor: ExecutorSpec): void {
  check(Number.isFinite(executor.cores) && executor.cores > 0, 'executor.cores must be a finite number > 0', executor.cores);
  check(finiteAtLeast(executor.switchCostMs ?? 0, 0), 'executor.switchCostMs must be finite and ≥ 0', executor.switchCostMs);
  const instances = executor.instances ?? 1;
  check(Number.isInteger(instances) && instances >= 1, 'executor.instances must be an integer ≥ 1', instances);
  const quantum = executor.quantumMs ?? 1;
  check(Number.isFinite(quantum) && quantum > 0, 'executor.quantumMs must be finite and > 0', executor.quantumMs);
  check(finiteAtLeast(executor.concurrencySlowdown ?? 1, 1), 'executor.concurrencySlowdown must be finite and ≥ 1', executor.concurrencySlowdown);
  for (const m of models) {
    check(typeof m.name === 'string' && m.name.length > 0, 'model name must be non-empty', m.name);
    check(finiteAtLeast(m.arrivalRatePerS, 0), `${m.name}: arrivalRatePerS must be finite and ≥ 0`, m.arrivalRatePerS);
    const c = m.latency;
    check(finiteAtLeast(c.fixedMs, 0) && finiteAtLeast(c.perItemMs, 0), `${m.name}: latency fixedMs and perItemMs must be finite and ≥ 0`, `${c.fixedMs}, ${c.perItemMs}`);
    check(c.fixedMs + c.perItemMs > 0, `${m.name}: latency must be > 0 (fixedMs + perItemMs)`, c.fixedMs + c.perItemMs);
    check(Number.isFinite(c.serialFraction), `${m.name}: latency serialFraction must be finite`, c.serialFraction);
    check(finiteAtLeast(m.serviceScv ?? 0, 0), `${m.name}: serviceScv must be finite and ≥ 0`, m.serviceScv);
    const batch = m.maxBatchSize ?? 1;
    check(Number.isInteger(batch) && batch >= 1, `${m.name}: maxBatchSize must be an integer ≥ 1`, batch);
    const weight = m.weight ?? 1;
    check(Number.isFinite(weight) && weight > 0, `${m.name}: weight must be finite and > 0`, weight);
    const segments = m.segments ?? 1;
    check(Number.isInteger(segments) && segments >= 1, `${m.name}: segments must be an integer ≥ 1`, segments);
  }
}
