import { readdir, stat } from 'node:fs/promises';
import { HerdError } from '../core/index.js';

/**
 * Globs over absolute paths, as Go's `filepath.Glob` (which CrowdSec's file source uses) reads
 * them: `*` (any run of characters but `/`), `?` (one character but `/`), `[abc]`, `[a-z]`, `[!a]`
 * or `[^a]` within one path segment, `\` to escape. `**` is refused rather than read like `*`: a
 * user who writes it expects recursion, which this source does not do.
 */
export interface CompiledGlob {
  readonly pattern: string;
  /** Each path segment: a literal name, or a compiled matcher. */
  readonly segments: ReadonlyArray<string | RegExp>;
  /** True when no segment has a wildcard. */
  readonly literal: boolean;
  /** The deepest directory without a wildcard (`/var/log/nginx` for `/var/log/nginx/*.log`). */
  readonly baseDir: string;
}

const META = /[*?[\\]/;

export function hasGlobMeta(s: string): boolean {
  return META.test(s);
}

/** Compiles a pattern once; a bad one is a HerdError naming it. */
export function compileGlob(pattern: string): CompiledGlob {
  if (!pattern.startsWith('/')) {
    throw new HerdError('HERD_ACQUIS_GLOB', `file pattern '${pattern}' is not an absolute path; write it from the root, e.g. /var/log/nginx/*.log`);
  }
  if (pattern.includes('**')) {
    throw new HerdError('HERD_ACQUIS_GLOB', `file pattern '${pattern}' uses '**', which is not supported; list each directory level with '*' (e.g. /var/log/*/access.log)`);
  }
  const parts = pattern.split('/').filter((p) => p.length > 0);
  const segments: Array<string | RegExp> = [];
  let literal = true;
  let baseParts = 0;
  for (const part of parts) {
    if (hasGlobMeta(part)) {
      literal = false;
      segments.push(segmentRegExp(part, pattern));
    } else {
      segments.push(part);
      if (literal) baseParts++;
    }
  }
  // The base directory excludes the last segment even when it is literal (it names the file).
  const dirParts = literal ? parts.length - 1 : baseParts;
  const baseDir = '/' + parts.slice(0, Math.min(dirParts, parts.length - 1)).join('/');
  return { pattern, segments, literal, baseDir };
}

function segmentRegExp(segment: string, pattern: string): RegExp {
  let src = '^';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') src += '.*';
    else if (c === '?') src += '.';
    else if (c === '\\') {
      i++;
      if (i >= segment.length) throw new HerdError('HERD_ACQUIS_GLOB', `file pattern '${pattern}' ends with a lone '\\'; escape it as '\\\\'`);
      src += escapeRegExp(segment[i]);
    } else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) throw new HerdError('HERD_ACQUIS_GLOB', `file pattern '${pattern}' has an unclosed '['; close the character class or escape it as '\\['`);
      let body = segment.slice(i + 1, close);
      let negate = false;
      if (body[0] === '!' || body[0] === '^') {
        negate = true;
        body = body.slice(1);
      }
      src += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else src += escapeRegExp(c);
  }
  return new RegExp(src + '$', 's');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Whether an absolute path matches the pattern. */
export function matchesGlob(glob: CompiledGlob, path: string): boolean {
  const parts = path.split('/').filter((p) => p.length > 0);
  if (parts.length !== glob.segments.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const seg = glob.segments[i];
    if (typeof seg === 'string' ? seg !== parts[i] : !seg.test(parts[i])) return false;
  }
  return true;
}

/**
 * The regular files (symbolic links followed) that match now, sorted. Directories that cannot be
 * read are skipped: a later scan sees them when they appear.
 */
export async function expandGlob(glob: CompiledGlob): Promise<string[]> {
  let dirs = [''];
  const last = glob.segments.length - 1;
  for (let i = 0; i <= last; i++) {
    const seg = glob.segments[i];
    const next: string[] = [];
    for (const dir of dirs) {
      if (typeof seg === 'string') {
        next.push(`${dir}/${seg}`);
        continue;
      }
      let names: string[];
      try {
        names = await readdir(dir === '' ? '/' : dir);
      } catch {
        continue;
      }
      for (const name of names) if (seg.test(name)) next.push(`${dir}/${name}`);
    }
    dirs = next;
    if (dirs.length === 0) return [];
  }
  const files: string[] = [];
  for (const p of dirs) {
    try {
      if ((await stat(p)).isFile()) files.push(p);
    } catch {
      // gone or unreadable: skipped until a later scan
    }
  }
  return files.sort();
}
