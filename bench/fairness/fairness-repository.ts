// Builds the experiment's model repository: links to zoo models with a config that runs one request at a time on one instance.

import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZOO_MODEL_VERSION, generateZoo } from '../../src/repository/zoo/generate-zoo.js';
import { findZooEntry } from '../../src/repository/zoo/zoo-catalog.js';

/**
 * max_batch_size 1: every policy runs single requests, so the comparison is about who gets the device, not batching.
 * instance count 1: with N workers the engine places the N models round-robin, one per worker (uncontrolled sharing).
 */
function configYaml(model: string): string {
  const task = findZooEntry(model)?.task ?? 'image-classification';
  return `# Written by bench/fairness: one request at a time, one instance.\ntask: ${task}\nmax_batch_size: 1\ninstance:\n  count: 1\n`;
}

/** Generates (or reuses) `models` in `zooDir`; writes `<dir>/<model>/config.yaml` and `<dir>/<model>/1/model.onnx` → the zoo file. */
export async function writeFairnessRepository(dir: string, zooDir: string, models: readonly string[]): Promise<string> {
  await generateZoo(zooDir, { only: models });
  await rm(dir, { recursive: true, force: true });
  for (const model of models) {
    const versionDir = join(dir, model, ZOO_MODEL_VERSION);
    await mkdir(versionDir, { recursive: true });
    await symlink(join(zooDir, model, ZOO_MODEL_VERSION, 'model.onnx'), join(versionDir, 'model.onnx'));
    await writeFile(join(dir, model, 'config.yaml'), configYaml(model));
  }
  return dir;
}
