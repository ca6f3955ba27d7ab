import { describe, expect, it } from 'vitest';
import { runHerd } from './support/herd-cli.js';

/** `herd explain`: every node tried per stage, with what it set, and the scenarios fed. */

interface Explanation {
  stages: { stage: string; passed: boolean; nodes: { name: string; success: boolean; reason?: string; changes: { op: string; field: string; value: string }[] }[] }[];
  parsed: boolean;
  whitelisted: boolean;
  scenarios: string[];
}

const field = (x: Explanation, name: string, f: string) =>
  x.stages.flatMap((s) => s.nodes).find((n) => n.name === name)?.changes.find((c) => c.field === f)?.value;

describe('herd explain', () => {
  it('explains an nginx access line', async () => {
    const line = '203.0.113.50 - - [08/Jan/2026:10:00:00 +0100] "GET /wp-login.php?x=1 HTTP/1.1" 404 153 "-" "Mozilla/5.0"';
    const r = await runHerd(['explain', '--type', 'nginx', '--log', line, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const x = JSON.parse(r.stdout) as Explanation;
    expect(x.stages.map((s) => s.stage)).toEqual(['s00-raw', 's01-parse', 's02-enrich']);
    expect(x.stages.every((s) => s.passed)).toBe(true);
    expect(x.stages[0]!.nodes.map((n) => [n.name, n.success])).toEqual([
      ['herd/syslog-envelope', false],
      ['herd/non-syslog', true],
    ]);
    expect(x.stages[0]!.nodes[0]!.reason).toBe('filter mismatch');
    expect(field(x, 'herd/nginx-logs', 'evt.Meta.source_ip')).toBe('203.0.113.50');
    expect(field(x, 'herd/nginx-logs', 'evt.Meta.http_status')).toBe('404');
    expect(field(x, 'herd/nginx-logs', 'evt.Meta.http_path')).toBe('/wp-login.php?x=1');
    expect(field(x, 'herd/dateparse-enrich', 'evt.MarshaledTime')).toBe('2026-01-08T10:00:00+01:00');
    expect(field(x, 'herd/http-logs', 'evt.Parsed.file_ext')).toBe('.php');
    expect(x.parsed).toBe(true);
    expect(x.scenarios).toContain('herd/http-probing');
    expect(x.scenarios).not.toContain('herd/ssh-bruteforce');
  });

  it('explains an sshd line read through syslog', async () => {
    const line = 'Jan  8 10:00:00 bastion sshd[4242]: Failed password for invalid user oracle from 198.51.100.23 port 40022 ssh2';
    const r = await runHerd(['explain', '--type', 'syslog', '--log', line, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const x = JSON.parse(r.stdout) as Explanation;
    expect(field(x, 'herd/syslog-envelope', 'evt.Parsed.program')).toBe('sshd');
    expect(field(x, 'herd/syslog-envelope', 'evt.Meta.machine')).toBe('bastion');
    expect(field(x, 'herd/sshd-logs', 'evt.Meta.log_type')).toBe('ssh_failed-auth');
    expect(field(x, 'herd/sshd-logs', 'evt.Meta.target_user')).toBe('oracle');
    expect(field(x, 'herd/sshd-logs', 'evt.Meta.source_ip')).toBe('198.51.100.23');
    const nginx = x.stages[1]!.nodes.find((n) => n.name === 'herd/nginx-logs')!;
    expect(nginx.success).toBe(false);
    expect(x.scenarios).toEqual(expect.arrayContaining(['herd/ssh-bruteforce', 'herd/ssh-slow-bruteforce', 'herd/ssh-user-enumeration']));
  });

  it('prints a readable tree', async () => {
    const line = 'Jan  8 10:00:00 bastion sshd[4242]: Accepted publickey for deploy from 198.51.100.23 port 40022 ssh2: ED25519 SHA256:abc';
    const r = await runHerd(['explain', '--type', 'syslog', '--log', line]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('├ s01-parse');
    expect(r.stdout).toMatch(/\[ok\] herd\/sshd-logs/);
    expect(r.stdout).toContain('+ evt.Meta.log_type : ssh_success-auth');
    expect(r.stdout).toContain('parser success');
  });

  it('says when a line is not parsed', async () => {
    const r = await runHerd(['explain', '--type', 'nginx', '--log', 'this is not an access log line', '--json']);
    const x = JSON.parse(r.stdout) as Explanation;
    expect(x.parsed).toBe(false);
    expect(x.stages[1]!.passed).toBe(false);
  });
});
