// Waits for a server's segmentation decision on each model: cut into segments, whole (fits one quantum) or whole (no clean cut).

import { NOT_SEGMENTED_LOG, SEGMENTED_LOG, UNDER_QUANTUM_LOG } from '../../src/engine/engine.js';
import type { ServeProcess } from './serve-process.js';

export interface SegmentLogs {
  /** Segments per model the server cut; a model it left whole is absent. */
  readonly segments: Record<string, number>;
  /** Which graph the server cut per segmented model: 'runtime' (onnxruntime's optimised graph) or 'stored'. */
  readonly cutGraphs: Record<string, string>;
  /** Models left whole for want of a clean cut, with the server's reason. */
  readonly noCut: readonly { readonly model: string; readonly reason: string }[];
  /** Models the server said nothing about within the timeout. */
  readonly missing: readonly string[];
}

/** The engine logs exactly one of three messages per model once it has decided; resolves when all `models` have one. */
export async function awaitSegmentLogs(server: Pick<ServeProcess, 'waitForLogs'>, models: readonly string[], timeoutMs: number): Promise<SegmentLogs> {
  const entries = await server.waitForLogs((e) => e.msg === SEGMENTED_LOG || e.msg === NOT_SEGMENTED_LOG || e.msg === UNDER_QUANTUM_LOG, models.length, timeoutMs);
  const segments: Record<string, number> = {};
  const cutGraphs: Record<string, string> = {};
  const noCut: { model: string; reason: string }[] = [];
  for (const e of entries) {
    if (e.msg === SEGMENTED_LOG) {
      segments[String(e['model'])] = Number(e['segments']);
      cutGraphs[String(e['model'])] = String(e['graph']);
    }
    else if (e.msg === NOT_SEGMENTED_LOG) noCut.push({ model: String(e['model']), reason: String(e['reason']) });
  }
  const missing = models.filter((m) => !entries.some((e) => e['model'] === m));
  return { segments, cutGraphs, noCut, missing };
}
