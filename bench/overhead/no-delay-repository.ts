// A model repository with the zoo's files but no dynamic-batching delay, to separate serving cost from batching wait.

import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import { ZOO_MODEL_VERSION, zooConfigYaml } from '../../src/repository/zoo/generate-zoo.js';
import { findZooEntry } from '../../src/repository/zoo/zoo-catalog.js';

/** Links `models` from `zooDir` into `dir` with max_queue_delay_us 0; returns `dir`. */
export async function writeNoDelayRepository(zooDir: string, dir: string, models: readonly string[]): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  for (const name of models) {
    const entry = findZooEntry(name);
    if (entry === undefined) throw new Error(`no zoo model named '${name}'`);
    const versionDir = join(dir, name, ZOO_MODEL_VERSION);
    await mkdir(versionDir, { recursive: true });
    await symlink(join(zooDir, name, ZOO_MODEL_VERSION, 'model.onnx'), join(versionDir, 'model.onnx'));
    const config = YAML.parseDocument(zooConfigYaml(entry));
    config.setIn(['dynamic_batching', 'max_queue_delay_us'], 0);
    await writeFile(join(dir, name, 'config.yaml'), config.toString());
  }
  return dir;
}
