/**
 * JUnit XML, the test report format every CI understands (GitLab, Jenkins, Azure DevOps, CircleCI,
 * GitHub test reporters): each check is a test suite, each finding a failed test case at its
 * location, and a check that found nothing is one passing test case.
 */
import type { CheckInfo, Finding, ScanResult } from '../model.js';
import { checkCatalog } from './catalog.js';
import { exchangeText, oneLine, visible } from './evidence.js';

/**
 * Escapes text for XML 1.0 content and attribute values. Characters XML 1.0 cannot hold at all
 * (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are first made visible as `\uXXXX` so the
 * document stays well-formed; line feeds and tabs are kept as character references so that
 * attribute normalisation does not turn them into spaces.
 */
export function xmlEscape(text: string): string {
  return visible(text).replace(/[&<>"'\n\t]/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\n': '&#10;',
  '\t': '&#9;',
};

/** Text content: like `xmlEscape`, but line feeds and tabs stay literal (readable in the file). */
function xmlText(text: string): string {
  return visible(text).replace(/[&<>]/g, (c) => XML_ENTITIES[c] ?? c);
}

function attrs(pairs: readonly (readonly [string, string | number])[]): string {
  return pairs.map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`).join('');
}

function seconds(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0';
}

function failureBody(f: Finding): string {
  const parts = [
    f.detail,
    `Location: ${f.location}`,
    `Severity: ${f.severity} · ${f.cwe} · OWASP ${f.owasp}`,
    `Fingerprint: ${f.fingerprint}`,
  ];
  f.evidence.forEach((ex, i) => {
    parts.push(`--- evidence ${i + 1} of ${f.evidence.length} ---\n${exchangeText(ex)}`);
  });
  return parts.join('\n');
}

/** Test case names must tell findings of one check apart: the location, numbered when it repeats. */
function caseNames(findings: readonly Finding[]): string[] {
  const total = new Map<string, number>();
  for (const f of findings) total.set(f.location, (total.get(f.location) ?? 0) + 1);
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const name = oneLine(f.location);
    if ((total.get(f.location) ?? 0) < 2) return name;
    const n = (seen.get(f.location) ?? 0) + 1;
    seen.set(f.location, n);
    return `${name} (${n})`;
  });
}

function suiteOf(check: CheckInfo, findings: readonly Finding[], timestamp: string): string {
  const lines: string[] = [];
  const failures = findings.length;
  const tests = Math.max(1, failures);
  lines.push(
    `  <testsuite${attrs([
      ['name', check.id],
      ['tests', tests],
      ['failures', failures],
      ['errors', 0],
      ['skipped', 0],
      ['time', '0'],
      ...(timestamp ? ([['timestamp', timestamp]] as const) : []),
    ])}>`,
  );
  lines.push('    <properties>');
  for (const [name, value] of [
    ['title', check.title],
    ['severity', check.severity],
    ['cwe', check.cwe],
    ['owasp', check.owasp],
  ] as const) {
    lines.push(`      <property${attrs([['name', name], ['value', value]])}/>`);
  }
  lines.push('    </properties>');
  if (failures === 0) {
    lines.push(`    <testcase${attrs([['classname', check.id], ['name', `${check.title || check.id}: nothing found`], ['time', '0']])}/>`);
  } else {
    const names = caseNames(findings);
    findings.forEach((f, i) => {
      lines.push(`    <testcase${attrs([['classname', check.id], ['name', names[i]!], ['time', '0']])}>`);
      lines.push(
        `      <failure${attrs([
          ['message', `${f.severity}: ${oneLine(f.detail)}`],
          ['type', f.severity],
        ])}>${xmlText(failureBody(f))}</failure>`,
      );
      lines.push('    </testcase>');
    });
  }
  lines.push('  </testsuite>');
  return lines.join('\n');
}

/** The scan as a JUnit XML document (UTF-8). */
export function toJunit(result: ScanResult): string {
  const checks = checkCatalog(result);
  const byCheck = new Map<string, Finding[]>(checks.map((c) => [c.id, []]));
  for (const f of result.findings) byCheck.get(f.checkId)?.push(f);
  const timestamp = Number.isNaN(Date.parse(result.startedAt)) ? '' : result.startedAt;
  const suites = checks.map((c) => suiteOf(c, byCheck.get(c.id) ?? [], timestamp));
  const tests = checks.reduce((n, c) => n + Math.max(1, byCheck.get(c.id)?.length ?? 0), 0);
  const head = `<testsuites${attrs([
    ['name', `herd scan ${result.target.api || result.target.baseUrl}`],
    ['tests', tests],
    ['failures', result.findings.length],
    ['errors', 0],
    ['time', seconds(result.stats.durationMs)],
  ])}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites, '</testsuites>', ''].join('\n');
}
