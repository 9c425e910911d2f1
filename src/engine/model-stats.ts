// Per-version statistics in the shape of Triton's statistics extension (cumulative counts and nanoseconds).

import type { DurationStat, ModelStatistics } from '../core/inference.js';

class Acc {
  count = 0;
  ns = 0;
  add(ns: number, n = 1): void {
    this.count += n;
    this.ns += ns;
  }
  get value(): DurationStat {
    return { count: this.count, ns: Math.round(this.ns) };
  }
}

interface BatchAcc {
  input: Acc;
  infer: Acc;
  output: Acc;
}

export class ModelStats {
  private lastInferenceMs = 0;
  private inferenceCount = 0;
  private executionCount = 0;
  private readonly success = new Acc();
  private readonly fail = new Acc();
  private readonly queue = new Acc();
  private readonly computeInput = new Acc();
  private readonly computeInfer = new Acc();
  private readonly computeOutput = new Acc();
  private readonly batches = new Map<number, BatchAcc>();

  constructor(
    private readonly name: string,
    private readonly version: string,
  ) {}

  /** One executed batch: `requests` requests totalling `rows` rows; durations in ns for the whole batch. */
  recordExecution(rows: number, inputNs: number, inferNs: number, outputNs: number): void {
    this.executionCount += 1;
    let b = this.batches.get(rows);
    if (b === undefined) {
      b = { input: new Acc(), infer: new Acc(), output: new Acc() };
      this.batches.set(rows, b);
    }
    b.input.add(inputNs);
    b.infer.add(inferNs);
    b.output.add(outputNs);
  }

  /** One request that completed successfully; compute durations are its batch's (Triton counts them per request). */
  recordSuccess(
    rows: number,
    totalNs: number,
    queueNs: number,
    inputNs: number,
    inferNs: number,
    outputNs: number,
    wallClockMs: number,
  ): void {
    this.inferenceCount += rows;
    this.lastInferenceMs = wallClockMs;
    this.success.add(totalNs);
    this.queue.add(queueNs);
    this.computeInput.add(inputNs);
    this.computeInfer.add(inferNs);
    this.computeOutput.add(outputNs);
  }

  recordFailure(totalNs: number): void {
    this.fail.add(totalNs);
  }

  snapshot(): ModelStatistics {
    return {
      name: this.name,
      version: this.version,
      last_inference: this.lastInferenceMs,
      inference_count: this.inferenceCount,
      execution_count: this.executionCount,
      inference_stats: {
        success: this.success.value,
        fail: this.fail.value,
        queue: this.queue.value,
        compute_input: this.computeInput.value,
        compute_infer: this.computeInfer.value,
        compute_output: this.computeOutput.value,
      },
      batch_stats: [...this.batches.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([size, b]) => ({
          batch_size: size,
          compute_input: b.input.value,
          compute_infer: b.infer.value,
          compute_output: b.output.value,
        })),
    };
  }
}
