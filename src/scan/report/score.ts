/**
 * The scan's score: one number and a letter for a dashboard, a badge or a PR comment.
 */
import { severityRank, type Finding, type Severity } from '../model.js';

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

export interface Score {
  /** 0 (worst) … 100 (nothing found). */
  readonly score: number;
  readonly grade: Grade;
}

/** Points taken off per distinct (check, location). */
export const SEVERITY_PENALTY: Readonly<Record<Severity, number>> = {
  critical: 40,
  high: 20,
  medium: 8,
  low: 3,
  info: 0,
};

/**
 * Scores findings:
 *
 *     score = max(0, 100 − Σ penalty(worst severity of each distinct (checkId, location)))
 *     penalty: critical 40, high 20, medium 8, low 3, info 0
 *     grade:   A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F; any critical finding caps the grade at D
 *
 * Findings of one check at one location count once, at their worst severity, so a check that
 * reports each vulnerable parameter of an operation does not weigh more than one that reports the
 * operation. Info findings never lower the score. The cap keeps a critical flaw from hiding behind
 * an otherwise clean API when other `penalties` are passed (with the defaults a critical already
 * takes the score to 60 or below).
 */
export function scoreOf(
  findings: readonly Finding[],
  penalties: Readonly<Record<Severity, number>> = SEVERITY_PENALTY,
): Score {
  const worst = new Map<string, Severity>();
  for (const f of findings) {
    // JSON of the pair: no separator a check id or location could contain can make two pairs collide.
    const key = JSON.stringify([f.checkId, f.location]);
    const prev = worst.get(key);
    if (prev === undefined || severityRank(f.severity) > severityRank(prev)) worst.set(key, f.severity);
  }
  let penalty = 0;
  let critical = false;
  for (const s of worst.values()) {
    penalty += penalties[s];
    if (s === 'critical') critical = true;
  }
  const score = Math.min(100, Math.max(0, 100 - penalty));
  let grade: Grade = score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
  if (critical && grade !== 'F') grade = 'D';
  return { score, grade };
}

/** The formula in one sentence, for the reports' readers. */
export const SCORE_FORMULA =
  `100 minus ${SEVERITY_PENALTY.critical} per critical, ${SEVERITY_PENALTY.high} per high, ` +
  `${SEVERITY_PENALTY.medium} per medium and ${SEVERITY_PENALTY.low} per low finding ` +
  '(each check and location counted once, at its worst severity), floored at 0; ' +
  'grades A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F; a critical finding caps the grade at D.';
