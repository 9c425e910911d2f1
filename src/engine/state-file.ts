// JSON state files in the state directory: read (absent → undefined, unreadable → clear error) and atomic write.

import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { ServingError } from '../core/errors.js';

/** The parsed JSON of `path`, or undefined when it does not exist. A file that is not valid JSON is an error, never "empty". */
export async function readStateFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ServingError('FAILED_PRECONDITION', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw corruptStateFile(path, (err as Error).message);
  }
}

export function corruptStateFile(path: string, why: string): ServingError {
  return new ServingError('FAILED_PRECONDITION', `${path} is corrupt (${why}); repair it or move it away, nothing was loaded`);
}

/** Readers never see a half-written file: write a temporary sibling, then rename it over the target. */
export async function writeStateFile(path: string, value: unknown, mode = 0o644): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Runs mutations one at a time, so concurrent writers cannot rename an older snapshot over a newer one. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
