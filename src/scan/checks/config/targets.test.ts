import { describe, expect, it } from 'vitest';
import { runScan, type Finding, type ScanResult, type UserConfig } from '../../index.js';
import { configChecks, corsCheck, exposedEndpointsCheck } from './index.js';
import { graphqlApi, runCheck } from './test-kit.js';
import { startRestTarget } from '../../../../test/targets/rest/index.js';
import { startGraphqlTarget } from '../../../../test/targets/graphql/index.js';
import type { DocumentedVulnerability, RunningTarget } from '../../../../test/targets/types.js';

/**
 * The configuration checks through the real scan (spec loading, login, exploration) against the
 * project's deliberately vulnerable targets: every documented flaw of this group is found on the
 * vulnerable variant, and nothing at all is reported on the fixed twins.
 */

function fill(value: unknown, username: string, password: string): unknown {
  if (typeof value === 'string') return value.replaceAll('{username}', username).replaceAll('{password}', password);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, username, password)]));
  return value;
}

function usersOf(t: RunningTarget): UserConfig[] {
  return t.users.map((u) => ({
    name: u.name,
    role: u.role,
    auth: { login: { method: t.login.method, path: t.login.path, body: fill(t.login.body, u.username, u.password), tokenPath: t.login.tokenPath } },
  }));
}

async function scanRest(t: RunningTarget, safe = false): Promise<ScanResult> {
  return runScan({ url: t.url, openapi: `${t.url}${t.specPath}`, users: usersOf(t), checks: configChecks, safe });
}

/** A documented flaw is found by a finding of its check at its place (or naming it). */
function finds(f: Finding, v: DocumentedVulnerability): boolean {
  if (f.checkId !== v.checkId) return false;
  if (f.location === v.where) return true;
  return `${f.location}\n${f.detail}`.includes(v.where.slice(v.where.indexOf(' ') + 1));
}

const ours = (v: DocumentedVulnerability): boolean => configChecks.some((c) => c.id === v.checkId);
const shown = (r: ScanResult): string[] => r.findings.map((f) => `${f.checkId} ${f.severity} at ${f.location}: ${f.detail}`);

describe('configuration checks on the test targets', () => {
  it('find every configuration flaw of the vulnerable REST target', async () => {
    const target = await startRestTarget('vulnerable');
    try {
      const result = await scanRest(target);
      const expected = target.vulnerabilities.filter(ours);
      expect(expected.length).toBeGreaterThanOrEqual(6);
      const missed = expected.filter((v) => !result.findings.some((f) => finds(f, v)));
      expect(missed.map((v) => `${v.id} (${v.checkId} at ${v.where})`), shown(result).join('\n')).toEqual([]);
      expect(result.findings.find((f) => f.location === 'GET /.env')?.severity).toBe('high');
      expect(result.findings.find((f) => f.checkId === 'config.cors')?.severity).toBe('high');
    } finally {
      await target.close();
    }
  });

  it('report nothing on the fixed REST twin', async () => {
    const target = await startRestTarget('fixed');
    try {
      expect(shown(await scanRest(target))).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('report no CORS flaw and no exposed file on the GraphQL twins, whose CORS and files are in order', async () => {
    for (const variant of ['vulnerable', 'fixed'] as const) {
      const target = await startGraphqlTarget(variant);
      try {
        const baseUrl = new URL(target.url);
        for (const check of [corsCheck, exposedEndpointsCheck]) {
          const { findings } = await runCheck(check, { api: graphqlApi(target.specPath), baseUrl });
          expect(findings.map((f) => `${variant}: ${check.id} at ${f.location}: ${f.detail}`)).toEqual([]);
        }
      } finally {
        await target.close();
      }
    }
  });
});
