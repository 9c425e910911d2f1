// The fairness experiment's models, weights, policies and durations (full and --quick).

/** Three zoo models of very different cost (about 0.35, 1.8 and 15 GMAC per image). */
export const SMALL_MODEL = 'squeezenet1.1';
export const MEDIUM_MODEL = 'resnet18';
export const LARGE_MODEL = 'vgg16';
export const MODELS: readonly string[] = [SMALL_MODEL, MEDIUM_MODEL, LARGE_MODEL];
/** Experiment 2's app weights, in MODELS order (targets 1/7, 2/7, 4/7 of the device). */
export const WEIGHTS: readonly number[] = [1, 2, 4];

/**
 * fair: the weighted-fair arbiter with graph segmentation, one worker. fifo: first come first served between models,
 * one worker. uncontrolled: one worker process per model, all competing for the same cores.
 */
export const POLICIES = ['fifo', 'fair', 'uncontrolled'] as const;
export type FairnessPolicy = (typeof POLICIES)[number];

export type Experiment = 'alone' | 'equal' | 'weighted' | 'hol';

export interface FairnessSettings {
  readonly quick: boolean;
  /** Seconds each closed-loop point runs, warm-up included. */
  readonly pointS: number;
  /** Leading seconds of each point not counted. */
  readonly warmupS: number;
  /** Seconds of the head-of-line point (longer: its p99 needs samples). */
  readonly holPointS: number;
  /** Closed-loop clients per model: enough that every model always has a request queued. */
  readonly clientsPerModel: number;
  /** Closed-loop clients of the large model in the head-of-line point. */
  readonly holLargeClients: number;
  /** Poisson rate of the small model in the head-of-line point: this fraction of its throughput alone under FIFO. */
  readonly holSmallLoadFraction: number;
  /** The rate used when FIFO's alone points were not run (--policies without fifo), requests/s. */
  readonly holSmallRatePerS: number;
  /**
   * onnxruntime intra-op threads per worker: 1, so the second core is left to the front end and the load generator
   * (with 2, sessions' spinning threads fight each other and the front end: FIFO alone loses 20% when models alternate).
   */
  readonly threads: number;
  /** --segment-quantum-ms of the fair server. */
  readonly segmentQuantumMs: number;
  readonly profileCellBudgetMs: number;
  readonly profileModelBudgetMs: number;
  /** Requests unanswered after this long count as timeouts, ms. */
  readonly requestTimeoutMs: number;
  readonly seed: number;
}

const FULL: FairnessSettings = {
  quick: false,
  pointS: 20,
  warmupS: 4,
  holPointS: 30,
  clientsPerModel: 3,
  holLargeClients: 2,
  holSmallLoadFraction: 0.1,
  holSmallRatePerS: 20,
  threads: 1,
  segmentQuantumMs: 2,
  profileCellBudgetMs: 2000,
  profileModelBudgetMs: 10_000,
  requestTimeoutMs: 60_000,
  seed: 5,
};

const QUICK: FairnessSettings = { ...FULL, quick: true, pointS: 6, warmupS: 1.5, holPointS: 8, profileCellBudgetMs: 800, profileModelBudgetMs: 4000 };

export function fairnessSettings(quick: boolean): FairnessSettings {
  return quick ? QUICK : FULL;
}

/** `tessera serve` arguments of a policy (after --repository and --state-dir). */
export function policyServeArgs(policy: FairnessPolicy, s: FairnessSettings): string[] {
  const threads = ['--threads', String(s.threads)];
  switch (policy) {
    case 'fair':
      return ['--policy', 'fair', '--workers', '1', ...threads, '--segment-quantum-ms', String(s.segmentQuantumMs)];
    case 'fifo':
      return ['--policy', 'fifo', '--workers', '1', ...threads];
    case 'uncontrolled':
      return ['--policy', 'fifo', '--workers', String(MODELS.length), ...threads];
  }
}
