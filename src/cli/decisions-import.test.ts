import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHerd } from '../../test/support/herd-cli.js';
import {
  DEFAULT_IMPORT,
  IMPORT_ORIGIN,
  decisionsOf,
  guessFormat,
  jsonArrayElementLines,
  parseCsv,
  parseImportText,
  rowToDecision,
  type ImportRow,
} from './decisions-import.js';

const NOW = Date.UTC(2026, 0, 1);
const SEED = { seed: 20260101 };

/** A CSV writer as Go's encoding/csv writes: a field with a comma, quote, CR or LF is quoted, quotes doubled. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}
function toCsv(records: readonly (readonly string[])[]): string {
  return records.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

describe('guessFormat', () => {
  it('guesses csv and json from the file name as cscli does, and nothing else', () => {
    expect(guessFormat('bans.csv')).toBe('csv');
    expect(guessFormat('/x/BANS.JSON')).toBe('json');
    expect(guessFormat('bans.txt')).toBeNull();
    expect(guessFormat('-')).toBeNull();
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and skips blank lines', () => {
    const { records, errors } = parseCsv('a,b\r\n\r\n"x, y","say ""hi"""\n"multi\nline",z\n');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['multi\nline', 'z'] },
    ]);
  });

  it('reports a bare quote, text after a closing quote and an open quote on their lines, and reads on', () => {
    const { records, errors } = parseCsv('a,b\nx"y,1\n"q"z,2\nok,3\n"open,4\n');
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['ok', '3']]);
    expect(errors.map((e) => e.line)).toEqual([2, 3, 5]);
  });

  it('gives back any table of fields written as CSV (round trip)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', '1', '.', ':'), maxLength: 8 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(field, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 10 }), (width, rows) => {
        const table = rows.map((r) => r.slice(0, width));
        const { records, errors } = parseCsv(toCsv(table));
        expect(errors).toEqual([]);
        expect(records.map((r) => r.fields)).toEqual(table);
      }),
      SEED,
    );
  });
});

describe('parseImportText csv', () => {
  it('maps header columns by name (any order, any case), ignores unknown ones and leaves empty fields to the defaults', () => {
    const { rows, errors } = parseImportText('Scope,VALUE,comment,duration\nRange,10.0.0.0/8,x,\n,1.2.3.4,y,1h\n', 'csv');
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { line: 2, scope: 'Range', value: '10.0.0.0/8' },
      { line: 3, value: '1.2.3.4', duration: '1h' },
    ]);
  });

  it('counts a record with the wrong number of fields as a bad row', () => {
    const { rows, errors } = parseImportText('value,duration\n1.2.3.4\n5.6.7.8,2h\n', 'csv');
    expect(rows).toEqual([{ line: 3, value: '5.6.7.8', duration: '2h' }]);
    expect(errors).toEqual([{ line: 2, message: '1 field(s) where the header has 2' }]);
  });

  it('refuses a file whose header has no value column, or names a column twice', () => {
    expect(() => parseImportText('ip,duration\n1.2.3.4,1h\n', 'csv')).toThrow(/no 'value' column/);
    expect(() => parseImportText('value,value\n1,2\n', 'csv')).toThrow(/twice/);
  });

  it('reads every row written as CSV with its fields (round trip value to row)', () => {
    const row = fc.record({
      value: fc.oneof(fc.ipV4(), fc.ipV6()),
      duration: fc.constantFrom('1h', '30m', '4h0m0s', ''),
      reason: fc.string({ unit: fc.constantFrom('a', 'z', ',', '"', ' ', '/', '-'), maxLength: 10 }),
      type: fc.constantFrom('ban', 'captcha'),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (list) => {
        const text = toCsv([['value', 'duration', 'reason', 'type'], ...list.map((r) => [r.value, r.duration, r.reason, r.type])]);
        const { rows, errors } = parseImportText(text, 'csv');
        expect(errors).toEqual([]);
        expect(rows.map(({ line: _line, ...rest }) => rest)).toEqual(
          list.map((r) => {
            const out: Omit<ImportRow, 'line'> = { value: r.value, type: r.type };
            if (r.duration !== '') out.duration = r.duration;
            if (r.reason.trim() !== '') out.reason = r.reason.trim();
            return out;
          }),
        );
      }),
      SEED,
    );
  });
});

describe('parseImportText json and values', () => {
  it('reads a JSON array of objects with the line each item starts on, and reports items that are not objects', () => {
    const text = '[\n  {"value": "1.2.3.4", "duration": "1h"},\n  "oops",\n  {\n    "value": "5.6.7.8", "reason": "a [tricky] \\"one\\"", "type": 3\n  },\n  {"value": "9.9.9.9", "extra": {"x": [1]}}\n]\n';
    const { rows, errors } = parseImportText(text, 'json');
    expect(rows).toEqual([
      { line: 2, value: '1.2.3.4', duration: '1h' },
      { line: 7, value: '9.9.9.9' },
    ]);
    expect(errors).toEqual([
      { line: 3, message: 'item 2 is not an object' },
      { line: 4, message: "item 3: 'type' is not a string" },
    ]);
  });

  it('refuses JSON that does not parse or is not an array', () => {
    expect(() => parseImportText('[{"value": "1.2.3.4"', 'json')).toThrow(/not valid JSON/);
    expect(() => parseImportText('{"value": "1.2.3.4"}', 'json')).toThrow(/not an array/);
  });

  it('finds the line of every item however the array is laid out', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.jsonValue()), { maxLength: 12 }), (items) => {
        let text = '[';
        let line = 1;
        const expected: number[] = [];
        items.forEach(([breaks, v], i) => {
          if (i > 0) text += ',';
          text += '\n'.repeat(breaks);
          line += breaks;
          expected.push(line);
          const json = JSON.stringify(v, null, 1);
          text += json;
          line += json.split('\n').length - 1;
        });
        text += '\n]';
        expect(jsonArrayElementLines(text)).toEqual(expected);
      }),
      SEED,
    );
  });

  it('reads one trimmed value a line, skipping blank lines', () => {
    expect(parseImportText('\uFEFF1.2.3.4\n\n  10.0.0.0/8 \r\n', 'values')).toEqual({
      rows: [
        { line: 1, value: '1.2.3.4' },
        { line: 3, value: '10.0.0.0/8' },
      ],
      errors: [],
    });
  });
});

describe('rowToDecision', () => {
  it('fills empty fields from the defaults, normalises the scope and sets origin cscli-import', () => {
    const d = rowToDecision({ line: 2, value: '10.0.0.0/24', scope: 'range' }, DEFAULT_IMPORT, NOW, 'u-1');
    expect(d).toEqual({
      id: 0,
      uuid: 'u-1',
      origin: IMPORT_ORIGIN,
      type: 'ban',
      scope: 'Range',
      value: '10.0.0.0/24',
      scenario: 'manual',
      simulated: false,
      createdAt: NOW,
      until: NOW + 4 * 3600_000,
      alertId: 0,
    });
  });

  it('says why a row is not valid', () => {
    expect(rowToDecision({ line: 2 }, DEFAULT_IMPORT, NOW, 'u')).toBe("missing 'value'");
    expect(rowToDecision({ line: 2, value: '1.2.3.400' }, DEFAULT_IMPORT, NOW, 'u')).toMatch(/not an IP address/);
    expect(rowToDecision({ line: 2, value: '1.2.3.4/40', scope: 'Range' }, DEFAULT_IMPORT, NOW, 'u')).toMatch(/not a CIDR range/);
    expect(rowToDecision({ line: 2, value: '1.2.3.4', duration: '-1h' }, DEFAULT_IMPORT, NOW, 'u')).toMatch(/not a positive Go duration/);
    expect(rowToDecision({ line: 2, value: '1.2.3.4', duration: '4 hours' }, DEFAULT_IMPORT, NOW, 'u')).toMatch(/not a positive Go duration/);
  });

  it('accepts any value in scopes that are not addresses (Country, AS, username)', () => {
    const d = rowToDecision({ line: 2, value: 'FR', scope: 'country' }, DEFAULT_IMPORT, NOW, 'u');
    expect(typeof d === 'object' && d.scope).toBe('Country');
  });

  it('turns every IP and duration into a decision on that value lasting that long', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 1, max: 10 * 365 * 24 * 3600 }), (ip, seconds) => {
        const d = rowToDecision({ line: 1, value: ip, duration: `${seconds}s` }, DEFAULT_IMPORT, NOW, 'u');
        expect(typeof d).toBe('object');
        if (typeof d === 'string') return;
        expect(d.value).toBe(ip);
        expect(d.scope).toBe('Ip');
        expect(d.until - d.createdAt).toBe(seconds * 1000);
      }),
      SEED,
    );
  });
});

describe('decisionsOf', () => {
  it('keeps the valid rows and lists every bad one by line, the parser’s and its own together', () => {
    const parsed = parseImportText('value,duration\n1.2.3.4,1h\nnope,1h\n5.6.7.8\n9.9.9.9,\n', 'csv');
    let n = 0;
    const { decisions, errors } = decisionsOf(parsed, DEFAULT_IMPORT, NOW, () => `u-${++n}`);
    expect(decisions.map((d) => [d.value, d.uuid, d.until - NOW])).toEqual([
      ['1.2.3.4', 'u-1', 3600_000],
      ['9.9.9.9', 'u-3', 4 * 3600_000],
    ]);
    expect(errors.map((e) => e.line)).toEqual([3, 4]);
  });
});

describe('herd decisions import (the real CLI)', () => {
  let dir: string;
  const herd = (args: string[], input?: string) => runHerd([...args, '--data-dir', join(dir, 'data')], { cwd: dir, input });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'herd-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a CSV in batches, skips and reports the bad rows, and the decisions are listed', async () => {
    const csv = 'value,duration,reason,type,scope\n192.0.2.1,1h,csv-test,ban,ip\n198.51.100.0/24,,,captcha,Range\nnot-an-ip,1h,,,\n2001:db8::1,2h,,,\n';
    writeFileSync(join(dir, 'bans.csv'), csv);
    const run = await herd(['decisions', 'import', '-i', join(dir, 'bans.csv'), '--batch', '2', '--reason', 'imported']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Imported 3 decision(s)');
    expect(run.stderr).toContain('bans.csv:4:');

    const list = await herd(['decisions', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const got = (JSON.parse(list.stdout) as { value: string; scope: string; type: string; origin: string; scenario: string }[]).map((d) => [d.scope, d.value, d.type, d.origin, d.scenario]);
    expect(got.sort()).toEqual([
      ['Ip', '192.0.2.1', 'ban', 'cscli-import', 'csv-test'],
      ['Ip', '2001:db8::1', 'ban', 'cscli-import', 'imported'],
      ['Range', '198.51.100.0/24', 'captcha', 'cscli-import', 'imported'],
    ]);
  });

  it('reads values from standard input, and fails (exit 1) when nothing is valid', async () => {
    const ok = await herd(['decisions', 'import', '-i', '-', '--format', 'values', '--json'], '203.0.113.7\n203.0.113.8\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ imported: 2, skipped: 0, errors: [] });
    const bad = await herd(['decisions', 'import', '-i', '-', '--format', 'values'], 'x\ny\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('HERD_IMPORT_EMPTY');
  });
});
