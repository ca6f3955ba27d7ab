import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mdCode, mdFence, mdText, toMarkdown } from './markdown.js';
import { cleanScanFixture, findingOf, LONG_BODY, scanFixture, scanWith } from './report-fixtures.js';

/** Cells of a GFM table row: split on pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Text left once every backslash escape is removed: what CommonMark would still interpret. */
function unescaped(md: string): string {
  return md.replace(/\\[\s\S]/g, '');
}

describe('toMarkdown', () => {
  const md = toMarkdown(scanFixture());
  const lines = md.split('\n');

  it('opens with the API, the score and grade, the target and the counts by severity', () => {
    expect(lines[0]).toBe('## herd scan: Shop API 1.4');
    expect(md).toContain('**Score 6/100, grade F** · 8 findings on `http://127.0.0.1:4000` (REST API)');
    expect(md).toContain('18 operations · 412 requests · 8.4 s · 7 checks · 3 requests refused · 1 error · herd 0\\.1.0');
    const countsAt = lines.indexOf('| 🔴 critical | 🟠 high | 🟡 medium | 🔵 low | ⚪ info |');
    expect(lines[countsAt + 2]).toBe('| 1 | 3 | 1 | 2 | 1 |');
  });

  it('lists every finding in a table, worst first, each row with exactly four cells', () => {
    const start = lines.indexOf('| # | Severity | Check | Location |');
    const rows = lines.slice(start + 2, start + 10);
    expect(rows.every((r) => cells(r).length === 4)).toBe(true);
    expect(rows.map((r) => cells(r)[1])).toEqual([
      '🔴 critical',
      '🟠 high',
      '🟠 high',
      '🟠 high',
      '🟡 medium',
      '🔵 low',
      '🔵 low',
      '⚪ info',
    ]);
    expect(cells(rows[0]!)).toEqual(['1', '🔴 critical', 'SQL injection `injection.sql`', '`GET /api/products`']);
    // a location with a pipe, backticks and a fence: pipe escaped, code span fence longer than ```
    expect(cells(rows[4]!)[3]).toBe('```` GET /api/echo\\|`x`</td> ``` ````');
  });

  it('details each finding: detail, what the check is about, the fix with fenced snippets, references', () => {
    expect(md).toContain('### 1. SQL injection at `GET /api/products`');
    expect(md).toContain('🔴 critical · `injection.sql` · CWE-89 · OWASP API8:2023');
    expect(md).toContain("The parameter q = ' made the server answer 500 with a PostgreSQL syntax error.");
    expect(md).toContain('**About this check.** The API builds SQL from request input');
    expect(md).toContain('**Fix.** Pass request values as bound parameters');
    expect(md).toContain("Express:\n\n```js\nconst rows = await db.query('SELECT * FROM products WHERE name LIKE $1', [`%${q}%`]);\n```");
    expect(md).toContain('Django/DRF:\n\n```python\n');
    expect(md).toContain('nginx:\n\n```nginx\nadd_header');
    expect(md).toContain('- <https://owasp.org/www-community/attacks/SQL_Injection>\n- `CWE-89`');
  });

  it('shows evidence in a collapsed block: request line, a few headers, status and a body excerpt', () => {
    const at = md.indexOf('<summary>Evidence (2 exchanges)</summary>');
    expect(at).toBeGreaterThan(0);
    const block = md.slice(at, md.indexOf('</details>', at));
    expect(block).toContain('```http\nDELETE http://127.0.0.1:4000/api/users/7\n\nHTTP 204 (3 ms)\n```');
    expect(block).toContain('no response: socket hang up');
    const sql = md.slice(md.indexOf('<summary>Evidence (1 exchange)</summary>'));
    expect(sql).toContain("GET http://127.0.0.1:4000/api/products?q='\naccept: application/json\nauthorization: Bearer [redacted]");
    expect(sql).toContain('HTTP 500 (13 ms)\ncontent-type: application/json; charset=utf-8');
  });

  it('keeps a 200 kB body to an excerpt and closes the evidence fence only after it', () => {
    expect(md.length).toBeLessThan(20_000);
    const open = lines.findIndex((l) => l === '````http');
    expect(open).toBeGreaterThan(0);
    const close = lines.indexOf('````', open + 1);
    const inside = lines.slice(open + 1, close);
    expect(inside.some((l) => l.includes(`[${LONG_BODY.length - 600} more characters]`))).toBe(true);
    expect(inside.some((l) => l.includes('```fence```'))).toBe(true);
    expect(inside).toContain('[the scanner stopped reading the body at its size limit]');
  });

  it('renders hostile target prose as text: no tag, link, image, mention, math or table break survives', () => {
    const line = lines.find((l) => l.startsWith('Origin https://evil'))!;
    const live = unescaped(line);
    expect(live).not.toMatch(/[<>[\]`|$!*_~&]/);
    expect(line).toContain('\\<script\\>alert(1)\\</script\\>');
    expect(line).toContain('@\u200Boctocat');
    expect(line).toContain('\\\\u0000NUL \\\\u0007BEL');
    expect(line).toContain('🐄🔥 café');
  });

  it('says when nothing was found', () => {
    const clean = toMarkdown(cleanScanFixture());
    expect(clean).toContain('**Score 100/100, grade A** · 0 findings');
    expect(clean).toContain('\nNo findings.\n');
    expect(clean).not.toContain('###');
  });

  it('stops detailing findings past maxLength and says how many were left out', () => {
    const short = toMarkdown(scanFixture(), { maxLength: 5_000 });
    expect(short.length).toBeLessThanOrEqual(5_000);
    expect(short).toContain('### 1. SQL injection');
    expect(short).toMatch(/_\d+ more findings not detailed here to keep this summary short/);
    expect(short).toContain('| 8 | ⚪ info |');
  });

  it('limits the table to maxTableRows and the evidence to maxEvidence', () => {
    const many = scanWith(Array.from({ length: 30 }, (_, i) => findingOf({ fingerprint: `f${i}`, location: `GET /r/${i}` })));
    const out = toMarkdown(many, { maxTableRows: 10, maxLength: 1_000_000 });
    expect(out).toContain('| 10 | 🟠 high |');
    expect(out).not.toContain('| 11 | 🟠 high |');
    expect(out).toContain('… and 20 more findings (see the JSON or SARIF report).');
    const bola = toMarkdown(scanFixture(), { maxEvidence: 1 });
    expect(bola).toContain('… 1 more in the JSON report.');
  });

  it('ends with the score formula', () => {
    expect(md.trimEnd().split('\n').at(-1)).toMatch(/^<sub>Score: 100 minus 40 per critical, 20 per high/);
  });
});

describe('Markdown escaping', () => {
  it('mdText leaves no character with an inline meaning unescaped, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = mdText(s);
        return !/[<>[\]`|$!*_~&\n]/.test(unescaped(out)) && !/^[#>+=-]|^\d+[.)]/.test(out);
      }),
      { seed: 3, numRuns: 500 },
    );
  });

  it('mdText escapes what would open a heading, quote or list at the start', () => {
    expect(mdText('# title')).toBe('\\# title');
    expect(mdText('> quote')).toBe('\\> quote');
    expect(mdText('- item')).toBe('\\- item');
    expect(mdText('12. item')).toBe('12\\. item');
  });

  it('mdCode holds any backtick run and pipes in tables', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = mdCode(s, true);
        const fence = /^`+/.exec(out)![0];
        const body = out.slice(fence.length, out.length - fence.length);
        return out.endsWith(fence) && !body.includes(fence) && !/(?<!\\)\|/.test(body) && !body.includes('\n');
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('mdFence picks a fence that no line of the text can close', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = mdFence(s, 'http');
        const fence = /^`+/.exec(out)![0];
        const inner = out.split('\n').slice(1, -1);
        return fence.length >= 3 && inner.every((l) => !l.trimStart().startsWith(fence));
      }),
      { seed: 9, numRuns: 500 },
    );
  });
});
