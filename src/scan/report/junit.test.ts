import fc from 'fast-check';
import { parse, type TestSuite, type TestSuites } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { toJunit, xmlEscape } from './junit.js';
import { cleanScanFixture, findingOf, HOSTILE, scanFixture, scanWith } from './report-fixtures.js';

/** Characters XML 1.0 does not allow anywhere in a document. */
const NOT_XML_1_0 = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

async function suitesOf(xml: string): Promise<TestSuites> {
  const parsed = await parse(xml);
  if (!parsed || !('testsuite' in parsed) || parsed.testsuite === undefined) throw new Error('no <testsuites> parsed');
  return parsed as TestSuites;
}

function suite(s: TestSuites, name: string): TestSuite {
  const found = s.testsuite!.find((x) => x.name === name);
  if (!found) throw new Error(`no suite ${name}`);
  return found;
}

describe('toJunit', () => {
  it('is read by a JUnit parser as one suite per check, one failed case per finding', async () => {
    const s = await suitesOf(toJunit(scanFixture()));
    expect(s.name).toBe('herd scan Shop API 1.4');
    expect(s.failures).toBe(8);
    expect(s.tests).toBe(9); // 8 findings + the passing rate-limit check
    expect(s.time).toBe(8.421);
    expect(s.testsuite!.map((x) => x.name)).toEqual([
      'injection.sql',
      'authz.bola',
      'auth.missing',
      'cors.reflect-origin',
      'ratelimit.missing',
      'headers.security',
      'info.server-banner',
      'plugin.debug-endpoint',
    ]);
    const bola = suite(s, 'authz.bola');
    expect(bola.tests).toBe(2);
    expect(bola.failures).toBe(2);
    expect(bola.testcase!.map((c) => [c.classname, c.name])).toEqual([
      ['authz.bola', 'GET /api/orders/{id} (1)'],
      ['authz.bola', 'GET /api/orders/{id} (2)'],
    ]);
    expect(bola.testcase!.every((c) => c.failure?.length === 1)).toBe(true);
    expect(bola.properties).toEqual(
      expect.arrayContaining([
        { name: 'severity', value: 'high' },
        { name: 'cwe', value: 'CWE-639' },
        { name: 'owasp', value: 'API1:2023' },
      ]),
    );
  });

  it('writes a passing case for a check that found nothing', async () => {
    const rate = suite(await suitesOf(toJunit(scanFixture())), 'ratelimit.missing');
    expect(rate.tests).toBe(1);
    expect(rate.failures).toBe(0);
    expect(rate.testcase).toEqual([{ classname: 'ratelimit.missing', name: 'No rate limit on login: nothing found', time: 0 }]);
  });

  it('puts severity and detail in the failure message, and the evidence in its text', async () => {
    const sql = suite(await suitesOf(toJunit(scanFixture())), 'injection.sql').testcase![0]!;
    expect(sql.name).toBe('GET /api/products');
    const failure = sql.failure![0]!;
    expect(failure.type).toBe('critical');
    expect(failure.message).toBe("critical: The parameter q = ' made the server answer 500 with a PostgreSQL syntax error.");
    expect(failure.inner).toContain("GET http://127.0.0.1:4000/api/products?q='");
    expect(failure.inner).toContain('HTTP 500 (13 ms)');
    expect(failure.inner).toContain('content-type: application/json; charset=utf-8');
    expect(failure.inner).toContain('</script><script>alert(1)</script>');
    expect(failure.inner).toContain('Fingerprint: injection.sql|GET /api/products|q');
    const missing = suite(await suitesOf(toJunit(scanFixture())), 'auth.missing').testcase![0]!;
    expect(missing.failure![0]!.inner).toContain('no response: socket hang up');
  });

  it('keeps hostile target text as text: markup, CDATA ends and quotes come back unchanged', async () => {
    const cors = suite(await suitesOf(toJunit(scanFixture())), 'cors.reflect-origin').testcase![0]!;
    expect(cors.name).toBe('GET /api/echo|`x`</td> ```');
    const inner = cors.failure![0]!.inner!;
    expect(inner).toContain(']]> <!-- --> </details></pre></textarea> <img src=x onerror=alert(1)>');
    expect(inner).toContain('& &amp; "quote" \'apos\'');
    expect(inner).toContain('🐄🔥 café');
    expect(cors.failure![0]!.message).toContain('</script><script>alert(1)</script>');
  });

  it('shows characters XML 1.0 cannot hold as \\uXXXX and leaves none in the document', async () => {
    const xml = toJunit(scanFixture());
    expect(xml).not.toMatch(NOT_XML_1_0);
    const inner = suite(await suitesOf(xml), 'cors.reflect-origin').testcase![0]!.failure![0]!.inner!;
    expect(inner).toContain('\\u0000NUL \\u0007BEL \\u001B[31mANSI');
    expect(inner).toContain('lone\\uD800surrogate \\uDC00low \\uFFFE\\uFFFF');
    expect(inner).toContain('\\u202Ereversed');
  });

  it('cuts a 200 kB response body to an excerpt in the failure text', () => {
    const xml = toJunit(scanFixture());
    expect(xml.length).toBeLessThan(60_000);
    expect(xml).toMatch(/more characters\]/);
  });

  it('keeps line breaks inside attribute values through a parser (as &#10;)', async () => {
    const f = findingOf({ fingerprint: 'x', location: 'GET /a\nb', detail: 'two\nlines "quoted"' });
    const c = (await suitesOf(toJunit(scanWith([f])))).testsuite![1]!.testcase![0]!;
    expect(c.name).toBe('GET /a\\nb');
    expect(c.failure![0]!.message).toBe('high: two\\nlines "quoted"');
  });

  it('writes a well-formed report for a scan that found nothing', async () => {
    const s = await suitesOf(toJunit(cleanScanFixture()));
    expect(s.failures).toBe(0);
    expect(s.tests).toBe(7);
    expect(s.testsuite!.every((x) => x.testcase?.length === 1 && x.testcase[0]!.failure === undefined)).toBe(true);
  });
});

describe('xmlEscape', () => {
  it('leaves no markup and no character XML 1.0 forbids, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = xmlEscape(s);
        return !/[<>"']/.test(out) && !/&(?!(amp|lt|gt|quot|apos|#10|#9);)/.test(out) && !NOT_XML_1_0.test(out);
      }),
      { seed: 20250314, numRuns: 500 },
    );
  });

  it('round-trips through a parser, tabs and line breaks included, when the text has only characters XML can carry', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: fc.constantFrom('a', ' ', '\t', '\n', '<', '&', '"', "'", 'é', '🐄', ']]>', '\u0001') }),
    );
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        // Prefixed: junit2json turns attribute values that look like numbers into numbers.
        const clean = 'x' + s.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060\u2066-\u2069\uFEFF\uFFFE\uFFFF]/g, '');
        const parsed = (await parse(`<testsuite name="${xmlEscape(clean)}"></testsuite>`)) as TestSuite;
        expect(parsed.name).toBe(clean);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('writes tabs and line breaks as character references (XML attribute normalisation would make them spaces)', () => {
    expect(xmlEscape('a\tb\nc\r\nd')).toBe('a&#9;b&#10;c&#10;d');
  });

  it('escapes the hostile fixture string completely', () => {
    expect(xmlEscape(HOSTILE)).not.toMatch(/<|>/);
  });
});
