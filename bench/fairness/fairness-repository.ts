// Builds the experiment's model repository: links to zoo models with a config that runs one request at a time on one instance.

import { findZooEntry } from '../../src/repository/zoo/zoo-catalog.js';
import { writeZooRepository } from '../lib/zoo-repository.js';

/**
 * max_batch_size 1: every policy runs single requests, so the comparison is about who gets the device, not batching.
 * instance count 1: with N workers the engine places the N models round-robin, one per worker (uncontrolled sharing).
 */
function configYaml(model: string): string {
  const task = findZooEntry(model)?.task ?? 'image-classification';
  return `# Written by bench/fairness: one request at a time, one instance.\ntask: ${task}\nmax_batch_size: 1\ninstance:\n  count: 1\n`;
}

/** The fairness repository: zoo models that run one request at a time on one instance. */
export function writeFairnessRepository(dir: string, zooDir: string, models: readonly string[]): Promise<string> {
  return writeZooRepository(dir, zooDir, models, configYaml);
}
