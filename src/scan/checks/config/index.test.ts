import { describe, expect, it } from 'vitest';
import { configChecks } from './index.js';

describe('the configuration check group', () => {
  it('has the six checks with their OWASP and CWE mapping', () => {
    expect(configChecks.map((c) => `${c.id} ${c.owasp} ${c.cwe} ${c.severity}`)).toEqual([
      'config.tls API8:2023 CWE-319 medium',
      'config.cors API8:2023 CWE-942 high',
      'config.security-headers API8:2023 CWE-693 low',
      'config.verbose-errors API8:2023 CWE-209 medium',
      'config.exposed-endpoints API8:2023 CWE-538 medium',
      'inventory.undocumented-endpoints API9:2023 CWE-1059 medium',
    ]);
  });

  it('gives every check a description, fixes for at least four stacks and references', () => {
    for (const c of configChecks) {
      expect(c.description.length, c.id).toBeGreaterThan(200);
      expect(c.remediation.summary.length, c.id).toBeGreaterThan(80);
      expect(Object.keys(c.remediation.snippets).length, c.id).toBeGreaterThanOrEqual(4);
      expect(Object.values(c.remediation.snippets).every((s) => s.trim().length > 40), c.id).toBe(true);
      expect(c.remediation.references.length, c.id).toBeGreaterThanOrEqual(2);
      expect(c.remediation.references.every((r) => r.startsWith('https://')), c.id).toBe(true);
    }
  });
});
