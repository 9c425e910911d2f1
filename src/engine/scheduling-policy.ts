// Scheduling policies selectable by configuration: Tessera's and the baselines, as presets of a few switches.

import { ServingError } from '../core/errors.js';

export const POLICY_NAMES = ['tessera', 'fair', 'fifo', 'triton', 'infaas', 'roma'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface SchedulingPolicy {
  readonly name: PolicyName;
  /** Which queue an executor serves next (src/scheduler/selectors). */
  readonly selector: 'edf' | 'fifo' | 'roma' | 'wfq' | 'priority';
  /** How a model's queue forms batches: deadline-aware, Triton fixed-delay, or one request at a time. */
  readonly batching: 'deadline' | 'dynamic' | 'single';
  /** Reject at arrival what cannot meet its deadline; drop queued requests whose deadline passed. */
  readonly admission: boolean;
  /** Variant choice for app/task requests (src/router). */
  readonly router: 'tessera' | 'infaas' | 'fixed';
  /** Keep an executor free of long runs of loose-deadline models for tight ones (src/scheduler/reservation.ts). */
  readonly reserveForShortWork: boolean;
}

const PRESETS: Record<PolicyName, SchedulingPolicy> = {
  // EDF across models, deadline-aware batching, admission control and deadline drops, least-cost variant.
  tessera: { name: 'tessera', selector: 'edf', batching: 'deadline', admission: true, router: 'tessera', reserveForShortWork: true },
  // Tessera with the weighted-fair device arbiter instead of EDF (tenant/app shares of device time).
  fair: { name: 'fair', selector: 'wfq', batching: 'deadline', admission: true, router: 'tessera', reserveForShortWork: false },
  // Baseline: first come first served, no batching, no admission; the most accurate variant.
  fifo: { name: 'fifo', selector: 'fifo', batching: 'single', admission: false, router: 'fixed', reserveForShortWork: false },
  // Baseline: Triton-style fixed-delay dynamic batching, FIFO between models, no admission.
  triton: { name: 'triton', selector: 'fifo', batching: 'dynamic', admission: false, router: 'fixed', reserveForShortWork: false },
  // Baseline: INFaaS variant selection with dynamic batching, FIFO between models.
  infaas: { name: 'infaas', selector: 'fifo', batching: 'dynamic', admission: false, router: 'infaas', reserveForShortWork: false },
  // Baseline: ROMA's dispatch heuristic (largest response-time excess over the SLA first), dynamic batching.
  roma: { name: 'roma', selector: 'roma', batching: 'dynamic', admission: false, router: 'fixed', reserveForShortWork: false },
};

export function schedulingPolicy(name: string): SchedulingPolicy {
  const p = (PRESETS as Record<string, SchedulingPolicy | undefined>)[name];
  if (p === undefined) throw new ServingError('INVALID_ARGUMENT', `unknown scheduling policy '${name}' (one of ${POLICY_NAMES.join(', ')})`);
  return p;
}

/**
 * The quantum a policy cuts models into graph segments for, ms (0: models run whole): the fair arbiter's
 * --segment-quantum-ms, Tessera's --preempt-quantum-ms; the other policies never segment.
 */
export function segmentQuantumOf(policy: SchedulingPolicy, quanta: { readonly segmentQuantumMs?: number; readonly preemptQuantumMs?: number }): number {
  if (policy.selector === 'wfq') return quanta.segmentQuantumMs ?? 0;
  if (policy.name === 'tessera') return quanta.preemptQuantumMs ?? 0;
  return 0;
}
