/**
 * The data files behind `data:` entries of parsers and scenarios, and the helpers that read them
 * (CrowdSec's exprhelpers FileInit, File, RegexpInFile, FileMap, LookupFile). A file is read once,
 * at load time, per (dest_file, kind); CrowdSec's line rules apply: lines starting with `#` and empty
 * lines are skipped, a `\r` before the newline is dropped.
 *
 * - `type: string`: the lines, for `File(name)` (`x in File("f")`, `any(File("f"), …)`).
 * - `type: regexp` (or `regex`): one Go RE2 pattern per line, for `RegexpInFile(s, name)`, matched as
 *   one RE2 set (see regexp-set.ts).
 * - `type: map`: JSON lines `{"pattern": …, "tag": …, "type": "equals"|"contains"|"regex"}`, for
 *   `LookupFile(s, name)` (the tag of the first row that matches, "" if none) and `FileMap(name)`.
 *
 * Differences with CrowdSec, on purpose: a file that cannot be read, or a pattern that does not
 * compile, stops the load with HERD_DATA_FILE (CrowdSec logs the first and crashes on the second).
 * An entry without `type` is ignored, as CrowdSec ignores it (e.g. the GeoIP databases).
 */
import { readFileSync } from 'node:fs';
import { HerdError } from '../core/index.js';
import { compileRegex, parseGoRegex, type SafeRegex } from '../grok/index.js';
import { fault } from './errors.js';
import { RegexpSet, type SetPattern } from './regexp-set.js';
import { createStringMap, goTypeOf, type ExprFunction, type StringMap } from './values.js';

export interface DataFileEntry {
  source_url?: string;
  dest_file: string;
  type?: string;
}

export interface DataFilesOptions {
  /** The local path of an entry's file (the caller decides: the data directory, an offline mirror…). */
  resolve: (entry: DataFileEntry) => string;
  /**
   * Where problems that do not stop the load are reported: a helper asked for a file that was never
   * loaded (once per name), a `regex` row of a map file that does not compile.
   */
  warn?: (message: string) => void;
}

/** CrowdSec reads data files with bufio.Scanner, which refuses lines of 64 KiB or more. */
const MAX_LINE_BYTES = 64 * 1024;

const MAP_ROW_TYPES = new Set(['equals', 'contains', 'regex']);

/** The index LookupFile searches, in CrowdSec's order: equals, then contains, then regex rows. */
interface FileMapIndex {
  readonly rows: StringMap[];
  /** Exact pattern → row (the last row with that pattern, as a Go map assignment keeps). */
  readonly equals: Map<string, number>;
  /** `contains` patterns as one alternation of literals: the leftmost match, first row on ties. */
  readonly contains: SafeRegex | null;
  /** Row of each group of `contains` (group g is containsRows[g - 1]). */
  readonly containsRows: Int32Array;
  readonly regex: RegexpSet | null;
  readonly regexRows: Int32Array;
}

const EMPTY: readonly string[] = Object.freeze([]);
const EMPTY_ROWS: readonly StringMap[] = Object.freeze([]);

/** The argument as a Go string, or expr-lang's error for a helper's string parameter. */
function str(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  throw fault(`cannot use ${goTypeOf(v)} as argument (type string) to call ${name}`);
}

/** Go's regexp.QuoteMeta: the literal text as a pattern. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export class DataFiles {
  private readonly opts: DataFilesOptions;
  private readonly strings = new Map<string, readonly string[]>();
  private readonly regexps = new Map<string, RegexpSet>();
  private readonly maps = new Map<string, FileMapIndex>();
  /** Names a helper asked for without their file being loaded, already reported. */
  private readonly reported = new Set<string>();
  /**
   * Recent answers of RegexpInFile per file: the strings tested are user agents and paths, which
   * repeat from line to line; bounded by whole generations (what CrowdSec's `strategy: LRU` cache is for).
   */
  private readonly answers = new Map<string, Map<string, boolean>>();

  private testRemembered(name: string, set: RegexpSet, s: string): boolean {
    // Most inputs hold none of the literals the patterns need: answered by one scan, not remembered.
    if (!set.mayMatch(s)) return false;
    let memo = this.answers.get(name);
    if (memo === undefined) this.answers.set(name, (memo = new Map()));
    let v = memo.get(s);
    if (v === undefined) {
      v = set.test(s);
      if (memo.size >= 10_000) memo.clear();
      memo.set(s, v);
    }
    return v;
  }

  constructor(opts: DataFilesOptions) {
    this.opts = opts;
  }

  /**
   * Loads one entry, once per dest_file and kind (a second call for the same file does nothing).
   * Throws HERD_DATA_FILE when the file cannot be read, a line is too long, a pattern does not
   * compile, a map line is not a valid row, or the type is unknown.
   */
  load(entry: DataFileEntry): void {
    const type = entry.type ?? '';
    if (type === '') return;
    const name = entry.dest_file;
    const kind = type === 'regex' ? 'regexp' : type;
    if (kind !== 'string' && kind !== 'regexp' && kind !== 'map') {
      throw new HerdError('HERD_DATA_FILE', `unknown data type '${type}' for '${name}': use string, regexp or map`);
    }
    if (this.has(name, kind)) return;
    const path = this.opts.resolve(entry);
    const lines = readLines(path, entry);
    if (lines.length === 0) return; // CrowdSec keeps nothing for a file without content lines
    if (kind === 'string') this.strings.set(name, Object.freeze(lines.map((l) => l.text)));
    else if (kind === 'regexp') this.regexps.set(name, compileSet(lines, path));
    else this.maps.set(name, this.compileMap(lines, path));
  }

  /** Whether `dest_file` is loaded as `type` (string, regexp/regex or map). */
  has(destFile: string, type: string): boolean {
    if (type === 'string') return this.strings.has(destFile);
    if (type === 'regexp' || type === 'regex') return this.regexps.has(destFile);
    if (type === 'map') return this.maps.has(destFile);
    return false;
  }

  /**
   * The helpers reading the loaded files, by their CrowdSec names. A name that was never loaded gives
   * what CrowdSec gives (an empty list, false, "") and is reported once through `warn`.
   */
  helpers(): Record<string, ExprFunction> {
    // Hot path (per line): fixed parameters, one map lookup, then the file's own matcher.
    return {
      File: (file?: unknown) => {
        const name = str('File', file);
        return this.strings.get(name) ?? this.missing(name, 'string', EMPTY);
      },
      RegexpInFile: (data?: unknown, file?: unknown) => {
        const s = str('RegexpInFile', data);
        const name = str('RegexpInFile', file);
        const set = this.regexps.get(name);
        return set === undefined ? this.missing(name, 'regexp', false) : this.testRemembered(name, set, s);
      },
      FileMap: (file?: unknown) => {
        const name = str('FileMap', file);
        const index = this.maps.get(name);
        return index === undefined ? this.missing(name, 'map', EMPTY_ROWS) : index.rows;
      },
      LookupFile: (data?: unknown, file?: unknown) => {
        const s = str('LookupFile', data);
        const name = str('LookupFile', file);
        const index = this.maps.get(name);
        return index === undefined ? this.missing(name, 'map', '') : lookup(index, s);
      },
    };
  }

  private missing<T>(name: string, type: string, value: T): T {
    const key = `${type}\u0000${name}`;
    if (!this.reported.has(key)) {
      this.reported.add(key);
      this.opts.warn?.(`file '${name}' (type:${type}) not found in expr library: declare it in the data: section of the parser or scenario that uses it`);
    }
    return value;
  }

  private compileMap(lines: readonly Line[], path: string): FileMapIndex {
    const rows: StringMap[] = [];
    const equals = new Map<string, number>();
    const containsRows: number[] = [];
    const containsParts: string[] = [];
    const regexPatterns: SetPattern[] = [];
    const regexRows: number[] = [];
    for (const line of lines) {
      const row = parseMapRow(line, path);
      const i = rows.length;
      rows.push(row);
      const pattern = row.pattern!;
      if (row.type === 'equals') {
        equals.set(pattern, i);
      } else if (row.type === 'regex') {
        try {
          parseGoRegex(pattern);
        } catch (err) {
          this.opts.warn?.(`${path}:${line.number}: invalid regex pattern '${pattern}': ${(err as Error).message}; this row never matches (as in CrowdSec)`);
          continue;
        }
        regexPatterns.push({ source: pattern, line: line.number });
        regexRows.push(i);
      } else {
        containsParts.push(`(${quoteMeta(pattern)})`);
        containsRows.push(i);
      }
    }
    return {
      rows,
      equals,
      contains: containsParts.length > 0 ? compileRegex(containsParts.join('|')) : null,
      containsRows: Int32Array.from(containsRows),
      regex: regexPatterns.length > 0 ? new RegexpSet(regexPatterns, (p, err) => dataError(path, p.line, err)) : null,
      regexRows: Int32Array.from(regexRows),
    };
  }
}

interface Line {
  readonly text: string;
  /** 1-based line number in the file. */
  readonly number: number;
}

function readLines(path: string, entry: DataFileEntry): Line[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const from = entry.source_url ? ` (downloaded from ${entry.source_url})` : '';
    throw new HerdError(
      'HERD_DATA_FILE',
      `cannot read data file '${entry.dest_file}'${from}: ${(err as Error).message}; install the item that needs it again with the hub (it fetches its data files), or copy the file from a mirror with --data-source DIR`,
      { where: path, cause: err },
    );
  }
  const out: Line[] = [];
  const raw = text.split('\n');
  // A final newline ends the last line; it does not start an empty one.
  const count = raw.length > 0 && raw[raw.length - 1] === '' ? raw.length - 1 : raw.length;
  for (let i = 0; i < count; i++) {
    let line = raw[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (Buffer.byteLength(line, 'utf8') >= MAX_LINE_BYTES) {
      throw new HerdError('HERD_DATA_FILE', `line ${i + 1} is longer than 64 KiB, which CrowdSec cannot read either; split or shorten it`, {
        where: `${path}:${i + 1}`,
      });
    }
    if (line === '' || line.startsWith('#')) continue;
    out.push({ text: line, number: i + 1 });
  }
  return out;
}

function dataError(path: string, line: number, err: Error): HerdError {
  return new HerdError('HERD_DATA_FILE', `${err.message}; fix or remove this line of the data file`, { where: `${path}:${line}`, cause: err });
}

function compileSet(lines: readonly Line[], path: string): RegexpSet {
  return new RegexpSet(
    lines.map((l) => ({ source: l.text, line: l.number })),
    (p, err) => dataError(path, p.line, err),
  );
}

/** One JSON line of a map file, with CrowdSec's checks (fileMapInit). */
function parseMapRow(line: Line, path: string): StringMap {
  const where = `${path}:${line.number}`;
  let value: unknown;
  try {
    value = JSON.parse(line.text) as unknown;
  } catch (err) {
    throw new HerdError('HERD_DATA_FILE', `failed to parse JSON line: ${(err as Error).message}; each line of a map file is one JSON object`, { where });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HerdError('HERD_DATA_FILE', `failed to parse JSON line: a map row must be a JSON object of strings`, { where });
  }
  const row = createStringMap();
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && typeof v !== 'string') {
      throw new HerdError('HERD_DATA_FILE', `failed to parse JSON line: field '${k}' is a ${typeof v}, a map row holds strings only`, { where });
    }
    row[k] = v ?? '';
  }
  for (const field of ['pattern', 'tag', 'type']) {
    if (!row[field]) throw new HerdError('HERD_DATA_FILE', `missing mandatory '${field}' field: ${line.text}`, { where });
  }
  if (!MAP_ROW_TYPES.has(row.type!)) {
    throw new HerdError('HERD_DATA_FILE', `unknown entry type '${row.type}': use equals, contains or regex`, { where });
  }
  return row;
}

/** CrowdSec's LookupFile: equals rows, then the leftmost `contains` row, then the first `regex` row. */
function lookup(index: FileMapIndex, s: string): string {
  const exact = index.equals.get(s);
  if (exact !== undefined) return index.rows[exact]!.tag!;
  if (index.contains !== null) {
    const m = index.contains.exec(s);
    if (m !== null) {
      for (let g = 1; g < m.length; g++) {
        if (m[g] !== undefined) return index.rows[index.containsRows[g - 1]!]!.tag!;
      }
    }
  }
  if (index.regex !== null) {
    const i = index.regex.firstMatch(s);
    if (i >= 0) return index.rows[index.regexRows[i]!]!.tag!;
  }
  return '';
}
