import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runHerd } from './support/herd-cli.js';

/**
 * herd running CrowdSec hub content it installed itself, unchanged: `herd hub install` of the nginx
 * collection from the hub snapshot in ../shared, then `herd replay` of nginx lines — the hub's
 * scenarios (data files included: the bad user-agent list) raise their alerts. A hub item broken
 * after installation is reported with its file and line, and the rest of the hub still runs.
 */

const SHARED = process.env.HERD_SHARED_DIR ?? join(ROOT, '..', 'shared');
const present = existsSync(join(SHARED, 'crowdsec-hub', '.index.json')) && existsSync(join(SHARED, 'crowdsec-data'));
if (!present) console.warn(`hub-runtime: ${SHARED} not found, skipping the hub content run (set HERD_SHARED_DIR)`);

const dir = mkdtempSync(join(tmpdir(), 'herd-hub-runtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINES = [
  // a scanner's user agent (bad_user_agents.regex.txt), twice: http-bad-user-agent is a leaky bucket of capacity 1
  '198.51.100.7 - - [08/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:Port Check)"',
  '198.51.100.7 - - [08/Jan/2026:10:00:01 +0000] "GET /index.html HTTP/1.1" 200 612 "-" "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:getinfo)"',
  // an ordinary visitor
  '203.0.113.9 - - [08/Jan/2026:10:00:02 +0000] "GET /about HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"',
];

describe.skipIf(!present)('herd runs installed hub content', () => {
  const data = join(dir, 'data');
  const config = join(dir, 'herd.yaml');
  const log = join(dir, 'access.log');

  it('installs the nginx collection and the parsers it runs with, data files included', async () => {
    const r = await runHerd(
      ['--data-dir', data, 'hub', 'install', 'crowdsecurity/nginx', 'crowdsecurity/syslog-logs', 'crowdsecurity/dateparse-enrich', '--hub', join(SHARED, 'crowdsec-hub'), '--data-source', join(SHARED, 'crowdsec-data')],
      { timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const u = await runHerd(['--data-dir', data, 'hub', 'update', '--hub', join(SHARED, 'crowdsec-hub'), '--patterns', join(SHARED, 'crowdsec-patterns')]);
    expect(u.code, u.stderr).toBe(0);
    expect(existsSync(join(data, 'hub', 'data', 'bad_user_agents.regex.txt'))).toBe(true);
  }, 130_000);

  it("raises the hub scenario's alert on a scanner's user agent, and none on the visitor", async () => {
    writeFileSync(config, 'content:\n  builtin: false\n');
    writeFileSync(log, LINES.join('\n') + '\n');
    const r = await runHerd(['--data-dir', data, '-c', config, 'replay', '--dsn', `file://${log}`, '--type', 'nginx', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const list = await runHerd(['--data-dir', data, 'alerts', 'list', '--json']);
    const alerts = JSON.parse(list.stdout) as { scenario: string; source?: { value?: string }; value?: string }[];
    const scenarios = alerts.map((a) => a.scenario);
    expect(scenarios).toContain('crowdsecurity/http-bad-user-agent');
    expect(JSON.stringify(alerts)).toContain('198.51.100.7');
    expect(JSON.stringify(alerts)).not.toContain('203.0.113.9');
  }, 60_000);

  it('reports a broken installed item with its file and line, and still runs the rest of the hub', async () => {
    const broken = join(data, 'hub', 'installed', 'scenarios', 'crowdsecurity', 'http-probing.yaml');
    appendFileSync(broken, '\nthis_key_does_not_exist: true\n');
    rmSync(join(data, 'herd.db'), { force: true });
    const r = await runHerd(['--data-dir', data, '-c', config, 'replay', '--dsn', `file://${log}`, '--type', 'nginx', '--json'], {
      env: { HERD_LOG_LEVEL: 'error' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/http-probing\.yaml:\d+/);
    expect(r.stderr).toMatch(/this_key_does_not_exist/);
    expect(JSON.parse(r.stdout).alerts).toBeGreaterThan(0);
  }, 60_000);
});
