import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * How a followed file is recognised across restarts: its identity (`dev:ino`, which a rename keeps)
 * and a fingerprint of its first bytes (which a truncate-and-rewrite changes).
 */

/** Bytes of the file's start that the fingerprint covers (at most). */
export const FINGERPRINT_BYTES = 256;

export interface StatLike {
  dev: bigint;
  ino: bigint;
  size: bigint;
}

export function fileIdOf(st: StatLike): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * `n:hash` of the first n bytes (n ≤ 256): the length is part of it, so a file that was shorter
 * than 256 bytes when the cursor was saved is compared on the same bytes later.
 */
export function fingerprintOf(head: Buffer, n: number): string {
  return `${n}:${createHash('sha1').update(head.subarray(0, n)).digest('hex').slice(0, 16)}`;
}

/** Reads up to `n` bytes from the start of the file; fewer when it is shorter. */
export async function readHead(fh: FileHandle, into: Buffer, n: number): Promise<number> {
  let got = 0;
  while (got < n) {
    const { bytesRead } = await fh.read(into, got, n - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** Whether the file still starts with the bytes a fingerprint was taken of. */
export async function fingerprintMatches(fh: FileHandle, fingerprint: string, scratch: Buffer): Promise<boolean> {
  const colon = fingerprint.indexOf(':');
  const n = Number(fingerprint.slice(0, colon));
  if (colon < 0 || !Number.isInteger(n) || n < 0 || n > scratch.length) return false;
  const got = await readHead(fh, scratch, n);
  return got === n && fingerprintOf(scratch, n) === fingerprint;
}

/** The file in `dir` whose identity is `fileId` (a rotated file, e.g. `access.log.1`), if any. */
export async function findFileById(dir: string, fileId: string): Promise<string | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  for (const name of names) {
    const p = join(dir, name);
    try {
      const st = await stat(p, { bigint: true });
      if (st.isFile() && fileIdOf(st) === fileId) return p;
    } catch {
      // vanished meanwhile
    }
  }
  return null;
}
