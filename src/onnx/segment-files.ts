// Writes a segmented model's segments as .onnx files into a directory the caller owns (a state or temp dir,
// never the model repository), ready for an executor's loadSegments.

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SegmentedModel } from './segment-graph.js';

/** Writes `<dir>/<name>.seg<i>.onnx` for each segment (i from 0) and returns the absolute paths in order. */
export async function writeSegmentFiles(dir: string, name: string, model: SegmentedModel): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = name.replace(/[^A-Za-z0-9._-]/g, '_'); // keys such as "resnet50@1" become safe file names
  const paths = model.segments.map((_, i) => resolve(join(dir, `${base}.seg${i}.onnx`)));
  await Promise.all(model.segments.map((s, i) => writeFile(paths[i] as string, s.bytes)));
  return paths;
}
