import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_VULNERABILITIES } from '../../../../test/targets/graphql/index.js';
import { targetHarness, type Harness } from '../../graphql/test-kit.js';
import { graphqlChecks } from './index.js';

/** Where the vulnerable target documents flaws for a check (`POST /graphql`, `Query.order`…). */
function documented(checkId: string): string[] {
  return GRAPHQL_VULNERABILITIES.filter((v) => v.checkId === checkId)
    .map((v) => v.where)
    .sort();
}

describe('the GraphQL checks against the GraphQL target', () => {
  let vulnerable: Harness;
  let fixed: Harness;
  beforeAll(async () => {
    [vulnerable, fixed] = await Promise.all([targetHarness('vulnerable'), targetHarness('fixed')]);
  });
  afterAll(async () => {
    await Promise.all([vulnerable?.close(), fixed?.close()]);
  });

  it('covers every documented flaw with a check of this group, except the login rate limit (an access check, for REST and GraphQL alike)', () => {
    const ids = new Set(graphqlChecks.map((c) => c.id));
    expect(GRAPHQL_VULNERABILITIES.filter((v) => !ids.has(v.checkId)).map((v) => v.checkId)).toEqual(['auth.no-login-rate-limit']);
  });

  for (const check of graphqlChecks) {
    it(`${check.id} reports the documented flaws of the vulnerable variant, and nothing on the fixed twin`, async () => {
      const found = await vulnerable.run(check);
      expect(found.map((f) => f.location).sort()).toEqual(documented(check.id));
      for (const f of found) {
        expect(f.evidence.length).toBeGreaterThan(0);
        expect(f.evidence.every((e) => e.response !== null)).toBe(true);
      }
      expect(await fixed.run(check)).toEqual([]);
    });
  }

  it('describes every check with a fix for at least four stacks and references', () => {
    for (const c of graphqlChecks) {
      expect(c.appliesTo).toBe('graphql');
      expect(c.description.length).toBeGreaterThan(100);
      expect(Object.keys(c.remediation.snippets).length, c.id).toBeGreaterThanOrEqual(4);
      expect(c.remediation.references.some((r) => r.includes('owasp.org')), c.id).toBe(true);
      expect(c.cwe).toMatch(/^CWE-\d+$/);
    }
  });
});

describe('the GraphQL checks under --safe', () => {
  let vulnerable: Harness;
  let fixed: Harness;
  beforeAll(async () => {
    [vulnerable, fixed] = await Promise.all([targetHarness('vulnerable', { safe: true }), targetHarness('fixed', { safe: true })]);
  });
  afterAll(async () => {
    await Promise.all([vulnerable?.close(), fixed?.close()]);
  });

  it('find what reading alone shows on the vulnerable variant and send nothing that writes', async () => {
    const locations: string[] = [];
    for (const check of graphqlChecks) for (const f of await vulnerable.run(check)) locations.push(`${check.id} ${f.location}`);
    expect(locations.sort()).toEqual(
      [
        'auth.unauthenticated-access Query.orders',
        'authz.bfla Query.users',
        'authz.bola Query.order',
        'data.excessive-exposure User.apiKey',
        'data.excessive-exposure User.passwordHash',
        'graphql.alias-overloading POST /graphql',
        'graphql.debug-errors POST /graphql',
        'graphql.depth-limit POST /graphql',
        'graphql.directive-overloading POST /graphql',
        'graphql.field-duplication POST /graphql',
        'graphql.field-suggestions POST /graphql',
        'graphql.introspection POST /graphql',
        'injection.sql Query.products',
      ].sort(),
    );
    // Every request that left the client was a GET: the target saw no POST at all.
    expect(vulnerable.sent.length).toBeGreaterThan(50);
    expect(vulnerable.sent.filter((e) => e.request.method !== 'GET')).toEqual([]);
  });

  it('report nothing on the fixed twin', async () => {
    for (const check of graphqlChecks) expect(await fixed.run(check), check.id).toEqual([]);
  });
});
