import { describe, expect, it } from 'vitest';
import { diffReports, gate, newFindings } from './baseline.js';
import { findingOf, scanFixture, scanWith } from './report-fixtures.js';

const bolaOrders = findingOf({ fingerprint: 'bola-orders', severity: 'high', location: 'GET /orders/{id}' });
const bolaUsers = findingOf({ fingerprint: 'bola-users', severity: 'high', location: 'GET /users/{id}' });
const sql = findingOf({ fingerprint: 'sql-products', checkId: 'injection.sql', title: 'SQL injection', severity: 'critical', location: 'GET /products' });
const cors = findingOf({ fingerprint: 'cors', checkId: 'cors.reflect-origin', title: 'CORS', severity: 'medium', location: 'GET /echo' });
const banner = findingOf({ fingerprint: 'banner', checkId: 'info.server-banner', title: 'Banner', severity: 'info', location: 'GET /' });

describe('newFindings', () => {
  it('returns every finding when there is no baseline', () => {
    expect(newFindings(scanFixture(), null)).toEqual(scanFixture().findings);
  });

  it('returns the findings whose fingerprint the baseline does not have', () => {
    const baseline = scanWith([bolaOrders, cors]);
    const current = scanWith([bolaOrders, { ...cors, detail: 'worded differently this run' }, sql]);
    expect(newFindings(current, baseline)).toEqual([sql]);
  });
});

describe('diffReports', () => {
  it('splits findings into added, fixed and unchanged by fingerprint', () => {
    const previous = scanWith([bolaOrders, bolaUsers, cors]);
    const current = scanWith([bolaOrders, sql, { ...cors, detail: 'new wording' }]);
    const d = diffReports(previous, current);
    expect(d.added).toEqual([sql]);
    expect(d.fixed).toEqual([bolaUsers]);
    expect(d.unchanged).toEqual([bolaOrders, { ...cors, detail: 'new wording' }]);
  });

  it('counts a fingerprint once when a report repeats it', () => {
    const d = diffReports(scanWith([cors, cors]), scanWith([sql, sql, cors]));
    expect(d.added).toEqual([sql]);
    expect(d.unchanged).toEqual([cors]);
    expect(d.fixed).toEqual([]);
  });

  it('finds nothing changed between a report and itself', () => {
    const d = diffReports(scanFixture(), scanFixture());
    expect(d.added).toEqual([]);
    expect(d.fixed).toEqual([]);
    expect(d.unchanged).toHaveLength(scanFixture().findings.length);
  });
});

describe('gate', () => {
  it('fails on a finding at the threshold without a baseline, and names it', () => {
    const g = gate(scanWith([cors, bolaUsers]), { failOn: 'high', baseline: null });
    expect(g.failed).toBe(true);
    expect(g.reasons).toEqual(['high finding authz.bola at GET /users/{id}: Broken object level authorization (fails at high and above)']);
  });

  it('fails on findings above the threshold too, the worst first', () => {
    const g = gate(scanWith([cors, bolaUsers, sql]), { failOn: 'medium', baseline: null });
    expect(g.reasons.map((r) => r.split(' ')[0])).toEqual(['critical', 'high', 'medium']);
  });

  it('passes when every finding is below the threshold', () => {
    expect(gate(scanWith([cors, banner]), { failOn: 'high', baseline: null })).toEqual({ failed: false, reasons: [] });
  });

  it('passes when the findings at the threshold are in the baseline, even a critical one', () => {
    const baseline = scanWith([sql, bolaUsers]);
    expect(gate(scanWith([sql, bolaUsers, cors]), { failOn: 'high', baseline })).toEqual({ failed: false, reasons: [] });
  });

  it('fails on a new finding next to baselined ones, calling it new', () => {
    const g = gate(scanWith([sql, bolaOrders]), { failOn: 'high', baseline: scanWith([sql]) });
    expect(g).toEqual({
      failed: true,
      reasons: ['new high finding authz.bola at GET /orders/{id}: Broken object level authorization (fails at high and above)'],
    });
  });

  it('never fails with failOn none, and fails on info findings with failOn info', () => {
    expect(gate(scanFixture(), { failOn: 'none', baseline: null }).failed).toBe(false);
    expect(gate(scanWith([banner]), { failOn: 'info', baseline: null }).failed).toBe(true);
  });

  it('keeps hostile locations on one line in its reasons', () => {
    const f = findingOf({ fingerprint: 'h', location: 'GET /a\n::error::forged' });
    expect(gate(scanWith([f]), { failOn: 'low', baseline: null }).reasons[0]).toContain('GET /a\\n::error::forged');
  });
});
