/**
 * What every report needs from a ScanResult before it writes anything: the checks to describe
 * (the scan's own `CheckInfo`s, first one wins when an id repeats, plus a stand-in built from the
 * finding for any finding whose check the scan did not list, so every finding has a rule, a suite
 * and a description to point at), counts by severity, and one stable order of findings.
 */
import { SEVERITIES, severityRank, type CheckInfo, type Finding, type ScanResult, type Severity } from '../model.js';

/** Severities from the worst down, the order reports list them in. */
export const SEVERITIES_DESC: readonly Severity[] = [...SEVERITIES].reverse();

/** The checks of a result, deduplicated by id, with stand-ins for unlisted checks, in scan order. */
export function checkCatalog(result: ScanResult): readonly CheckInfo[] {
  const seen = new Set<string>();
  const out: CheckInfo[] = [];
  for (const c of result.checks) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    out.push(c);
  }
  for (const f of result.findings) {
    if (seen.has(f.checkId)) continue;
    seen.add(f.checkId);
    out.push({
      id: f.checkId,
      title: f.title,
      severity: f.severity,
      cwe: f.cwe,
      owasp: f.owasp,
      description: '',
      remediation: { summary: '', snippets: {}, references: [] },
    });
  }
  return out;
}

/** Counts of findings per severity (every severity present, zero when none). */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Findings from the worst down, then by check, location and fingerprint: the same order every run. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      cmp(a.checkId, b.checkId) ||
      cmp(a.location, b.location) ||
      cmp(a.fingerprint, b.fingerprint),
  );
}
