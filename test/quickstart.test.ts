import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, runHerd, startHerd, waitFor } from './support/herd-cli.js';

/**
 * The README's contract: with no configuration and no logs of its own, `herd start` replays the
 * sample logs from herd's generator, prints the alerts and decisions and serves them on the local
 * API until stopped; the decisions are then listed for scripts in the documented JSON shape.
 */
const dir = mkdtempSync(join(tmpdir(), 'herd-quickstart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quick start on a machine without logs', () => {
  it('replays the samples, prints alerts and decisions, and serves them on the local API until stopped', async () => {
    const data = join(dir, 'data');
    // --samples does what a machine without nginx or auth logs gets by default (this one may have them).
    const herd = startHerd(['start', '--samples', '--data-dir', data, '--listen', '127.0.0.1:0'], { cwd: dir });
    try {
      await waitFor(() => herd.output().includes('keeps serving') || herd.exitCode !== null, 'the sample replay', 120_000);
    } catch (err) {
      herd.kill('SIGKILL');
      throw err;
    }
    const out = herd.output();
    expect(out).toContain('replayed sample logs');
    expect(out).toMatch(/Alerts: [1-9]\d*/);
    expect(out).toMatch(/Decisions: [1-9]\d* active/);
    expect(out).toContain('herd/ssh-bruteforce');
    const url = /local API listening on (http:\/\/\S+)/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // A request without a bouncer key is refused, as CrowdSec's API answers.
    expect((await fetch(`${url}/v1/decisions`)).status).toBe(403);
    // Prometheus metrics: the engine's counters and the API's decisions.
    const scrape = await (await fetch(`${url}/metrics`)).text();
    expect(scrape).toMatch(/^herd_lines_read_total\{source="[^"]*nginx[^"]*",type="nginx"\} [1-9]\d*$/m);
    expect(scrape).toMatch(/^herd_lines_parsed_total\{source="[^"]*",type="syslog"\} [1-9]\d*$/m);
    expect(scrape).toMatch(/^herd_bucket_overflows_total\{scenario="herd\/ssh-bruteforce"\} [1-9]\d*$/m);
    expect(scrape).toMatch(/^herd_lapi_active_decisions\{origin="crowdsec",scenario="herd\/ssh-bruteforce",type="ban"\} [1-9]\d*$/m);
    herd.kill('SIGTERM');
    expect(await exited(herd)).toBe(0);

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
