/**
 * The scan as one self-contained HTML page, to attach to a CI run or mail to a team: inline CSS,
 * no script, no external resource, findings grouped by severity in `<details>` that open on a
 * click. The evidence is whatever the target answered (attacker-controlled), so every value is
 * HTML-escaped, and a Content-Security-Policy forbids scripts and loads as a second line.
 */
import type { CheckInfo, Finding, ScanResult, Severity } from '../model.js';
import { checkCatalog, countBySeverity, SEVERITIES_DESC, sortFindings } from './catalog.js';
import { exchangeText, oneLine, visible } from './evidence.js';
import { SCORE_FORMULA, scoreOf } from './score.js';

export interface HtmlOptions {
  /** Characters of each evidence body shown (default 4096). */
  readonly maxBody?: number;
  /** Exchanges shown per finding (default 5). */
  readonly maxEvidence?: number;
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML content or a quoted attribute: made visible, then `& < > " '` escaped. */
export function htmlEscape(text: string): string {
  return visible(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/** One-line variant for titles, locations and ids. */
function h1(text: string): string {
  return htmlEscape(oneLine(text));
}

function safeHref(ref: string): string | undefined {
  try {
    const u = new URL(ref);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const STYLE = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--code:#eff2f5;
--critical:#a40e26;--high:#d1242f;--medium:#9a6700;--low:#0969da;--info:#59636e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--panel:#151b23;
--code:#1f242c;--critical:#ff7b72;--high:#f85149;--medium:#d29922;--low:#58a6ff;--info:#9198a1}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.wrap{max-width:1100px;margin:0 auto;padding:24px}
header{display:flex;gap:20px;align-items:center;border-bottom:1px solid var(--line);padding-bottom:16px}
.grade{width:84px;height:84px;border-radius:16px;display:flex;flex-direction:column;align-items:center;justify-content:center;
color:#fff;font-weight:700;flex:none}
.grade b{font-size:40px;line-height:1}.grade span{font-size:13px;opacity:.9}
.g-A{background:#1a7f37}.g-B{background:#4d8c2a}.g-C{background:#9a6700}.g-D{background:#bc4c00}.g-F{background:#a40e26}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}h3{font-size:15px;margin:16px 0 6px}
h4{font-size:14px;margin:12px 0 4px;color:var(--muted)}
.muted{color:var(--muted)}
.counts{display:flex;gap:10px;flex-wrap:wrap;margin:16px 0}
.count{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:8px;padding:6px 14px;min-width:110px;background:var(--panel)}
.count b{font-size:22px;display:block}
.s-critical{--c:var(--critical)}.s-high{--c:var(--high)}.s-medium{--c:var(--medium)}.s-low{--c:var(--low)}.s-info{--c:var(--info)}
.badge{display:inline-block;min-width:64px;text-align:center;border-radius:999px;padding:0 8px;font-size:12px;font-weight:600;
color:#fff;background:var(--c);text-transform:uppercase;letter-spacing:.03em}
details.finding{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:8px;margin:8px 0;background:var(--bg)}
details.finding>summary{cursor:pointer;padding:10px 14px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
details.finding[open]>summary{border-bottom:1px solid var(--line);background:var(--panel)}
.finding .body{padding:4px 16px 14px}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:var(--code);border-radius:4px;padding:1px 5px;overflow-wrap:anywhere}
pre{background:var(--code);border-radius:6px;padding:10px 12px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:480px;overflow:auto}
pre code{padding:0;background:none}
table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}
a{color:var(--low)}
footer{margin-top:32px;border-top:1px solid var(--line);padding-top:10px;font-size:13px}
`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function severityTitle(s: Severity): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

function remediationHtml(check: CheckInfo | undefined): string {
  if (!check) return '';
  const out: string[] = [];
  if (check.description) out.push(`<h3>About this check</h3>\n<p>${htmlEscape(check.description)}</p>`);
  const r = check.remediation;
  if (r.summary || Object.keys(r.snippets).length > 0) {
    out.push('<h3>How to fix it</h3>');
    if (r.summary) out.push(`<p>${htmlEscape(r.summary)}</p>`);
    for (const [stack, code] of Object.entries(r.snippets)) {
      out.push(`<h4>${h1(stack)}</h4>\n<pre><code>${htmlEscape(code)}</code></pre>`);
    }
  }
  if (r.references.length > 0) {
    const items = r.references.map((ref) => {
      const href = safeHref(ref);
      return href
        ? `<li><a href="${htmlEscape(href)}" rel="noopener noreferrer">${h1(ref)}</a></li>`
        : `<li>${h1(ref)}</li>`;
    });
    out.push(`<h3>References</h3>\n<ul>\n${items.join('\n')}\n</ul>`);
  }
  return out.join('\n');
}

function findingHtml(f: Finding, check: CheckInfo | undefined, opts: HtmlOptions): string {
  const maxEvidence = opts.maxEvidence ?? 5;
  const shown = f.evidence.slice(0, maxEvidence);
  const evidence = shown.map((ex) => `<pre>${htmlEscape(exchangeText(ex, { maxBody: opts.maxBody ?? 4096 }))}</pre>`);
  if (f.evidence.length > shown.length) {
    evidence.push(`<p class="muted">${f.evidence.length - shown.length} more exchanges in the JSON report.</p>`);
  }
  return `<details class="finding s-${f.severity}">
<summary><span class="badge">${f.severity}</span> <strong>${h1(f.title)}</strong> <code>${h1(f.location)}</code></summary>
<div class="body">
<p class="muted"><code>${h1(f.checkId)}</code> · ${h1(f.cwe)} · OWASP ${h1(f.owasp)} · fingerprint <code>${h1(f.fingerprint)}</code></p>
<p>${htmlEscape(f.detail)}</p>
${remediationHtml(check)}
${evidence.length > 0 ? `<h3>Evidence</h3>\n${evidence.join('\n')}` : ''}
</div>
</details>`;
}

function checksTable(result: ScanResult, checks: readonly CheckInfo[]): string {
  const per = new Map<string, number>();
  for (const f of result.findings) per.set(f.checkId, (per.get(f.checkId) ?? 0) + 1);
  const rows = checks.map(
    (c) =>
      `<tr><td><code>${h1(c.id)}</code></td><td>${h1(c.title)}</td><td><span class="badge s-${c.severity}">${c.severity}</span></td>` +
      `<td>${h1(c.cwe)}</td><td>${h1(c.owasp)}</td><td>${per.get(c.id) ?? 0}</td></tr>`,
  );
  return `<table>
<thead><tr><th>Check</th><th>Title</th><th>Severity</th><th>CWE</th><th>OWASP</th><th>Findings</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** The scan as a complete HTML document. */
export function toHtml(result: ScanResult, opts: HtmlOptions = {}): string {
  const { score, grade } = scoreOf(result.findings);
  const counts = countBySeverity(result.findings);
  const checks = checkCatalog(result);
  const byId = new Map(checks.map((c) => [c.id, c]));
  const findings = sortFindings(result.findings);
  const title = result.target.api || result.target.baseUrl;
  const s = result.stats;

  const groups = SEVERITIES_DESC.filter((sev) => counts[sev] > 0).map((sev) => {
    const items = findings.filter((f) => f.severity === sev).map((f) => findingHtml(f, byId.get(f.checkId), opts));
    return `<section id="${sev}">\n<h2>${severityTitle(sev)} (${counts[sev]})</h2>\n${items.join('\n')}\n</section>`;
  });

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>herd scan: ${h1(title)} (${score}/100, ${grade})</title>
<style>${STYLE}</style>
</head>
<body>
<div class="wrap">
<header>
<div class="grade g-${grade}"><b>${grade}</b><span>${score}/100</span></div>
<div>
<h1>herd scan: ${h1(title)}</h1>
<div class="muted"><code>${h1(result.target.baseUrl)}</code> · ${result.target.kind === 'graphql' ? 'GraphQL' : 'REST'} API · started ${h1(result.startedAt)}</div>
<div class="muted">${plural(s.operations, 'operation')} · ${plural(s.requests, 'request')} · ${(Math.max(0, s.durationMs) / 1000).toFixed(1)} s · ${s.refused} refused · ${plural(s.errors, 'error')} · ${plural(result.checks.length, 'check')}</div>
</div>
</header>
<div class="counts">
${SEVERITIES_DESC.map((sev) => `<div class="count s-${sev}"><b>${counts[sev]}</b>${sev}</div>`).join('\n')}
</div>
<main>
${groups.length > 0 ? groups.join('\n') : '<p>No findings.</p>'}
<h2>Checks run</h2>
${checksTable(result, checks)}
</main>
<footer class="muted">Generated by herd ${h1(result.tool.version)}. Score: ${htmlEscape(SCORE_FORMULA)}</footer>
</div>
</body>
</html>
`;
}
