import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { badRequest, notFound } from './problem.js';

/**
 * The files a target serves by name: a temp directory seeded at start, and the lookup that is
 * path traversal on the vulnerable variant (the name joined as it came) and a plain-name lookup
 * confined to the directory on the fixed one.
 */

/** A fresh temp directory (real path) with `files` written into its subdirectory `subdir`. */
export function seedWorkDir(prefix: string, subdir: string, files: Readonly<Record<string, string>>): { workDir: string; dir: string } {
  const workDir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const dir = join(workDir, subdir);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { workDir, dir };
}

/** The first `maxBytes` bytes of a regular file, or null when there is none at this path. */
export async function readHead(path: string, maxBytes: number): Promise<string | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(maxBytes);
      const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

export interface FileLookup {
  /** The directory the files live in (a real path). */
  readonly dir: string;
  readonly vulnerable: boolean;
  /** The parameter's name, for the 400 (`name must be a plain file name`). */
  readonly param: string;
  /** The 404's detail (`no document with this name`). */
  readonly missing: string;
  readonly maxBytes: number;
}

/** The head of the file `name` names; a 400 or 404 (HttpProblem) otherwise. */
export async function readNamedFile(lookup: FileLookup, name: string): Promise<string> {
  let real: string | null;
  if (lookup.vulnerable) {
    // The flaw: the name is joined to the directory as it came.
    real = await realpath(join(lookup.dir, name)).catch(() => null);
    // Kernel files would hand the test machine's environment to whoever scans the target.
    if (real === null || /^\/(proc|sys|dev)(\/|$)/.test(real)) throw notFound(lookup.missing);
  } else {
    if (/[/\\\0]/.test(name) || name.includes('..')) throw badRequest(`${lookup.param} must be a plain file name`);
    real = await realpath(resolve(lookup.dir, name)).catch(() => null);
    if (real === null || !real.startsWith(lookup.dir + sep)) throw notFound(lookup.missing);
  }
  const text = await readHead(real, lookup.maxBytes);
  if (text === null) throw notFound(lookup.missing);
  return text;
}
