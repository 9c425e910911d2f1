// Identity of a model file (size, mtime, hash of its first and last MiB) so a stored profile can be matched to it.

import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { ProfileSource } from './profile.js';

/** Bytes hashed at each end of the file: enough to tell models apart without reading a 500 MB file. */
const SAMPLE_BYTES = 1024 * 1024;

export async function modelSource(path: string): Promise<ProfileSource> {
  const file = await open(path, 'r');
  try {
    const { size, mtimeMs } = await file.stat();
    const hash = createHash('sha256');
    const head = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
    await file.read(head, 0, head.length, 0);
    hash.update(head);
    if (size > SAMPLE_BYTES) {
      const tailStart = Math.max(SAMPLE_BYTES, size - SAMPLE_BYTES);
      const tail = Buffer.alloc(size - tailStart);
      await file.read(tail, 0, tail.length, tailStart);
      hash.update(tail);
    }
    return { sizeBytes: size, mtimeMs, sampleSha256: hash.digest('hex') };
  } finally {
    await file.close();
  }
}

/**
 * Whether two sources name the same model file contents. Size and hash decide; mtime does not, because copying
 * a repository (with its profile.json) changes mtimes but not the model.
 */
export function sameSource(a: ProfileSource | undefined, b: ProfileSource | undefined): boolean {
  return a !== undefined && b !== undefined && a.sizeBytes === b.sizeBytes && a.sampleSha256 === b.sampleSha256;
}
