import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { openHerdStore } from '../agent/index.js';
import { HerdError } from '../core/index.js';
import { normaliseScope, type Decision } from '../decisions/index.js';
import { parseGoDuration } from '../expr/index.js';
import { parseRange } from '../ip/index.js';
import { cliContext } from './context.js';
import { printJson } from './table.js';

/**
 * `herd decisions import`, like `cscli decisions import`: decisions from a CSV file (a header line
 * naming any of value, duration, reason, type, scope, origin), a JSON array of objects with the same
 * keys, or plain values one per line. A field a row leaves empty takes the flag's value (as cscli
 * 1.5+; cscli 1.4 let flags override rows). Origin is always `cscli-import`, as cscli does, whatever
 * the file says. Bad rows are reported with their line and skipped; the rest are stored.
 */

export type ImportFormat = 'csv' | 'json' | 'values';

export const IMPORT_FORMATS: readonly ImportFormat[] = ['csv', 'json', 'values'];

/** The origin cscli gives imported decisions (CrowdSec's `types.CscliImportOrigin`). */
export const IMPORT_ORIGIN = 'cscli-import';

/** The columns (CSV) and keys (JSON) a row may have; anything else is ignored, as cscli does. */
export const IMPORT_FIELDS = ['value', 'duration', 'reason', 'type', 'scope', 'origin'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** One row as read, before defaults: the fields it gives (empty ones left out) and its line (1-based). */
export type ImportRow = { line: number } & Partial<Record<ImportField, string>>;

export interface RowError {
  line: number;
  message: string;
}

export interface ParsedImport {
  rows: ImportRow[];
  /** Rows that could not be read at all (a CSV record with the wrong number of fields, a JSON item that is not an object…). */
  errors: RowError[];
}

/** What a row gets for a field it leaves empty. */
export interface ImportDefaults {
  duration: string;
  type: string;
  reason: string;
  scope: string;
}

export const DEFAULT_IMPORT: Readonly<ImportDefaults> = Object.freeze({ duration: '4h', type: 'ban', reason: 'manual', scope: 'Ip' });

/** The format a file name says (`.csv`, `.json`), as cscli guesses it; null otherwise. */
export function guessFormat(input: string): ImportFormat | null {
  const lower = input.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  return null;
}

/** Reads the text of an import file in the given format. Throws `HERD_IMPORT_FORMAT` when the whole file is unreadable (no value column, broken JSON). */
export function parseImportText(text: string, format: ImportFormat): ParsedImport {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  switch (format) {
    case 'csv':
      return parseCsvImport(text);
    case 'json':
      return parseJsonImport(text);
    case 'values':
      return parseValuesImport(text);
  }
}

/** One value a line (trimmed); blank lines are skipped. */
export function parseValuesImport(text: string): ParsedImport {
  const rows: ImportRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const value = lines[i]!.trim();
    if (value !== '') rows.push({ line: i + 1, value });
  }
  return { rows, errors: [] };
}

/** A CSV record and the line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into records as Go's `encoding/csv` reads them: comma-separated, a field that
 * starts with `"` is quoted (`""` is a quote inside; it may span lines), CRLF or LF line ends,
 * blank lines skipped. A quote inside an unquoted field, or a quoted field left open, makes that
 * record an error (reading goes on at the next line).
 */
export function parseCsv(text: string): { records: CsvRecord[]; errors: RowError[] } {
  const records: CsvRecord[] = [];
  const errors: RowError[] = [];
  const n = text.length;
  let p = 0;
  let line = 1;
  while (p < n) {
    const startLine = line;
    // A blank line (LF or CRLF) holds no record.
    if (text.charCodeAt(p) === 10) {
      p++;
      line++;
      continue;
    }
    if (text.charCodeAt(p) === 13 && text.charCodeAt(p + 1) === 10) {
      p += 2;
      line++;
      continue;
    }
    const fields: string[] = [];
    let error: string | null = null;
    for (;;) {
      if (text.charCodeAt(p) === 34) {
        // Quoted field.
        let value = '';
        let from = p + 1;
        let q = from;
        let closed = false;
        while (q < n) {
          const c = text.charCodeAt(q);
          if (c === 34) {
            if (text.charCodeAt(q + 1) === 34) {
              value += text.slice(from, q + 1);
              q += 2;
              from = q;
              continue;
            }
            value += text.slice(from, q);
            closed = true;
            q++;
            break;
          }
          if (c === 10) line++;
          q++;
        }
        if (!closed) {
          error = 'a quoted field is not closed';
          p = n;
          break;
        }
        p = q;
        fields.push(value.replace(/\r\n/g, '\n'));
        const c = text.charCodeAt(p);
        if (c === 44) {
          p++;
          continue;
        }
        if (p >= n || c === 10 || (c === 13 && text.charCodeAt(p + 1) === 10)) break;
        error = `extraneous character after a closing quote in field ${fields.length}`;
        break;
      }
      let q = p;
      while (q < n) {
        const c = text.charCodeAt(q);
        if (c === 44 || c === 10 || (c === 13 && text.charCodeAt(q + 1) === 10)) break;
        if (c === 34 && error === null) error = `a bare quote in unquoted field ${fields.length + 1}`;
        q++;
      }
      fields.push(text.slice(p, q));
      p = q;
      if (text.charCodeAt(p) === 44) {
        p++;
        if (p >= n) fields.push('');
        else continue;
      }
      break;
    }
    // Skip to the start of the next line (the rest of this one when the record broke off early).
    while (p < n && text.charCodeAt(p) !== 10) p++;
    if (p < n) {
      p++;
      line++;
    }
    if (error !== null) errors.push({ line: startLine, message: error });
    else records.push({ line: startLine, fields });
  }
  return { records, errors };
}

function fieldOf(name: string): ImportField | null {
  const k = name.trim().toLowerCase();
  return (IMPORT_FIELDS as readonly string[]).includes(k) ? (k as ImportField) : null;
}

/** CSV with a header line; columns other than the known fields are ignored; fields are trimmed. */
export function parseCsvImport(text: string): ParsedImport {
  const { records, errors } = parseCsv(text);
  const header = records.shift();
  if (header === undefined) return { rows: [], errors };
  const columns = header.fields.map(fieldOf);
  if (!columns.includes('value')) {
    throw new HerdError('HERD_IMPORT_FORMAT', `the CSV header (line ${header.line}) has no 'value' column: it must name any of ${IMPORT_FIELDS.join(',')}, e.g. 'value,duration,reason'`);
  }
  const seen = new Set<ImportField>();
  for (const c of columns) {
    if (c === null) continue;
    if (seen.has(c)) throw new HerdError('HERD_IMPORT_FORMAT', `the CSV header (line ${header.line}) names the column '${c}' twice`);
    seen.add(c);
  }
  const rows: ImportRow[] = [];
  for (const r of records) {
    if (r.fields.length !== columns.length) {
      errors.push({ line: r.line, message: `${r.fields.length} field(s) where the header has ${columns.length}` });
      continue;
    }
    const row: ImportRow = { line: r.line };
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      if (c === null) continue;
      const v = r.fields[i]!.trim();
      if (v !== '') row[c] = v;
    }
    rows.push(row);
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}

/**
 * The line (1-based) on which each element of the top-level JSON array starts. Assumes valid JSON
 * (call after JSON.parse succeeded).
 */
export function jsonArrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let expectElement = false;
  for (let p = 0; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (depth === 1 && expectElement && c !== 93) {
      lines.push(line);
      expectElement = false;
    }
    if (c === 34) {
      // Skip the string (strings cannot hold a raw newline in JSON).
      p++;
      while (p < text.length && text.charCodeAt(p) !== 34) p += text.charCodeAt(p) === 92 ? 2 : 1;
    } else if (c === 91 || c === 123) {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === 93 || c === 125) {
      depth--;
    } else if (c === 44 && depth === 1) {
      expectElement = true;
    }
  }
  return lines;
}

/** A JSON array of objects with the known keys as strings; other keys are ignored. */
export function parseJsonImport(text: string): ParsedImport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new HerdError('HERD_IMPORT_FORMAT', `the file is not valid JSON (${(err as Error).message}); expected an array of objects like [{"value": "1.2.3.4", "duration": "4h"}]`);
  }
  if (!Array.isArray(data)) throw new HerdError('HERD_IMPORT_FORMAT', 'the JSON is not an array; expected [{"value": "1.2.3.4", "duration": "4h"}, …]');
  const lines = jsonArrayElementLines(text);
  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  for (let i = 0; i < data.length; i++) {
    const line = lines[i] ?? 0;
    const item: unknown = data[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ line, message: `item ${i + 1} is not an object` });
      continue;
    }
    const row: ImportRow = { line };
    let bad: string | null = null;
    for (const f of IMPORT_FIELDS) {
      const v = (item as Record<string, unknown>)[f];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') {
        bad = `item ${i + 1}: '${f}' is not a string`;
        break;
      }
      const t = v.trim();
      if (t !== '') row[f] = t;
    }
    if (bad !== null) errors.push({ line, message: bad });
    else rows.push(row);
  }
  return { rows, errors };
}

/** True for the scopes whose value must be an IP address or a CIDR range. */
function isAddressScope(scope: string): boolean {
  return scope === 'Ip' || scope === 'Range';
}

/**
 * The decision a row stands for, its empty fields taken from `defaults`, or the reason it is not
 * valid: no value, a duration that is not a positive Go duration, an `Ip`/`Range` value that is
 * neither an IP nor a CIDR range. As in CrowdSec, an `Ip` decision written as a CIDR acts as a range.
 */
export function rowToDecision(row: ImportRow, defaults: ImportDefaults, now: number, uuid: string): Decision | string {
  const value = row.value;
  if (value === undefined || value === '') return "missing 'value'";
  const scope = normaliseScope(row.scope ?? defaults.scope);
  if (isAddressScope(scope) && parseRange(value) === null) {
    return scope === 'Ip' ? `'${value}' is not an IP address (scope Ip)` : `'${value}' is not a CIDR range (scope Range)`;
  }
  const duration = row.duration ?? defaults.duration;
  const ns = parseGoDuration(duration);
  if (ns === null || ns <= 0) return `duration '${duration}' is not a positive Go duration (e.g. 4h, 90m, 1h30m)`;
  return {
    id: 0,
    uuid,
    origin: IMPORT_ORIGIN,
    type: row.type ?? defaults.type,
    scope,
    value,
    scenario: row.reason ?? defaults.reason,
    simulated: false,
    createdAt: now,
    until: now + Math.floor(ns / 1e6),
    alertId: 0,
  };
}

/** Every row's decision, and the rows that are not valid (with the rows the parser already refused), by line. */
export function decisionsOf(parsed: ParsedImport, defaults: ImportDefaults, now: number, newUuid: () => string = randomUUID): { decisions: Decision[]; errors: RowError[] } {
  const decisions: Decision[] = [];
  const errors = parsed.errors.slice();
  for (const row of parsed.rows) {
    const d = rowToDecision(row, defaults, now, newUuid());
    if (typeof d === 'string') errors.push({ line: row.line, message: d });
    else decisions.push(d);
  }
  errors.sort((a, b) => a.line - b.line);
  return { decisions, errors };
}

/** How many bad rows are listed on stderr (all are in `--json`). */
const SHOWN_ERRORS = 20;

function readInput(input: string): string {
  try {
    return readFileSync(input === '-' ? 0 : input, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_CLI_ARG', `cannot read ${input === '-' ? 'standard input' : `'${input}'`}: ${(err as Error).message}`);
  }
}

function nonEmpty(flag: string, v: string): string {
  if (v.trim() === '') throw new HerdError('HERD_CLI_ARG', `${flag} cannot be empty`);
  return v.trim();
}

export function registerDecisionsImport(decisions: Command): void {
  decisions
    .command('import')
    .description('import decisions from a CSV, JSON or plain list of values (like cscli decisions import; origin cscli-import)')
    .requiredOption('-i, --input <file>', "the file to read, or '-' for standard input")
    .option('--format <format>', `csv, json or values (one value a line); guessed from a .csv/.json name, required for '-'`)
    .option('-d, --duration <duration>', 'duration of rows that give none (Go duration)', DEFAULT_IMPORT.duration)
    .option('-t, --type <type>', 'type of rows that give none (ban, captcha, …)', DEFAULT_IMPORT.type)
    .option('-R, --reason <text>', 'reason (scenario) of rows that give none', DEFAULT_IMPORT.reason)
    .option('--scope <scope>', 'scope of rows that give none (Ip, Range, …)', DEFAULT_IMPORT.scope)
    .option('--batch <n>', 'decisions stored per transaction', (v) => Number.parseInt(v, 10), 5000)
    .option('--json', 'print {"imported", "skipped", "errors": [{"line", "message"}]}')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const input = String(opts.input);
      const format = (opts.format ?? guessFormat(input)) as ImportFormat | null;
      if (format === null) throw new HerdError('HERD_CLI_ARG', `cannot guess the format of '${input}' from its name: give --format csv, json or values`);
      if (!IMPORT_FORMATS.includes(format)) throw new HerdError('HERD_CLI_ARG', `--format '${String(format)}' is not one of csv, json, values`);
      const batch = opts.batch as number;
      if (!Number.isInteger(batch) || batch <= 0) throw new HerdError('HERD_CLI_ARG', '--batch must be a positive integer');
      const defaults: ImportDefaults = {
        duration: nonEmpty('--duration', opts.duration),
        type: nonEmpty('--type', opts.type),
        reason: nonEmpty('--reason', opts.reason),
        scope: nonEmpty('--scope', opts.scope),
      };
      const ns = parseGoDuration(defaults.duration);
      if (ns === null || ns <= 0) throw new HerdError('HERD_CLI_ARG', `--duration '${defaults.duration}' is not a positive Go duration (e.g. 4h, 90m, 30s)`);

      const source = input === '-' ? 'standard input' : input;
      let parsed: ParsedImport;
      try {
        parsed = parseImportText(readInput(input), format);
      } catch (err) {
        if (err instanceof HerdError && err.code === 'HERD_IMPORT_FORMAT') throw new HerdError(err.code, err.message, { where: source });
        throw err;
      }
      const { decisions: list, errors } = decisionsOf(parsed, defaults, ctx.clock.now());
      if (list.length === 0) {
        const why = errors.length === 0 ? 'it holds no rows' : `none of its ${errors.length} row(s) is valid; first: line ${errors[0]!.line}: ${errors[0]!.message}`;
        throw new HerdError('HERD_IMPORT_EMPTY', `nothing imported from ${source}: ${why}`);
      }

      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      const progress = !opts.json && process.stderr.isTTY && list.length > batch;
      try {
        for (let i = 0; i < list.length; i += batch) {
          const chunk = list.slice(i, i + batch);
          const { decisionIds } = await store.commit({ decisions: chunk });
          for (let k = 0; k < chunk.length; k++) chunk[k]!.id = decisionIds[k]!;
          if (progress) process.stderr.write(`\rimported ${i + chunk.length}/${list.length}`);
        }
        if (progress) process.stderr.write('\n');
      } finally {
        await store.close();
      }

      if (opts.json) return printJson({ imported: list.length, skipped: errors.length, errors });
      for (const e of errors.slice(0, SHOWN_ERRORS)) process.stderr.write(`${source}:${e.line}: ${e.message} (skipped)\n`);
      if (errors.length > SHOWN_ERRORS) process.stderr.write(`… and ${errors.length - SHOWN_ERRORS} more bad row(s) (see --json)\n`);
      const skipped = errors.length > 0 ? ` (${errors.length} bad row(s) skipped)` : '';
      process.stdout.write(`Imported ${list.length} decision(s) from ${source}${skipped}.\n`);
    });
}
