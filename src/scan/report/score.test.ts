import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, type Finding } from '../model.js';
import { findingOf, scanFixture } from './report-fixtures.js';
import { scoreOf } from './score.js';

let n = 0;
function at(severity: Finding['severity'], location = `GET /r${n}`, checkId = `check.${n}`): Finding {
  n += 1;
  return findingOf({ fingerprint: `fp-${n}`, severity, location, checkId });
}

describe('scoreOf', () => {
  it('gives 100 and an A when nothing was found', () => {
    expect(scoreOf([])).toEqual({ score: 100, grade: 'A' });
  });

  it('takes off 40 per critical, 20 per high, 8 per medium, 3 per low and nothing for info', () => {
    expect(scoreOf([at('critical')]).score).toBe(60);
    expect(scoreOf([at('high')]).score).toBe(80);
    expect(scoreOf([at('medium')]).score).toBe(92);
    expect(scoreOf([at('low')]).score).toBe(97);
    expect(scoreOf([at('info'), at('info'), at('info')])).toEqual({ score: 100, grade: 'A' });
    expect(scoreOf([at('high'), at('medium'), at('low')]).score).toBe(69);
  });

  it('counts findings of one check at one location once, at their worst severity', () => {
    const same = [at('low', 'GET /a', 'x'), at('high', 'GET /a', 'x'), at('medium', 'GET /a', 'x')];
    expect(scoreOf(same).score).toBe(80);
    // the same check elsewhere, or another check at the same place, counts again
    expect(scoreOf([...same, at('high', 'GET /b', 'x'), at('high', 'GET /a', 'y')]).score).toBe(40);
  });

  it('does not merge pairs that only look alike once joined', () => {
    expect(scoreOf([at('high', 'b c', 'a'), at('high', 'c', 'a b')]).score).toBe(60);
  });

  it('grades A from 90, B from 80, C from 70, D from 60, F below, and never below 0', () => {
    const grade = (...s: Finding['severity'][]) => scoreOf(s.map((x) => at(x)));
    expect(grade('low', 'low', 'low')).toEqual({ score: 91, grade: 'A' });
    expect(grade('medium', 'low')).toEqual({ score: 89, grade: 'B' });
    expect(grade('high')).toEqual({ score: 80, grade: 'B' });
    expect(grade('high', 'low')).toEqual({ score: 77, grade: 'C' });
    expect(grade('high', 'medium', 'low', 'low')).toEqual({ score: 66, grade: 'D' });
    expect(grade('high', 'high')).toEqual({ score: 60, grade: 'D' });
    expect(grade('high', 'high', 'low')).toEqual({ score: 57, grade: 'F' });
    expect(grade('critical', 'critical', 'critical')).toEqual({ score: 0, grade: 'F' });
  });

  it('caps the grade at D when there is a critical finding, whatever the penalties', () => {
    const light = { critical: 1, high: 1, medium: 1, low: 1, info: 0 };
    expect(scoreOf([at('critical')], light)).toEqual({ score: 99, grade: 'D' });
    expect(scoreOf([at('high')], light)).toEqual({ score: 99, grade: 'A' });
  });

  it('scores the fixture scan: 100 − 40 − 20 − 20 − 8 − 3 − 3 = 6, an F', () => {
    expect(scoreOf(scanFixture().findings)).toEqual({ score: 6, grade: 'F' });
  });

  it('stays within 0..100, ignores order, and never rises when a finding is added', () => {
    const finding = fc.record({
      severity: fc.constantFrom(...SEVERITIES),
      location: fc.constantFrom('GET /a', 'GET /b', 'POST /c'),
      checkId: fc.constantFrom('x', 'y', 'z'),
    });
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 12 }), finding, (list, extra) => {
        const fs = list.map((f, i) => findingOf({ ...f, fingerprint: String(i) }));
        const s = scoreOf(fs);
        const more = scoreOf([...fs, findingOf({ ...extra, fingerprint: 'extra' })]);
        return s.score >= 0 && s.score <= 100 && scoreOf([...fs].reverse()).score === s.score && more.score <= s.score;
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});
