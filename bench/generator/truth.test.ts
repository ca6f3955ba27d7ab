import { describe, expect, it } from 'vitest';
import { HTTP_BEHAVIOURS, SSH_BEHAVIOURS } from './behaviours.js';
import { generateCorpus } from './corpus.js';
import { parseAuthLine, parseNginxLine, type AuthRecord, type NginxRecord } from './parse-lines.js';
import type { LogName, Truth } from './truth.js';

const corpus = generateCorpus({ seed: 99, nginxLines: 60_000, sshdLines: 30_000, start: new Date(Date.UTC(2025, 0, 8)) });
const truth = corpus.truth;

const byIp = { nginx: new Map<string, NginxRecord[]>(), sshd: new Map<string, AuthRecord[]>() };
for (const line of corpus.nginx) {
  const r = parseNginxLine(line);
  if (!r) throw new Error(`unparsed nginx line: ${line}`);
  const list = byIp.nginx.get(r.ip) ?? [];
  list.push(r);
  byIp.nginx.set(r.ip, list);
}
// auth.log lines that name no client (check pass, PAM notices) belong to the client of their sshd pid.
const records: AuthRecord[] = [];
const pidClient = new Map<number, string>();
for (const line of corpus.sshd) {
  const r = parseAuthLine(line, 2025);
  if (!r) throw new Error(`unparsed auth.log line: ${line}`);
  records.push(r);
  if (r.program === 'sshd' && r.pid !== undefined && r.ip !== undefined) pidClient.set(r.pid, r.ip);
}
for (const r of records) {
  const ip = r.ip ?? (r.program === 'sshd' && r.pid !== undefined ? pidClient.get(r.pid) : undefined);
  if (ip === undefined) continue;
  const list = byIp.sshd.get(ip) ?? [];
  list.push(r);
  byIp.sshd.set(ip, list);
}

/** What each behaviour leaves in the lines of an IP that shows it. */
const EVIDENCE: Readonly<Record<string, (lines: readonly (NginxRecord | AuthRecord)[]) => boolean>> = {
  'http-probing': (ls) => (ls as NginxRecord[]).some((r) => r.status === 404 || r.status === 403),
  'http-sensitive-files': (ls) =>
    (ls as NginxRecord[]).some((r) => /\/\.[A-Za-z]|backup|\.sql|\.bak|~$|id_rsa|config|phpinfo|credentials|secrets|\.key|tfstate|\.log$|info\.php|\.ya?ml$|\.json$|\.zip$|\.tar\.gz$|\.rar$|\.py$|web\.config/i.test(r.uri)),
  'http-login-bruteforce': (ls) => (ls as NginxRecord[]).some((r) => r.method === 'POST' && /login/.test(r.uri) && (r.status === 401 || r.status === 403)),
  'http-crawl': (ls) => (ls as NginxRecord[]).some((r) => r.method === 'GET' && /^\/(products|category|tag|blog|docs|about|pricing|[a-z-]*$)/.test(r.uri)),
  'http-scanner-ua': (ls) =>
    (ls as NginxRecord[]).some((r) => /sqlmap|Nikto|Nmap|masscan|zgrab|gobuster|DirBuster|WPScan|Nuclei|Fuzz Faster|feroxbuster|WhatWeb|OpenVAS|Wfuzz|Jorgee|Hydra|l9explore/.test(r.agent)),
  'http-path-traversal': (ls) => (ls as NginxRecord[]).some((r) => /\.\.|%2e%2e|%252e|passwd|win\.ini|php(:|%3A)\/\/|file(:|%3A)\/\/|boot\.ini/i.test(r.uri)),
  'http-sqli': (ls) =>
    (ls as NginxRecord[]).some((r) => /union|select|sleep|waitfor|benchmark|extractvalue|updatexml|information_schema|order(\+|%20|\/\*\*\/| )by|drop(\+|%20|\/\*\*\/| )table|(%27|')(\+|%20|\/\*\*\/| )?or|rlike|procedure|1(%3D|=)1|3141/i.test(r.uri)),
  'http-xss': (ls) => (ls as NginxRecord[]).some((r) => /alert|prompt|confirm|onerror|onload|ontoggle|onfocus|onstart|javascript|script/i.test(r.uri)),
  'http-cve-probe': (ls) =>
    (ls as NginxRecord[]).some((r) =>
      /jndi|class\.module|cgi-bin|eval-stdin|invokefunction|captcha|%24%7B|mgmt\/tm|tmui|vpns|fgt_lang|dana|GponForm|element_parents|SDK\/webLanguage|_ignition|autodiscover|vropspluginui|setup\.cgi|\/shell\?|php-cgi|allow_url_include|luci|ztp|webtools|geoserver|remoting|totp|boaform|solr|actuator|text-inline/i.test(r.uri) ||
      /jndi|\(\) \{/.test(r.agent),
    ),
  'ssh-bruteforce': (ls) => (ls as AuthRecord[]).some((r) => /Failed password|authentication failure|Invalid user/.test(r.message)),
  'ssh-slow-bruteforce': (ls) => (ls as AuthRecord[]).some((r) => /Failed password|authentication failure|Invalid user/.test(r.message)),
  'ssh-user-enum': (ls) => (ls as AuthRecord[]).some((r) => /Invalid user/.test(r.message)),
};

function attackers(log: LogName): Truth['attackers'] {
  return truth.attackers.filter((a) => a.log === log);
}

describe('truth.json', () => {
  it('counts every attacker line: each attacker IP has exactly its lines in its log', () => {
    for (const a of attackers('nginx')) expect(byIp.nginx.get(a.ip)?.length, a.ip).toBe(a.lines);
    for (const a of attackers('sshd')) expect(byIp.sshd.get(a.ip)?.length, a.ip).toBe(a.lines);
  });

  it('lists every client address of a log as attacker or benign, never both', () => {
    for (const log of ['nginx', 'sshd'] as const) {
      const attacking = new Set(attackers(log).map((a) => a.ip));
      const benign = new Set(truth.benign[log]);
      for (const ip of attacking) expect(benign.has(ip), ip).toBe(false);
      const seen = new Set(byIp[log].keys());
      expect([...seen].filter((ip) => !attacking.has(ip) && !benign.has(ip))).toEqual([]);
      expect([...benign].filter((ip) => !seen.has(ip))).toEqual([]);
      expect([...attacking].filter((ip) => !seen.has(ip))).toEqual([]);
    }
    const allAttackers = new Set(truth.attackers.map((a) => a.ip));
    for (const ip of [...truth.benign.nginx, ...truth.benign.sshd]) expect(allAttackers.has(ip), ip).toBe(false);
  });

  it('shows every behaviour of every attacker in its lines', () => {
    for (const a of truth.attackers) {
      const lines = byIp[a.log].get(a.ip) ?? [];
      for (const b of a.behaviours) expect(EVIDENCE[b](lines), `${a.ip} ${b}`).toBe(true);
    }
  });

  it('gives each attacker one or two behaviours of its log, and covers them all', () => {
    const seen = new Set<string>();
    for (const a of truth.attackers) {
      expect(a.behaviours.length).toBeGreaterThanOrEqual(1);
      expect(a.behaviours.length).toBeLessThanOrEqual(2);
      const allowed: readonly string[] = a.log === 'nginx' ? HTTP_BEHAVIOURS : SSH_BEHAVIOURS;
      for (const b of a.behaviours) {
        expect(allowed).toContain(b);
        seen.add(b);
      }
    }
    for (const b of [...HTTP_BEHAVIOURS, ...SSH_BEHAVIOURS]) expect(seen).toContain(b);
  });

  it('varies attacker intensity: some barely above a human, most clearly automated', () => {
    const lines = attackers('sshd').map((a) => a.lines).sort((x, y) => x - y);
    expect(lines[0]).toBeLessThan(60);
    expect(lines[lines.length - 1]).toBeGreaterThan(lines[0] * 20);
    const web = attackers('nginx').map((a) => a.lines).sort((x, y) => x - y);
    expect(web[0]).toBeLessThanOrEqual(10);
    expect(web[web.length - 1]).toBeGreaterThan(200);
  });

  it('has the benign hard cases: NAT gateways with many browsers, crawlers, monitors, mistyped logins', () => {
    let natLike = 0;
    for (const [ip, list] of byIp.nginx) {
      if (!truth.benign.nginx.includes(ip)) continue;
      const agents = new Set(list.map((r) => r.agent));
      if (agents.size >= 10 && list.length > 1_000) natLike++;
    }
    expect(natLike).toBeGreaterThanOrEqual(1);
    const benignText = truth.benign.nginx.flatMap((ip) => byIp.nginx.get(ip) ?? []);
    expect(benignText.some((r) => r.agent.includes('Googlebot') && r.status === 404)).toBe(true);
    expect(benignText.some((r) => r.uri === '/health')).toBe(true);
    expect(benignText.some((r) => r.method === 'POST' && r.uri === '/login' && r.status === 401)).toBe(true);
    const benignSsh = truth.benign.sshd.flatMap((ip) => byIp.sshd.get(ip) ?? []);
    expect(benignSsh.some((r) => r.message.startsWith('Failed password for '))).toBe(true);
    expect(benignSsh.some((r) => r.message.startsWith('Accepted publickey for deploy'))).toBe(true);
  });

  it('scales to hundreds of attackers and thousands of benign IPs at the acceptance sizes', () => {
    // Planning only: the lines themselves are made lazily and not needed here.
    const big = generateCorpus({ seed: 42, nginxLines: 1_000_000, sshdLines: 500_000 }).truth;
    const web = big.attackers.filter((a) => a.log === 'nginx').length;
    const ssh = big.attackers.filter((a) => a.log === 'sshd').length;
    expect(web).toBeGreaterThanOrEqual(200);
    expect(web).toBeLessThan(1_000);
    expect(ssh).toBeGreaterThanOrEqual(200);
    expect(ssh).toBeLessThan(1_000);
    expect(big.benign.nginx.length).toBeGreaterThan(5_000);
    expect(big.benign.sshd.length).toBeGreaterThan(500);
  });
});
