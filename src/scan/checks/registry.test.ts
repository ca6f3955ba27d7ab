import { describe, expect, it } from 'vitest';
import { allChecks, selectChecks } from './registry.js';
import { SEVERITIES } from '../model.js';

describe('the check registry', () => {
  it('gives every check an identity, a mapping, a description and a fix for at least four stacks', () => {
    for (const c of allChecks) {
      expect(c.id, c.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
      expect(SEVERITIES).toContain(c.severity);
      expect(c.cwe, c.id).toMatch(/^CWE-\d+$/);
      expect(c.owasp, c.id).toMatch(/^API(10|[1-9]):2023$/);
      expect(c.description.length, c.id).toBeGreaterThan(100);
      expect(c.remediation.summary.length, c.id).toBeGreaterThan(40);
      expect(Object.keys(c.remediation.snippets).length, c.id).toBeGreaterThanOrEqual(4);
      expect(c.remediation.references.length, c.id).toBeGreaterThan(0);
    }
  });

  it('names one flaw one way: a check id written for REST and for GraphQL has the same title, severity, CWE and category', () => {
    const seen = new Map<string, string>();
    const perKind = new Set<string>();
    for (const c of allChecks) {
      const key = `${c.id}|${c.appliesTo}`;
      expect(perKind.has(key), `${c.id} twice for ${c.appliesTo}`).toBe(false);
      perKind.add(key);
      const identity = JSON.stringify([c.title, c.severity, c.cwe, c.owasp]);
      expect(seen.get(c.id) ?? identity, c.id).toBe(identity);
      seen.set(c.id, identity);
    }
  });

  it('selects by id or prefix, and refuses a selector that names nothing', () => {
    const authz = selectChecks(allChecks, ['authz'], undefined);
    expect(authz.length).toBeGreaterThan(0);
    expect(authz.every((c) => c.id.startsWith('authz.'))).toBe(true);
    expect(selectChecks(allChecks, undefined, ['authz']).some((c) => c.id.startsWith('authz.'))).toBe(false);
    expect(selectChecks(allChecks, ['injection.sql'], undefined).every((c) => c.id === 'injection.sql')).toBe(true);
    expect(() => selectChecks(allChecks, ['authz.bol'], undefined)).toThrow(/no check is called or starts with "authz.bol"/);
  });
});
