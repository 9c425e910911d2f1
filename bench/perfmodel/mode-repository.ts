// Builds one model repository per sharing mode: the zoo's model files with a config.yaml that sets the mode.

import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZOO_MODEL_VERSION, generateZoo } from '../../src/repository/zoo/generate-zoo.js';
import type { ServerMode } from './validation-cases.js';

/** Largest batch the dynamic batcher forms in the batching mode (and the largest batch profiled). */
export const MAX_BATCH_SIZE = 8;

/** config.yaml of every model in a mode's repository. */
export function modeConfigYaml(mode: ServerMode): string {
  if (mode === 'fcfs') return '# perfmodel validation: no batching, every request runs alone\nmax_batch_size: 0\n';
  if (mode === 'fair') return '# perfmodel validation: no batching; the fair policy arbitrates between the models\nmax_batch_size: 0\n';
  return [
    '# perfmodel validation: requests that queue while the instance is busy run together',
    `max_batch_size: ${MAX_BATCH_SIZE}`,
    'dynamic_batching:',
    '  max_queue_delay_us: 0',
    '',
  ].join('\n');
}

export function zooModelPath(zooDir: string, model: string): string {
  return join(zooDir, model, ZOO_MODEL_VERSION, 'model.onnx');
}

/** Generates (or reuses) the zoo models under `zooDir`. */
export async function prepareZoo(zooDir: string, models: readonly string[]): Promise<void> {
  await generateZoo(zooDir, { only: models });
}

/** Writes `<dir>/<model>/1/model.onnx` (copied from the zoo) and the mode's config.yaml for each model; returns dir. */
export async function writeModeRepository(dir: string, zooDir: string, models: readonly string[], mode: ServerMode): Promise<string> {
  for (const model of models) {
    await mkdir(join(dir, model, ZOO_MODEL_VERSION), { recursive: true });
    await copyFile(zooModelPath(zooDir, model), join(dir, model, ZOO_MODEL_VERSION, 'model.onnx'));
    await writeFile(join(dir, model, 'config.yaml'), modeConfigYaml(mode));
  }
  return dir;
}
