// Whether GPU profiling is possible here: onnxruntime-node must ship its CUDA execution provider and a session must
// actually load with it. Never guessed, so a profile never carries GPU numbers measured on the CPU.

import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { toServingError } from '../core/errors.js';
import type { Executor } from '../executor/executor.js';

export type GpuAvailability = { readonly available: true } | { readonly available: false; readonly reason: string };

/** Execution providers a GPU session is loaded with: CUDA only, so a missing GPU fails instead of falling back. */
export const GPU_EXECUTION_PROVIDERS: readonly string[] = ['cuda'];
const CUDA_PROVIDER_FILE = /onnxruntime_providers_cuda\.(so|dll)$/;
const PROBE_KEY = 'profile:gpu-probe';

/** Whether onnxruntime-node's binaries include the CUDA provider library (loading without one only logs noise). */
export async function cudaProviderInstalled(): Promise<boolean> {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    let root = dirname(entry);
    while (!root.endsWith('onnxruntime-node') && dirname(root) !== root) root = dirname(root);
    const files = await readdir(join(root, 'bin'), { recursive: true });
    return files.some((f) => CUDA_PROVIDER_FILE.test(f));
  } catch {
    return false;
  }
}

/** Tries to load `modelPath` on the GPU in `executor` (then unloads it). */
export async function probeGpu(executor: Executor, modelPath: string): Promise<GpuAvailability> {
  if (!(await cudaProviderInstalled())) {
    return { available: false, reason: 'no GPU provider: onnxruntime-node has no CUDA execution provider installed' };
  }
  try {
    await executor.load({ key: PROBE_KEY, path: modelPath, options: { intraOpThreads: 1, executionProviders: GPU_EXECUTION_PROVIDERS } });
  } catch (err) {
    return { available: false, reason: `no GPU provider: ${toServingError(err).message}` };
  }
  await executor.unload(PROBE_KEY).catch(() => undefined);
  return { available: true };
}
