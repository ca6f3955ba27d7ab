import { afterEach, describe, expect, it } from 'vitest';
import { startRestTarget } from '../../../../test/targets/rest/index.js';
import type { RunningTarget, TargetVariant } from '../../../../test/targets/types.js';
import { runScan } from '../../run-scan.js';
import { accessChecks } from './index.js';

const open: RunningTarget[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

async function scan(variant: TargetVariant, safe = false) {
  const target = await startRestTarget(variant);
  open.push(target);
  const users = target.users.map((u) => ({
    name: u.name,
    role: u.role,
    auth: { login: { method: 'POST', path: target.login.path, body: { username: u.username, password: u.password }, tokenPath: target.login.tokenPath } },
  }));
  const result = await runScan({ url: target.url, openapi: `${target.url}${target.specPath}`, users, checks: [...accessChecks], safe });
  return { target, result };
}

describe('access checks on the REST test target', () => {
  it('find every documented access-control and authentication flaw of the vulnerable variant', async () => {
    const { target, result } = await scan('vulnerable');
    const mine = new Set(accessChecks.map((c) => c.id));
    const expected = target.vulnerabilities.filter((v) => mine.has(v.checkId)).map((v) => `${v.checkId} ${v.where}`);
    expect(expected.length).toBeGreaterThanOrEqual(13);
    const found = new Set(result.findings.map((f) => `${f.checkId} ${f.location}`));
    expect(expected.filter((e) => !found.has(e))).toEqual([]);
  });

  it('report nothing on the fixed twin', async () => {
    const { result } = await scan('fixed');
    expect(result.findings.map((f) => `${f.checkId} ${f.location}: ${f.detail}`)).toEqual([]);
  });

  it('in safe mode find the flaws that reading shows, and try nothing that changes data', async () => {
    const { result } = await scan('vulnerable', true);
    const found = new Set(result.findings.map((f) => `${f.checkId} ${f.location}`));
    for (const e of ['authz.bola GET /api/orders/{id}', 'authz.bfla GET /api/admin/users', 'auth.unauthenticated-access GET /api/invoices', 'auth.jwt-none POST /api/auth/login']) {
      expect(found).toContain(e);
    }
    expect([...found].filter((f) => /PUT|DELETE|PATCH|mass-assignment|rate-limit/.test(f))).toEqual([]);
    expect(result.stats.refused).toBe(0);
  });
});
