import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runHerd } from './support/herd-cli.js';

/**
 * The hub's own replay tests, run by the real `herd hubtest run` on the snapshot of the CrowdSec hub
 * in ../shared. The pass count must not fall below the floor recorded here (raise it when herd gets
 * better), and every test that still fails must be listed, with its reason, in the README's
 * compatibility table.
 */

const SHARED = process.env.HERD_SHARED_DIR ?? join(ROOT, '..', 'shared');
const HUB = join(SHARED, 'crowdsec-hub');
const present = existsSync(join(HUB, '.tests')) && existsSync(join(SHARED, 'crowdsec-patterns'));
if (!present) console.warn(`hubtest: ${HUB} not found, skipping the hub's replay tests (set HERD_SHARED_DIR)`);

/** Tests passing today: the floor this suite must keep. */
const MIN_PASSED = 291;

interface Report {
  tests: { name: string; status: 'passed' | 'failed' | 'skipped'; reason?: string; failures?: unknown[] }[];
  passed: number;
  failed: number;
  skipped: number;
}

describe.skipIf(!present)("the CrowdSec hub's replay tests (herd hubtest run --all)", () => {
  let report: Report;
  let text = '';

  it('runs every test and prints one JSON report', async () => {
    const r = await runHerd(
      ['hubtest', 'run', '--hub', HUB, '--patterns', join(SHARED, 'crowdsec-patterns'), '--data', join(SHARED, 'crowdsec-data'), '--all', '--json'],
      { timeoutMs: 300_000 },
    );
    expect(r.stderr).not.toMatch(/TypeError|ReferenceError|at .*\.js:\d+/);
    report = JSON.parse(r.stdout) as Report;
    expect(report.tests.length).toBe(report.passed + report.failed + report.skipped);
    expect(r.code).toBe(report.failed > 0 ? 1 : 0);
  }, 320_000);

  it(`passes at least ${MIN_PASSED} tests`, () => {
    expect(report.passed).toBeGreaterThanOrEqual(MIN_PASSED);
  });

  it('gives a reason for every test it does not pass', () => {
    for (const t of report.tests.filter((x) => x.status !== 'passed')) expect(t.reason, t.name).toBeTruthy();
  });

  it("lists every failing test in the README's hub compatibility table", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const missing = report.tests.filter((t) => t.status === 'failed' && !readme.includes(`| \`${t.name}\` |`)).map((t) => t.name);
    expect(missing).toEqual([]);
  });

  it('prints one line per test and the summary line in text mode', async () => {
    const r = await runHerd(['hubtest', 'run', '--hub', HUB, '--patterns', join(SHARED, 'crowdsec-patterns'), '--data', join(SHARED, 'crowdsec-data'), report.tests[0]!.name]);
    text = r.stdout;
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^(ok  |FAIL|skip) ${report.tests[0]!.name}`));
    expect(lines.at(-1)).toMatch(/^\d+ passed, \d+ failed/);
  });
});
