import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Files appear whole or not at all: content goes to a temporary file in the same directory, which
 * is then renamed over the destination (a rename within a directory is atomic), so an interrupted
 * download or a full disk never leaves a half-written parser or data file for the engine to load.
 */

/** A fresh temporary name beside `dest` (same directory, so the rename is atomic). */
export function tempPathFor(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.${randomBytes(6).toString('hex')}.tmp`);
}

export function writeFileAtomic(dest: string, data: string | Uint8Array): void {
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  try {
    writeFileSync(tmp, data, { flush: true });
    renameSync(tmp, dest);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Runs `fill(tmp)` to produce the file, then renames it to `dest`; the temporary file is removed on failure. */
export async function withTempFile<T>(dest: string, fill: (tmp: string) => Promise<T>): Promise<T> {
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  try {
    const r = await fill(tmp);
    renameSync(tmp, dest);
    return r;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
