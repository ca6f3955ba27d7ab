/**
 * Reads grok pattern files into a PatternLibrary. A pattern line is `NAME<spaces>regex` (grokky's
 * `^(\w+)\s+(.+)$`); any other line (comments, blanks) is skipped. A directory is read
 * recursively, the base patterns first (CrowdSec starts from grokky's built-in base), then the
 * other files in path order.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { HerdError, fileLine } from '../core/index.js';
import { PatternLibrary } from './pattern-library.js';

/** The file holding grokky's base patterns (loaded before every other file). */
export const BASE_PATTERN_FILE = 'grokky-base';

// Go's `\s` and `.`: ASCII spaces, and anything but a newline.
const PATTERN_LINE = /^([0-9A-Za-z_]+)[\t\n\f\r ]+([^\n]+)$/;

export interface PatternLine {
  readonly name: string;
  readonly expression: string;
  /** 1-based. */
  readonly line: number;
}

/** The pattern lines of a file's text. */
export function parsePatternLines(text: string): PatternLine[] {
  const out: PatternLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const m = PATTERN_LINE.exec(raw);
    if (m) out.push({ name: m[1], expression: m[2], line: i + 1 });
  }
  return out;
}

/** Adds a file's patterns to the library; returns the names that were already defined. */
export function addPatternText(library: PatternLibrary, text: string, file: string): string[] {
  const duplicates: string[] = [];
  for (const p of parsePatternLines(text)) {
    if (!library.add(p.name, p.expression, fileLine(file, p.line))) duplicates.push(p.name);
  }
  return duplicates;
}

/** Files that sit in pattern folders without being patterns. */
function isPatternFile(name: string): boolean {
  return !name.startsWith('.') && !/^(LICENSE|README|COPYING)/i.test(name);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!isPatternFile(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Loads every pattern file under `dir` (recursively; `LICENSE*`, `README*` and dot-files are
 * skipped) into `library` (a new one by default). Duplicates are in `library.duplicates`.
 */
export function loadPatternDirectory(dir: string, library = new PatternLibrary()): PatternLibrary {
  let files: string[];
  try {
    files = listFiles(dir);
  } catch (err) {
    throw new HerdError('HERD_GROK_PATTERN_DIR', `cannot read the grok patterns directory: ${(err as Error).message}; check the path`, {
      where: dir,
      cause: err,
    });
  }
  const key = (f: string): string => {
    const rel = relative(dir, f);
    return rel === BASE_PATTERN_FILE ? '' : rel;
  };
  files.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  for (const file of files) addPatternText(library, readFileSync(file, 'utf8'), file);
  return library;
}
