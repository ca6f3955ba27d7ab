import { describe, expect, it } from 'vitest';
import { generateCorpus } from './corpus.js';
import { isPrivateAddress } from './ip-pool.js';
import { NGINX_COMBINED, parseAuthLine, parseNginxLine, SYSLOG_LINE } from './parse-lines.js';

const corpus = generateCorpus({ seed: 2024, nginxLines: 40_000, sshdLines: 20_000, start: new Date(Date.UTC(2025, 10, 5)) });
const nginx = [...corpus.nginx];
const sshd = [...corpus.sshd];

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}$/;
const PROGRAMS = new Set(['sshd', 'sudo', 'su', 'CRON', 'systemd-logind']);

describe('nginx access log', () => {
  it('writes every line in the combined format with a $time_local timestamp', () => {
    for (const line of nginx) expect(line).toMatch(NGINX_COMBINED);
    expect(nginx[0]).toMatch(/ \[05\/Nov\/2025:\d{2}:\d{2}:\d{2} \+0000\] /);
  });

  it('uses valid IPv4 and canonical IPv6 client addresses, some of them IPv6', () => {
    let v6 = 0;
    for (const line of nginx) {
      const ip = parseNginxLine(line)?.ip ?? '';
      if (ip.includes(':')) {
        v6++;
        expect(ip).toMatch(IPV6);
        expect(ip).not.toMatch(/(^|:)0[0-9a-f]/);
      } else {
        expect(ip).toMatch(IPV4);
      }
    }
    expect(v6).toBeGreaterThan(nginx.length * 0.03);
  });

  it('has the methods, statuses and clients of a real site', () => {
    const methods = new Set<string>();
    const statuses = new Set<number>();
    const agents = new Set<string>();
    for (const line of nginx) {
      const r = parseNginxLine(line);
      if (!r) continue;
      methods.add(r.method);
      statuses.add(r.status);
      agents.add(r.agent);
    }
    for (const m of ['GET', 'POST', 'HEAD', 'PUT', 'OPTIONS']) expect(methods).toContain(m);
    for (const s of [200, 204, 301, 302, 304, 401, 403, 404, 500]) expect(statuses).toContain(s);
    const all = [...agents].join('\n');
    for (const ua of ['Googlebot', 'bingbot', 'curl/', 'Wget/', 'python-requests', 'UptimeRobot', 'kube-probe', 'iPhone', 'Android']) {
      expect(all).toContain(ua);
    }
    expect(all).toMatch(/Feedly|NetNewsWire|Tiny Tiny RSS|FreshRSS|Inoreader|Miniflux|Feedbin|NewsBlur/);
  });

  it('requests pages, static assets, API endpoints and query strings', () => {
    const text = nginx.join('\n');
    for (const ext of ['.css', '.js', '.png', '.jpg', '.svg', '.woff2', '.ico']) expect(text).toContain(`${ext} HTTP/`);
    expect(text).toMatch(/"GET \/api\/v1\/[^"]*\?[^"]* HTTP/);
    expect(text).toMatch(/"GET \/search\?q=[^"]*(select|union|script)[^"]* HTTP/);
    expect(text).toContain('"GET /robots.txt HTTP/1.1"');
  });
});

describe('auth.log', () => {
  it('writes every line in the traditional syslog format with a space-padded day', () => {
    for (const line of sshd) {
      const m = SYSLOG_LINE.exec(line);
      expect(m, line).not.toBeNull();
      expect(PROGRAMS).toContain(m?.[7]);
    }
    expect(sshd[0]).toMatch(/^Nov {2}5 \d{2}:\d{2}:\d{2} web-01 /);
  });

  it('uses the real OpenSSH and PAM message variants', () => {
    const text = sshd.join('\n');
    const variants = [
      /sshd\[\d+\]: Failed password for root from \S+ port \d+ ssh2$/m,
      /sshd\[\d+\]: Failed password for invalid user \S+ from \S+ port \d+ ssh2$/m,
      /sshd\[\d+\]: Invalid user \S+ from \S+ port \d+$/m,
      /sshd\[\d+\]: Connection closed by authenticating user \S+ \S+ port \d+ \[preauth\]$/m,
      /sshd\[\d+\]: Disconnected from invalid user \S+ \S+ port \d+ \[preauth\]$/m,
      /sshd\[\d+\]: pam_unix\(sshd:auth\): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=\S+ {2}user=root$/m,
      /sshd\[\d+\]: Received disconnect from \S+ port \d+:11: Bye Bye \[preauth\]$/m,
      /sshd\[\d+\]: Connection closed by \S+ port \d+ \[preauth\]$/m,
      /sshd\[\d+\]: Unable to negotiate with \S+ port \d+: no matching key exchange method found\. Their offer: \S+ \[preauth\]$/m,
      /sshd\[\d+\]: Accepted publickey for deploy from \S+ port \d+ ssh2: ED25519 SHA256:[A-Za-z0-9+/]{43}$/m,
      /sshd\[\d+\]: Accepted password for \S+ from \S+ port \d+ ssh2$/m,
      /sshd\[\d+\]: pam_unix\(sshd:session\): session opened for user \S+\(uid=\d+\) by \(uid=0\)$/m,
      /sshd\[\d+\]: pam_unix\(sshd:session\): session closed for user \S+$/m,
      /CRON\[\d+\]: pam_unix\(cron:session\): session opened for user root\(uid=0\) by \(uid=0\)$/m,
      /sudo: +\S+ : TTY=pts\/\d+ ; PWD=\S+ ; USER=root ; COMMAND=/m,
      /systemd-logind\[\d+\]: New session \d+ of user \S+\.$/m,
      /sshd\[\d+\]: PAM \d+ more authentication failures?; /m,
    ];
    for (const v of variants) expect(text).toMatch(v);
  });

  it('gives each sshd connection its own pid, used by one client', () => {
    const owner = new Map<number, string>();
    for (const line of sshd) {
      const r = parseAuthLine(line, 2025);
      if (!r || r.program !== 'sshd' || r.pid === undefined || r.ip === undefined) continue;
      const known = owner.get(r.pid);
      if (known === undefined) owner.set(r.pid, r.ip);
      else expect(known, line).toBe(r.ip);
    }
    expect(owner.size).toBeGreaterThan(1_000);
  });
});

describe('addresses', () => {
  it('keeps 10/8 and 192.168/16 for benign internal traffic only', () => {
    for (const a of corpus.truth.attackers) expect(isPrivateAddress(a.ip)).toBe(false);
    expect(corpus.truth.benign.nginx.some(isPrivateAddress)).toBe(true);
    expect(corpus.truth.benign.sshd.some(isPrivateAddress)).toBe(true);
  });

  it('puts Googlebot and bingbot only in their published ranges', () => {
    for (const line of nginx) {
      const r = parseNginxLine(line);
      if (!r) continue;
      if (r.agent.includes('Googlebot')) expect(r.ip).toMatch(/^(66\.249\.(6[4-9]|7\d)\.|2001:4860:4801:)/);
      if (r.agent.includes('bingbot')) expect(r.ip).toMatch(/^(157\.55\.39|207\.46\.13|40\.77\.(167|188|189)|13\.66\.139|52\.167\.144)\./);
    }
  });
});
