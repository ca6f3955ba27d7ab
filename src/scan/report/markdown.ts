/**
 * A Markdown summary for a CI job summary or a pull-request comment (GitHub-flavoured): score and
 * grade, counts by severity, a table of findings, then each finding with its detail, the check's
 * description, the fix and the evidence. Everything that came from the target is escaped so it
 * renders as text: no links, images, HTML, mentions or math, no broken table cells or fences.
 */
import type { CheckInfo, Finding, ScanResult, Severity } from '../model.js';
import { checkCatalog, countBySeverity, SEVERITIES_DESC, sortFindings } from './catalog.js';
import { exchangeText, oneLine, visible } from './evidence.js';
import { SCORE_FORMULA, scoreOf } from './score.js';

export interface MarkdownOptions {
  /**
   * Stop adding finding details past this many characters (default 60,000: GitHub refuses comments
   * over 65,536); the table still lists every finding up to `maxTableRows`.
   */
  readonly maxLength?: number;
  /** Rows of the findings table (default 100). */
  readonly maxTableRows?: number;
  /** Exchanges shown per finding (default 2). */
  readonly maxEvidence?: number;
}

const BADGE: Readonly<Record<Severity, string>> = {
  critical: '🔴 critical',
  high: '🟠 high',
  medium: '🟡 medium',
  low: '🔵 low',
  info: '⚪ info',
};

/** Characters with an inline meaning in CommonMark, GFM or on GitHub (`~` strikethrough, `$` math). */
const MD_INLINE = /[\\`*_[\]<>!&~|$]/g;
/** What would open a block (heading, quote, list, thematic break) at the start of a paragraph. */
const MD_BLOCK_START = /^(\d{1,9}(?=[.)])|[#>+=-])/;

/**
 * Prose from the target as Markdown text: on one line, characters with an inline meaning
 * backslash-escaped (and a block marker at its start), and `@` followed by a zero-width space so
 * `@someone` in a response does not notify anyone.
 */
export function mdText(text: string): string {
  return visible(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(MD_INLINE, (c) => `\\${c}`)
    .replace(MD_BLOCK_START, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`))
    .replace(/@/g, '@\u200B');
}

/**
 * A code span holding `text` whatever backticks it contains. In a table cell pipes are escaped
 * too: GFM splits cells on `|` even inside code.
 */
export function mdCode(text: string, inTable = false): string {
  let body = oneLine(text);
  if (inTable) body = body.replace(/\|/g, '\\|');
  if (body === '') return '` `';
  let longest = 0;
  for (const m of body.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A fenced code block whose fence no line of `text` can close. */
export function mdFence(text: string, lang = ''): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** An http(s) URL as an autolink (its serialised form holds no space, `<` or `>`); anything else as code. */
function mdLink(ref: string): string {
  try {
    const u = new URL(ref);
    if (u.protocol === 'https:' || u.protocol === 'http:') return `<${u.href}>`;
  } catch {
    // not a URL: shown as code below
  }
  return mdCode(ref);
}

const SNIPPET_LANGUAGES: readonly (readonly [RegExp, string])[] = [
  [/nginx/i, 'nginx'],
  [/apache|httpd/i, 'apache'],
  [/express|fastify|koa|hapi|nest|node|javascript/i, 'js'],
  [/typescript/i, 'ts'],
  [/django|flask|fastapi|python/i, 'python'],
  [/spring|java/i, 'java'],
  [/rails|ruby|sinatra/i, 'ruby'],
  [/laravel|symfony|php/i, 'php'],
  [/asp\.?net|\.net|c#/i, 'csharp'],
  [/^go\b|\bgin\b|\becho\b|golang/i, 'go'],
  [/graphql/i, 'graphql'],
  [/yaml|openapi/i, 'yaml'],
];

function snippetLanguage(stack: string): string {
  for (const [re, lang] of SNIPPET_LANGUAGES) if (re.test(stack)) return lang;
  return '';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

function header(result: ScanResult): string[] {
  const { score, grade } = scoreOf(result.findings);
  const counts = countBySeverity(result.findings);
  const s = result.stats;
  const kind = result.target.kind === 'graphql' ? 'GraphQL API' : 'REST API';
  const n = result.findings.length;
  const out = [
    `## herd scan: ${mdText(result.target.api || result.target.baseUrl)}`,
    '',
    `**Score ${score}/100, grade ${grade}** · ${n} finding${n === 1 ? '' : 's'} on ${mdCode(result.target.baseUrl)} (${kind})`,
    '',
    `${plural(s.operations, 'operation')} · ${plural(s.requests, 'request')} · ${seconds(s.durationMs)} · ${plural(result.checks.length, 'check')}` +
      (s.refused > 0 ? ` · ${plural(s.refused, 'request')} refused` : '') +
      (s.errors > 0 ? ` · ${plural(s.errors, 'error')}` : '') +
      ` · herd ${mdText(result.tool.version)}`,
    '',
    `| ${SEVERITIES_DESC.map((v) => BADGE[v]).join(' | ')} |`,
    `| ${SEVERITIES_DESC.map(() => '---:').join(' | ')} |`,
    `| ${SEVERITIES_DESC.map((v) => counts[v]).join(' | ')} |`,
  ];
  return out;
}

function table(findings: readonly Finding[], maxRows: number): string[] {
  if (findings.length === 0) return ['', 'No findings.'];
  const out = ['', '| # | Severity | Check | Location |', '| ---: | --- | --- | --- |'];
  findings.slice(0, maxRows).forEach((f, i) => {
    out.push(`| ${i + 1} | ${BADGE[f.severity]} | ${mdText(f.title)} ${mdCode(f.checkId, true)} | ${mdCode(f.location, true)} |`);
  });
  if (findings.length > maxRows) out.push('', `… and ${findings.length - maxRows} more findings (see the JSON or SARIF report).`);
  return out;
}

function remediation(check: CheckInfo | undefined): string[] {
  if (!check) return [];
  const out: string[] = [];
  if (check.description) out.push('', `**About this check.** ${mdText(check.description)}`);
  const r = check.remediation;
  if (r.summary) out.push('', `**Fix.** ${mdText(r.summary)}`);
  for (const [stack, code] of Object.entries(r.snippets)) {
    out.push('', `${mdText(stack)}:`, '', mdFence(visible(code), snippetLanguage(stack)));
  }
  if (r.references.length > 0) {
    out.push('', '**References**', '', ...r.references.map((ref) => `- ${mdLink(ref)}`));
  }
  return out;
}

function details(f: Finding, index: number, check: CheckInfo | undefined, maxEvidence: number): string {
  const out = [
    '',
    `### ${index}. ${mdText(f.title)} at ${mdCode(f.location)}`,
    '',
    `${BADGE[f.severity]} · ${mdCode(f.checkId)} · ${mdText(f.cwe)} · OWASP ${mdText(f.owasp)}`,
    '',
    mdText(f.detail),
    ...remediation(check),
  ];
  if (f.evidence.length > 0) {
    const shown = f.evidence.slice(0, maxEvidence);
    const more = f.evidence.length - shown.length;
    out.push(
      '',
      `<details><summary>Evidence (${f.evidence.length} exchange${f.evidence.length === 1 ? '' : 's'})</summary>`,
      '',
      ...shown.flatMap((ex) => [mdFence(exchangeText(ex), 'http'), '']),
      ...(more > 0 ? [`… ${more} more in the JSON report.`, ''] : []),
      '</details>',
    );
  }
  return out.join('\n');
}

/** The scan as GitHub-flavoured Markdown. */
export function toMarkdown(result: ScanResult, opts: MarkdownOptions = {}): string {
  const maxLength = opts.maxLength ?? 60_000;
  const findings = sortFindings(result.findings);
  const checks = new Map(checkCatalog(result).map((c) => [c.id, c]));
  const footer = `\n\n<sub>Score: ${mdText(SCORE_FORMULA)}</sub>\n`;
  // Room kept for the note that says how many findings were left out.
  const reserve = footer.length + 200;
  let text = [...header(result), ...table(findings, opts.maxTableRows ?? 100)].join('\n');
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    const part = '\n' + details(f, i + 1, checks.get(f.checkId), opts.maxEvidence ?? 2);
    if (text.length + part.length + reserve > maxLength) {
      const left = findings.length - i;
      text += `\n\n_${plural(left, 'more finding')} not detailed here to keep this summary short: see the JSON, SARIF or HTML report._`;
      break;
    }
    text += part;
  }
  return text + footer;
}
