import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlEscape, toHtml } from './html.js';
import { cleanScanFixture, findingOf, LONG_BODY, scanFixture, scanWith } from './report-fixtures.js';

/** The text between `<details class="finding …">` and its `</details>`, in document order. */
function findingBlocks(html: string): string[] {
  return [...html.matchAll(/<details class="finding s-(\w+)">([\s\S]*?)<\/details>/g)].map((m) => `${m[1]}:${m[2]}`);
}

/** Tag names opened in the document (`<script`, `<img`…), lower-cased. */
function tagNames(html: string): Set<string> {
  return new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase()));
}

describe('toHtml', () => {
  const html = toHtml(scanFixture());

  it('is one complete document with inline CSS, no script and nothing loaded from elsewhere', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"`);
    expect([...tagNames(html)].sort()).toEqual(
      ['a', 'b', 'body', 'code', 'details', 'div', 'footer', 'h1', 'h2', 'h3', 'h4', 'head', 'header', 'html', 'li', 'main', 'meta', 'p', 'pre', 'section', 'span', 'strong', 'style', 'summary', 'table', 'tbody', 'td', 'th', 'thead', 'title', 'tr', 'ul'],
    );
    // every `<` from the data is escaped, so whatever looks like a tag is one of the report's own
    const tags = [...html.matchAll(/<[a-zA-Z][^>]*>/g)].map((m) => m[0]);
    expect(tags.filter((t) => /\s(src|srcset|style|on[a-z]+)\s*=/i.test(t))).toEqual([]);
    expect(html).not.toMatch(/url\(|@import/i);
    // the only URLs that can be followed are the checks' references
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual([
      'https://owasp.org/www-community/attacks/SQL_Injection',
      'https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/',
      'https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/',
      'https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS',
    ]);
  });

  it('shows attacker-controlled evidence as text: a body with </script> or an img tag is escaped', () => {
    expect(html).not.toMatch(/<script|<\/script|<img|<textarea|<!--/i);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &lt;!-- --&gt; &lt;/details&gt;&lt;/pre&gt;&lt;/textarea&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&amp; &amp;amp; &quot;quote&quot; &#39;apos&#39;');
    expect(html).toContain('\\u0000NUL \\u0007BEL \\u001B[31mANSI');
    expect(html).toContain('\\u202Ereversed');
    expect(html).toContain('🐄🔥 café');
  });

  it('opens with the grade, the score and the counts by severity', () => {
    expect(html).toContain('<title>herd scan: Shop API 1.4 (6/100, F)</title>');
    expect(html).toContain('<div class="grade g-F"><b>F</b><span>6/100</span></div>');
    expect(html).toContain('18 operations · 412 requests · 8.4 s · 3 refused · 1 error · 7 checks');
    expect(html).toContain('<div class="count s-critical"><b>1</b>critical</div>');
    expect(html).toContain('<div class="count s-high"><b>3</b>high</div>');
    expect(html).toContain('<div class="count s-info"><b>1</b>info</div>');
  });

  it('groups findings by severity, worst first, one collapsible block each', () => {
    expect([...html.matchAll(/<section id="(\w+)">\n<h2>([^<]+)<\/h2>/g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      'critical Critical (1)',
      'high High (3)',
      'medium Medium (1)',
      'low Low (2)',
      'info Info (1)',
    ]);
    const blocks = findingBlocks(html);
    expect(blocks.map((b) => b.split(':')[0])).toEqual(['critical', 'high', 'high', 'high', 'medium', 'low', 'low', 'info']);
    expect(html.match(/<details/g)).toHaveLength(8);
    expect(html.match(/<\/details>/g)).toHaveLength(8);
  });

  it('puts the detail, the check, the fix with its snippets and the evidence inside each block', () => {
    const sql = findingBlocks(html)[0]!;
    expect(sql).toContain('<summary><span class="badge">critical</span> <strong>SQL injection</strong> <code>GET /api/products</code></summary>');
    expect(sql).toContain('<code>injection.sql</code> · CWE-89 · OWASP API8:2023 · fingerprint <code>injection.sql|GET /api/products|q</code>');
    expect(sql).toContain('<p>The parameter q = &#39; made the server answer 500 with a PostgreSQL syntax error.</p>');
    expect(sql).toContain('<h3>About this check</h3>\n<p>The API builds SQL from request input');
    expect(sql).toContain('<h3>How to fix it</h3>\n<p>Pass request values as bound parameters');
    expect(sql).toContain("<h4>Express</h4>\n<pre><code>const rows = await db.query(&#39;SELECT * FROM products WHERE name LIKE $1&#39;, [`%${q}%`]);</code></pre>");
    expect(sql).toContain('<h3>Evidence</h3>\n<pre>GET http://127.0.0.1:4000/api/products?q=&#39;\naccept: application/json');
    expect(sql).toContain('HTTP 500 (13 ms)');
    const plugin = findingBlocks(html).find((b) => b.includes('plugin.debug-endpoint'))!;
    expect(plugin).not.toContain('<h3>Evidence</h3>');
  });

  it('keeps long bodies to an excerpt of maxBody characters', () => {
    expect(html.length).toBeLessThan(60_000);
    expect(html).toContain(`[${LONG_BODY.length - 4096} more characters]`);
    const shorter = toHtml(scanFixture(), { maxBody: 100 });
    expect(shorter).toContain(`[${LONG_BODY.length - 100} more characters]`);
    const cors = findingBlocks(toHtml(scanFixture(), { maxEvidence: 0 })).find((b) => b.startsWith('medium'))!;
    expect(cors).toContain('1 more exchanges in the JSON report.');
  });

  it('links only http(s) references; anything else is text', () => {
    const s = scanFixture();
    const check = { ...s.checks[0]!, remediation: { ...s.checks[0]!.remediation, references: ['javascript:alert(1)', 'https://ok.example/"x'] } };
    const out = toHtml({ ...s, checks: [check], findings: [findingOf({ fingerprint: 'a', checkId: check.id })] });
    expect(out).toContain('<li>javascript:alert(1)</li>');
    expect(out).toContain('<a href="https://ok.example/%22x" rel="noopener noreferrer">https://ok.example/&quot;x</a>');
  });

  it('says when nothing was found and still lists the checks that ran', () => {
    const clean = toHtml(cleanScanFixture());
    expect(clean).toContain('<div class="grade g-A"><b>A</b><span>100/100</span></div>');
    expect(clean).toContain('<p>No findings.</p>');
    expect(clean.match(/<tr><td><code>/g)).toHaveLength(7);
  });

  it('escapes a hostile location and title in the summary line', () => {
    const out = toHtml(scanWith([findingOf({ fingerprint: 'a', title: '<b>bold</b>', location: 'GET /"><svg onload=alert(1)>' })]));
    expect(out).toContain('<strong>&lt;b&gt;bold&lt;/b&gt;</strong> <code>GET /&quot;&gt;&lt;svg onload=alert(1)&gt;</code>');
    expect(out).not.toContain('<svg');
  });
});

describe('htmlEscape', () => {
  it('leaves no markup character unescaped, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = htmlEscape(s);
        return !/[<>"']/.test(out) && !/&(?!(amp|lt|gt|quot|#39);)/.test(out);
      }),
      { seed: 17, numRuns: 500 },
    );
  });
});
