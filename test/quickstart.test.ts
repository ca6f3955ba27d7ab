import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHerd } from './support/herd-cli.js';

/**
 * The README's contract: with no configuration and no logs of its own, `herd start` replays the
 * sample logs from herd's generator and prints the alerts and decisions; the decisions are then
 * listed for scripts in the documented JSON shape.
 */
const dir = mkdtempSync(join(tmpdir(), 'herd-quickstart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quick start on a machine without logs', () => {
  it('replays the samples and prints alerts and decisions', async () => {
    const data = join(dir, 'data');
    const r = await runHerd(['start', '--data-dir', data], { cwd: dir, timeoutMs: 120_000 });
    if (r.stderr.includes('replaying sample logs')) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Alerts: [1-9]\d*/);
      expect(r.stdout).toMatch(/Decisions: [1-9]\d* active/);
      expect(r.stdout).toContain('herd/ssh-bruteforce');
    } else {
      // This machine has /var/log/nginx/access.log or /var/log/auth.log: start follows them instead.
      console.warn('skipped: this machine has real logs, so herd start follows them');
      return;
    }
    const list = await runHerd(['decisions', 'list', '--data-dir', data, '--json']);
    expect(list.code).toBe(0);
    const decisions = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) {
      expect(d).toEqual(expect.objectContaining({ value: expect.any(String), scope: 'Ip', type: 'ban', origin: 'crowdsec', scenario: expect.stringMatching(/^herd\//) }));
      expect(d.duration).toMatch(/^(\d+h)?(\d+m)?\d+s$/);
    }
    const alerts = await runHerd(['alerts', 'list', '--data-dir', data, '--json', '--limit', '5']);
    const a = JSON.parse(alerts.stdout) as { id: number; scenario: string; source: { value: string } }[];
    expect(a.length).toBe(5);
    const inspect = await runHerd(['alerts', 'inspect', String(a[0]!.id), '--data-dir', data]);
    expect(inspect.stdout).toContain(a[0]!.scenario);
    const metrics = await runHerd(['metrics', '--data-dir', data]);
    expect(metrics.stdout).toContain('nginx-access.log');
    expect(metrics.stdout).toContain('herd/nginx-logs');
  }, 180_000);
});
