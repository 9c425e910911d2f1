// The SLO experiment's apps (tasks, SLOs, accuracy floors, share of the traffic) and the zoo models they choose from.

import { IMAGE_CLASSIFICATION, TEXT_CLASSIFICATION } from '../../src/repository/zoo/zoo-catalog.js';

export interface SloApp {
  readonly name: string;
  readonly task: string;
  /** p99 latency objective, ms. */
  readonly sloMs: number;
  readonly minAccuracy: number;
  /** Fraction of the total request rate this app sends (the shares sum to 1). */
  readonly share: number;
  /** A model of the task whose metadata gives the input shapes (the load generator cannot ask a task). */
  readonly shapeModel: string;
}

/**
 * Three apps with different tasks and SLOs on one 2-core machine. Every SLO is met at low load by the cheapest variant
 * above the app's floor, and by the most accurate one too (what the baselines without model-less routing run), with
 * room for one resnet50 run (~40 ms) ahead of the request: batches are not preempted. `archive` has a single eligible
 * variant (resnet50), so every policy runs the same model for it.
 */
export const SLO_APPS: readonly SloApp[] = [
  { name: 'photos', task: IMAGE_CLASSIFICATION, sloMs: 75, minAccuracy: 0.7, share: 0.5, shapeModel: 'mobilenetv2-1.0' },
  { name: 'reviews', task: TEXT_CLASSIFICATION, sloMs: 50, minAccuracy: 0.85, share: 0.42, shapeModel: 'bert-mini' },
  { name: 'archive', task: IMAGE_CLASSIFICATION, sloMs: 250, minAccuracy: 0.75, share: 0.08, shapeModel: 'resnet50' },
];

/** The repository served: variants of both tasks, cheap to expensive (vgg16 is left out: 550 MB per worker). */
export const SLO_MODELS: readonly string[] = [
  'mobilenetv2-0.5',
  'mobilenetv2-1.0',
  'resnet18',
  'resnet34',
  'resnet50',
  'bert-tiny',
  'bert-mini',
  'bert-small',
];

/** The body of `PUT /v2/apps/{name}` for an app when the whole experiment sends `totalRatePerS`. */
export function appRegistration(app: SloApp, totalRatePerS: number): Record<string, unknown> {
  return {
    task: app.task,
    slo: { percentile: 99, latency_ms: app.sloMs },
    min_accuracy: app.minAccuracy,
    expected_rate_per_s: Number((app.share * totalRatePerS).toFixed(3)),
    overload: 'reject',
  };
}
