// Builds the experiment's model repository: links to the zoo's model files plus their zoo config.yaml.

import { copyFile, mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ZOO_MODEL_VERSION, generateZoo } from '../../src/repository/zoo/generate-zoo.js';

/**
 * Generates (or reuses) `models` in `zooDir`, then writes `<dir>/<model>/config.yaml` and a symlink
 * `<dir>/<model>/1/model.onnx` → the zoo's file. Profiles stored beside the models land in `dir`, not in the zoo.
 */
export async function writeSloRepository(dir: string, zooDir: string, models: readonly string[]): Promise<string> {
  await generateZoo(zooDir, { only: models });
  await rm(dir, { recursive: true, force: true });
  for (const model of models) {
    const versionDir = join(dir, model, ZOO_MODEL_VERSION);
    await mkdir(versionDir, { recursive: true });
    await symlink(join(zooDir, model, ZOO_MODEL_VERSION, 'model.onnx'), join(versionDir, 'model.onnx'));
    await copyFile(join(zooDir, model, 'config.yaml'), join(dir, model, 'config.yaml'));
  }
  return dir;
}
