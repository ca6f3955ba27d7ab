import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HerdError } from '../../core/index.js';
import type { ScanResult } from '../model.js';
import { readReport, toJson } from './json.js';
import { cleanScanFixture, scanFixture } from './report-fixtures.js';

function invalid(text: string): HerdError {
  try {
    readReport(text);
  } catch (err) {
    if (err instanceof HerdError) return err;
    throw new Error(`readReport threw something other than a HerdError: ${String(err)}`);
  }
  throw new Error('readReport accepted the text');
}

/** The fixture with every object's keys in reverse order, as another producer might write it. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
  }
  return value;
}

describe('toJson and readReport', () => {
  it('read back exactly the scan that was written, hostile strings and lone surrogates included', () => {
    const scan = scanFixture();
    expect(readReport(toJson(scan))).toEqual(scan);
    expect(readReport(toJson(cleanScanFixture()))).toEqual(cleanScanFixture());
  });

  it('writes the same bytes whatever order the keys were built in, with 2-space indent and a final newline', () => {
    const a = toJson(scanFixture());
    const b = toJson(reversedKeys(scanFixture()) as ScanResult);
    expect(b).toBe(a);
    expect(a.startsWith('{\n  "tool": {\n    "name": "herd",\n    "version": "0.1.0"\n  },\n  "target": {')).toBe(true);
    expect(a.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(a) as object)).toEqual(['tool', 'target', 'startedAt', 'checks', 'findings', 'stats']);
  });

  it('sorts header names and leaves out fields that are not part of the model', () => {
    const scan = scanFixture();
    const withExtra = {
      ...scan,
      secret: 'do not write me',
      findings: [{ ...scan.findings[0]!, evidence: [{ ...scan.findings[0]!.evidence[0]!, request: { method: 'GET', url: 'u', headers: { b: '2', a: '1' } } }] }],
    } as ScanResult;
    const text = toJson(withExtra);
    expect(text).not.toContain('secret');
    expect(text).toMatch(/"headers": \{\n\s+"a": "1",\n\s+"b": "2"\n/);
  });

  it('refuses text that is not JSON with a HERD_SCAN_REPORT_INVALID error saying what to give', () => {
    const err = invalid('{"tool": ');
    expect(err.code).toBe('HERD_SCAN_REPORT_INVALID');
    expect(err.message).toMatch(/^the scan report is not JSON \(.+\); give the file written by `herd scan --format json`$/);
  });

  it('names the field that is wrong, with its path', () => {
    const scan = JSON.parse(toJson(scanFixture())) as { findings: { severity: string; evidence: { response: { status: unknown } }[] }[] };
    scan.findings[1]!.severity = 'urgent';
    scan.findings[0]!.evidence[1]!.response.status = 'ok';
    const err = invalid(JSON.stringify(scan));
    expect(err.code).toBe('HERD_SCAN_REPORT_INVALID');
    expect(err.message).toContain('findings[1].severity: Invalid option: expected one of "info"|"low"|"medium"|"high"|"critical"');
    expect(err.message).toContain('findings[0].evidence[1].response.status:');
  });

  it('says which required field is missing, and how many more problems there are past the first five', () => {
    const scan = JSON.parse(toJson(scanFixture())) as Record<string, unknown>;
    delete scan.stats;
    expect(invalid(JSON.stringify(scan)).message).toContain('stats: Invalid input: expected object, received undefined');
    const many = JSON.parse(toJson(scanFixture())) as { findings: { fingerprint: unknown }[] };
    for (const f of many.findings) f.fingerprint = 1;
    expect(invalid(JSON.stringify(many)).message).toMatch(/\(and 3 more problems\)/);
  });

  it('refuses a report from another tool and documents that are not objects', () => {
    const scan = JSON.parse(toJson(scanFixture())) as { tool: { name: string } };
    scan.tool.name = 'zap';
    expect(invalid(JSON.stringify(scan)).message).toContain('tool.name:');
    for (const text of ['null', '[]', '"report"', '42']) expect(invalid(text).message).toContain('(the document):');
  });

  it('drops a header named __proto__ instead of letting it change a prototype', () => {
    for (const value of ['{"polluted": "yes"}', '"x"']) {
      const text = toJson(scanFixture()).replace('"accept": "application/json"', `"__proto__": ${value}, "accept": "application/json"`);
      const headers = readReport(text).findings[0]!.evidence[0]!.request.headers;
      expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
      expect(Object.keys(headers)).toEqual(['accept', 'authorization']);
      expect((headers as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    }
  });

  it('throws only HerdErrors on arbitrary input, never crashes or hangs', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
        try {
          readReport(text);
          return false; // nothing random is a valid report
        } catch (err) {
          return err instanceof HerdError && err.code === 'HERD_SCAN_REPORT_INVALID';
        }
      }),
      { seed: 42, numRuns: 500 },
    );
    expect(invalid('['.repeat(100_000) + ']'.repeat(100_000)).code).toBe('HERD_SCAN_REPORT_INVALID');
  });
});
