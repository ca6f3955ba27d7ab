import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runHerd } from './support/herd-cli.js';
import { startRestTarget } from './targets/rest/index.js';
import { startGraphqlTarget, GRAPHQL_TARGET_SDL } from './targets/graphql/index.js';
import { startLegacyTarget } from './targets/legacy/index.js';
import type { DocumentedVulnerability, RunningTarget, TargetVariant } from './targets/types.js';

/**
 * The scanner against the project's own deliberately vulnerable APIs (test/targets): the real
 * `herd scan` binary finds every documented vulnerability of the vulnerable variant, and reports
 * nothing at all on the fixed twin. Users log in through the targets' login requests.
 */

interface Finding {
  checkId: string;
  location: string;
  detail: string;
  severity: string;
}

const dir = mkdtempSync(join(tmpdir(), 'herd-scan-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fill(value: unknown, username: string, password: string): unknown {
  if (typeof value === 'string') return value.replaceAll('{username}', username).replaceAll('{password}', password);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, username, password)]));
  return value;
}

/** The scan file for a target: its users, logged in through its login request (a session cookie with `use: cookie`). */
function scanConfig(target: RunningTarget, use?: 'cookie'): string {
  return stringify({
    url: target.url,
    users: target.users.map((u) => ({
      name: u.name,
      role: u.role,
      auth: {
        login: {
          method: target.login.method,
          path: target.login.path,
          body: fill(target.login.body, u.username, u.password),
          ...(use === 'cookie' ? { use } : { tokenPath: target.login.tokenPath }),
        },
      },
    })),
  });
}

async function scan(target: RunningTarget, name: string, extra: string[], use?: 'cookie'): Promise<{ findings: Finding[]; code: number | null; out: string }> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, scanConfig(target, use));
  const report = join(dir, `${name}.json`);
  const r = await runHerd(['scan', '--file', file, '--json', report, '--fail-on', 'none', '--quiet', ...extra], { timeoutMs: 600_000 });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return { findings: (JSON.parse(readFileSync(report, 'utf8')) as { findings: Finding[] }).findings, code: r.code, out: r.stdout };
}

/** A documented vulnerability is found by a finding of its check at its place. */
function finds(f: Finding, v: DocumentedVulnerability): boolean {
  if (f.checkId !== v.checkId) return false;
  if (f.location === v.where) return true;
  const place = v.where.includes(' ') ? v.where.slice(v.where.indexOf(' ') + 1) : v.where.slice(v.where.lastIndexOf('.') + 1);
  return `${f.location}\n${f.detail}`.includes(place);
}

const targets: { name: string; start: (v: TargetVariant) => Promise<RunningTarget>; args: (t: RunningTarget) => string[]; use?: 'cookie' }[] = [
  { name: 'rest', start: (v) => startRestTarget(v), args: (t) => ['--openapi', `${t.url}${t.specPath}`] },
  {
    name: 'graphql',
    start: (v) => startGraphqlTarget(v),
    args: (t) => {
      // The fixed twin refuses introspection: its schema is given as an SDL file.
      const sdl = join(dir, 'schema.graphql');
      writeFileSync(sdl, GRAPHQL_TARGET_SDL);
      return ['--graphql', t.specPath, ...(t.variant === 'fixed' ? ['--sdl', sdl] : [])];
    },
  },
  // Swagger 2.0 found by discovery (no --openapi), a cookie session, string identifiers.
  { name: 'legacy', start: (v) => startLegacyTarget(v), args: () => [], use: 'cookie' },
];

for (const t of targets) {
  describe(`herd scan on the ${t.name} target`, () => {
    it('finds every documented vulnerability of the vulnerable variant', async () => {
      const target = await t.start('vulnerable');
      try {
        const { findings, out } = await scan(target, `${t.name}-vulnerable`, t.args(target), t.use);
        const missed = target.vulnerabilities.filter((v) => !findings.some((f) => finds(f, v)));
        expect(missed.map((v) => `${v.id} (${v.checkId} at ${v.where})`), out).toEqual([]);
      } finally {
        await target.close();
      }
    });

    it('reports nothing on the fixed twin', async () => {
      const target = await t.start('fixed');
      try {
        const { findings } = await scan(target, `${t.name}-fixed`, t.args(target), t.use);
        expect(findings.map((f) => `${f.checkId} at ${f.location}: ${f.detail}`)).toEqual([]);
      } finally {
        await target.close();
      }
    });
  });
}

describe('herd scan as a CI gate', () => {
  it('fails on new findings at or above --fail-on, passes when they are in the baseline, and writes every report', async () => {
    const target = await startRestTarget('vulnerable');
    try {
      const file = join(dir, 'gate.yaml');
      writeFileSync(file, scanConfig(target));
      const first = join(dir, 'gate-first.json');
      const out = (name: string) => join(dir, name);
      const args = ['scan', '--file', file, '--openapi', `${target.url}${target.specPath}`, '--safe', '--quiet', '--checks', 'config,injection.sql'];
      const failing = await runHerd([...args, '--json', first, '--sarif', out('r.sarif'), '--junit', out('r.xml'), '--markdown', out('r.md'), '--html', out('r.html')], { timeoutMs: 300_000 });
      expect(failing.code, failing.stderr).toBe(1);
      expect(failing.stdout).toMatch(/^FAIL critical finding injection\.sql at GET \/api\/products/m);
      for (const name of ['r.sarif', 'r.xml', 'r.md', 'r.html']) expect(readFileSync(out(name), 'utf8').length).toBeGreaterThan(100);
      const accepted = await runHerd([...args, '--baseline', first, '--diff', first], { timeoutMs: 300_000 });
      expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
      expect(accepted.stdout).toMatch(/: 0 new, 0 fixed, \d+ unchanged/);
      const lenient = await runHerd([...args, '--fail-on', 'none'], { timeoutMs: 300_000 });
      expect(lenient.code).toBe(0);
      // A description file in the repository: each SARIF alert sits on its operation's line.
      const specFile = out('openapi.json');
      const specText = `${JSON.stringify(await (await fetch(`${target.url}${target.specPath}`)).json(), null, 2)}\n`;
      writeFileSync(specFile, specText);
      const located = await runHerd(['scan', '--file', file, '--openapi', specFile, '--safe', '--quiet', '--checks', 'injection.sql', '--fail-on', 'none', '--sarif', out('l.sarif'), '--sarif-spec-uri', 'api/openapi.json'], { timeoutMs: 300_000 });
      expect(located.code, located.stderr).toBe(0);
      const lines = specText.split('\n');
      const pathLine = lines.findIndex((l) => /^ {4}"\/(api\/)?products": \{/.test(l));
      const getLine = lines.findIndex((l, i) => i > pathLine && /^ {6}"get": \{/.test(l)) + 1;
      const sarif = JSON.parse(readFileSync(out('l.sarif'), 'utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
      expect(pathLine).toBeGreaterThan(0);
      expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'api/openapi.json' }, region: { startLine: getLine } });
      const broken = await runHerd(['scan', '--url', target.url, '--openapi', join(dir, 'missing.yaml'), '--quiet']);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/HERD_SCAN_SPEC_UNREADABLE/);
    } finally {
      await target.close();
    }
  });
});
