/**
 * Baselines and diffs: a team adopting the scanner on an existing API accepts today's findings
 * (the baseline) and fails CI only on new ones; `--diff` shows what a change added or fixed.
 * Findings are matched by fingerprint, which checks keep stable for the same flaw at the same
 * place, whatever the evidence or wording of the run.
 */
import { severityRank, type Finding, type ScanResult, type Severity } from '../model.js';
import { oneLine } from './evidence.js';

export interface ReportDiff {
  /** In `current`, not in `previous`. */
  readonly added: readonly Finding[];
  /** In `previous`, not in `current` (as `previous` reported them). */
  readonly fixed: readonly Finding[];
  /** In both (as `current` reports them). */
  readonly unchanged: readonly Finding[];
}

export type FailOn = Severity | 'none';

export interface GateOptions {
  /** The lowest severity that fails the build when new; `none` never fails. */
  readonly failOn: FailOn;
  /** Findings accepted earlier; `null` when there is no baseline (then every finding is new). */
  readonly baseline: ScanResult | null;
}

export interface GateResult {
  readonly failed: boolean;
  /** One line per new finding at or above `failOn`, worst first: why the gate failed. */
  readonly reasons: readonly string[];
}

/** The first finding of each fingerprint, in order: a report that repeats one counts it once. */
function uniqueByFingerprint(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    out.push(f);
  }
  return out;
}

/** The findings of `result` whose fingerprint the baseline does not have (all of them without one). */
export function newFindings(result: ScanResult, baseline: ScanResult | null): Finding[] {
  if (baseline === null) return [...result.findings];
  const known = new Set(baseline.findings.map((f) => f.fingerprint));
  return result.findings.filter((f) => !known.has(f.fingerprint));
}

/** What changed between two runs, by fingerprint; each fingerprint appears once. */
export function diffReports(previous: ScanResult, current: ScanResult): ReportDiff {
  const before = uniqueByFingerprint(previous.findings);
  const now = uniqueByFingerprint(current.findings);
  const beforeSet = new Set(before.map((f) => f.fingerprint));
  const nowSet = new Set(now.map((f) => f.fingerprint));
  return {
    added: now.filter((f) => !beforeSet.has(f.fingerprint)),
    fixed: before.filter((f) => !nowSet.has(f.fingerprint)),
    unchanged: now.filter((f) => beforeSet.has(f.fingerprint)),
  };
}

/**
 * The CI decision: failed when a finding at or above `failOn` is new against the baseline (every
 * finding is new without one). A baselined finding never fails the build, even if its severity
 * rose since: its fingerprint says it is the same flaw, already accepted.
 */
export function gate(result: ScanResult, opts: GateOptions): GateResult {
  if (opts.failOn === 'none') return { failed: false, reasons: [] };
  const threshold = severityRank(opts.failOn);
  const blocking = uniqueByFingerprint(newFindings(result, opts.baseline))
    .filter((f) => severityRank(f.severity) >= threshold)
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const qualifier = opts.baseline === null ? '' : 'new ';
  const reasons = blocking.map(
    (f) => `${qualifier}${f.severity} finding ${oneLine(f.checkId)} at ${oneLine(f.location)}: ${oneLine(f.title)} (fails at ${opts.failOn} and above)`,
  );
  return { failed: reasons.length > 0, reasons };
}
