// Variant-router contract: for a model-less request (task + SLO + accuracy floor), which model version answers.
// Pure. Implementations: Tessera's least-cost-that-meets-the-SLO choice and INFaaS's selection as a baseline.

/** One model version that serves the task, and what is known about it now. */
export interface VariantCandidate {
  readonly model: string;
  readonly version: string;
  /** Declared accuracy (0..1); undefined when the model does not declare one (treated as 0). */
  readonly accuracy: number | undefined;
  /** Whether the version is loaded and READY (else it would have to be loaded first). */
  readonly loaded: boolean;
  /** Time to load it when not loaded, ms (profile loadMs, or an estimate). */
  readonly loadMs: number;
  /** Predicted latency of one batch of `batchSize` rows on one of its executors, ms; undefined = no profile. */
  readonly predictBatchMs: ((batchSize: number) => number) | undefined;
  /** Max batch size (0 = model does not batch). */
  readonly maxBatchSize: number;
  /** Cores one executor of it uses (threads); resource cost is compute ms × cores. */
  readonly cores: number;
  /** Executors hosting it. */
  readonly instances: number;
  /**
   * Predicted time from now until a new request of it could start on one of its executors, ms: running batches
   * finish and work queued ahead of it (earlier deadlines, any model sharing those executors) drains.
   */
  readonly waitMs: number;
  /** Requests queued or running for it. */
  readonly queuedRequests: number;
}

export interface RouteRequest {
  readonly task: string;
  /** Latency budget from now, ms (SLO latency, or the request's deadline minus now). */
  readonly budgetMs: number;
  readonly minAccuracy: number;
  /** Rows in the request (1 for most). */
  readonly rows: number;
}

export type RouteDecision =
  | {
      readonly kind: 'chosen';
      readonly model: string;
      readonly version: string;
      /** Predicted completion time from now, ms. */
      readonly predictedMs: number;
      /** Whether the predicted completion meets the budget (false: best effort, nothing meets it). */
      readonly meetsSlo: boolean;
      /** Whether the chosen version must be loaded first. */
      readonly needsLoad: boolean;
      readonly reason: string;
    }
  | { readonly kind: 'none'; readonly reason: string };

export interface VariantRouter {
  readonly name: string;
  route(request: RouteRequest, candidates: readonly VariantCandidate[]): RouteDecision;
}
