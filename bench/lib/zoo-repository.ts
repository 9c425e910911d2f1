// Builds a benchmark's model repository from zoo models: symlinks to the zoo's files plus a config.yaml per model.

import { copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZOO_MODEL_VERSION, generateZoo } from '../../src/repository/zoo/generate-zoo.js';

/**
 * Generates (or reuses) `models` in `zooDir`, then writes `<dir>/<model>/1/model.onnx` → the zoo's file and
 * `<dir>/<model>/config.yaml`: `configYaml(model)` when given, else the zoo's own config. Profiles stored beside the
 * models land in `dir`, not in the zoo.
 */
export async function writeZooRepository(dir: string, zooDir: string, models: readonly string[], configYaml?: (model: string) => string): Promise<string> {
  await generateZoo(zooDir, { only: models });
  await rm(dir, { recursive: true, force: true });
  for (const model of models) {
    const versionDir = join(dir, model, ZOO_MODEL_VERSION);
    await mkdir(versionDir, { recursive: true });
    await symlink(join(zooDir, model, ZOO_MODEL_VERSION, 'model.onnx'), join(versionDir, 'model.onnx'));
    const config = join(dir, model, 'config.yaml');
    if (configYaml === undefined) await copyFile(join(zooDir, model, 'config.yaml'), config);
    else await writeFile(config, configYaml(model));
  }
  return dir;
}
