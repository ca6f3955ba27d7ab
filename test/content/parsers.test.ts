import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent, loadHerdConfig, type LoadedContent } from '../../src/agent/index.js';
import { ManualClock, silentLogger } from '../../src/core/index.js';
import { DecisionHistory } from '../../src/decisions/index.js';
import { newLogEvent, TIMEMACHINE, type Event } from '../../src/parse/index.js';

/**
 * herd's own parsers (content/parsers) on realistic lines of every format they support: what they
 * put in Meta (the fields scenarios read) and Parsed. The lines are read as herd reads them: files
 * labelled with their program (`type: nginx`), or syslog (files, journald, the listener) labelled
 * `type: syslog`.
 */

const NOW = Date.UTC(2025, 9, 11, 8, 0, 0); // 2025-10-11T08:00:00Z
let dataDir: string;
let content: LoadedContent;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'herd-content-'));
  const clock = new ManualClock(NOW);
  content = loadContent(loadHerdConfig({ dataDir }), { clock, logger: silentLogger(), history: new DecisionHistory(() => clock.now()) });
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

interface Parsed {
  ok: boolean;
  evt: Event;
  meta: Record<string, string>;
  parsed: Record<string, string>;
  problems: string[];
}

function parse(type: string, raw: string): Parsed {
  const evt = newLogEvent({ raw, src: `/var/log/${type}.log`, module: 'file', labels: { type }, readAt: NOW }, TIMEMACHINE);
  const problems: string[] = [];
  const ok = content.parser.parse(evt, { report: (kind, where, detail) => problems.push(`${kind} ${where} ${detail}`) });
  return { ok, evt, meta: { ...evt.Meta }, parsed: { ...evt.Parsed }, problems };
}

/** Parses a line that must make it through every stage, without problems. */
function parsed(type: string, raw: string): Parsed {
  const r = parse(type, raw);
  expect(r.problems, raw).toEqual([]);
  expect(r.ok, raw).toBe(true);
  return r;
}

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

it("herd's content loads without warnings", () => {
  expect(content.warnings).toEqual([]);
  expect(content.parser.stages).toEqual(['s00-raw', 's01-parse', 's02-enrich']);
});

describe('nginx access logs', () => {
  it('reads the combined format', () => {
    const r = parsed('nginx', `203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "GET /blog/post-1?ref=home HTTP/1.1" 200 5123 "https://example.com/" "${CHROME}"`);
    expect(r.meta).toMatchObject({
      service: 'http',
      log_type: 'http_access-log',
      source_ip: '203.0.113.7',
      http_status: '200',
      http_path: '/blog/post-1?ref=home',
      http_verb: 'GET',
      http_user_agent: CHROME,
      timestamp: '2025-10-10T13:55:36+02:00',
      datasource_path: '/var/log/nginx.log',
      datasource_type: 'file',
    });
    expect(r.meta.target_fqdn).toBeUndefined();
    expect(r.parsed).toMatchObject({
      program: 'nginx',
      remote_user: '-',
      http_version: '1.1',
      body_bytes_sent: '5123',
      http_referer: 'https://example.com/',
    });
    expect(r.evt.MarshaledTime).toBe('2025-10-10T13:55:36+02:00');
  });

  it('reads the common format (no referer, no user agent)', () => {
    const r = parsed('nginx', '203.0.113.7 - alice [10/Oct/2025:13:55:36 -0700] "GET /assets/app.min.js HTTP/1.1" 304 0');
    expect(r.meta).toMatchObject({ source_ip: '203.0.113.7', http_status: '304', http_path: '/assets/app.min.js', http_verb: 'GET', timestamp: '2025-10-10T13:55:36-07:00' });
    expect(r.meta.http_user_agent).toBeUndefined();
    expect(r.parsed).toMatchObject({ remote_user: 'alice', http_referer: '', http_user_agent: '' });
  });

  it('reads lines prefixed by the virtual host, with or without a port', () => {
    const r = parsed('nginx', `shop.example.com 203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "POST /login HTTP/2.0" 401 12 "-" "curl/8.5.0"`);
    expect(r.meta).toMatchObject({ target_fqdn: 'shop.example.com', source_ip: '203.0.113.7', http_verb: 'POST', http_status: '401', http_path: '/login' });
    const p = parsed('nginx', `shop.example.com:443 203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "GET / HTTP/1.1" 200 12 "-" "curl/8.5.0"`);
    expect(p.meta).toMatchObject({ target_fqdn: 'shop.example.com', source_ip: '203.0.113.7' });
    expect(p.parsed.port).toBe('443');
  });

  it('reads IPv6 clients, including with a virtual host in front', () => {
    expect(parsed('nginx', `2001:db8:85a3::8a2e:370:7334 - - [10/Oct/2025:13:55:36 +0200] "GET / HTTP/1.1" 200 12 "-" "curl/8.5.0"`).meta.source_ip).toBe('2001:db8:85a3::8a2e:370:7334');
    expect(parsed('nginx', `example.com:443 2001:db8::1 - - [10/Oct/2025:13:55:36 +0200] "GET / HTTP/1.1" 200 12 "-" "curl/8.5.0"`).meta).toMatchObject({
      source_ip: '2001:db8::1',
      target_fqdn: 'example.com',
    });
    expect(parsed('nginx', `::ffff:203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "GET / HTTP/1.1" 200 12 "-" "-"`).meta.source_ip).toBe('::ffff:203.0.113.7');
  });

  it('keeps a request line that is not HTTP (TLS on the plain port) as raw_request, without a path', () => {
    const r = parsed('nginx', String.raw`203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "\x16\x03\x01\x00\xF4\x01" 400 157 "-" "-"`);
    expect(r.meta).toMatchObject({ log_type: 'http_access-log', source_ip: '203.0.113.7', http_status: '400' });
    expect(r.meta.http_path).toBeUndefined();
    expect(r.parsed.raw_request).toBe(String.raw`\x16\x03\x01\x00\xF4\x01`);
  });

  it('reads access lines relayed by syslog (program nginx)', () => {
    const r = parsed('syslog', `Oct 10 13:55:36 web01 nginx: 203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "GET /about HTTP/1.1" 200 12 "-" "curl/8.5.0"`);
    expect(r.meta).toMatchObject({ machine: 'web01', service: 'http', log_type: 'http_access-log', source_ip: '203.0.113.7', http_path: '/about' });
    // the date of the access line wins over the syslog one (it carries the offset)
    expect(r.meta.timestamp).toBe('2025-10-10T13:55:36+02:00');
  });
});

describe('nginx error logs', () => {
  const err = (message: string, tail = `, client: 203.0.113.7, server: example.com, request: "GET /admin/ HTTP/1.1", host: "example.com"`) =>
    `2025/10/10 13:55:36 [error] 1234#1234: *5678 ${message}${tail}`;

  it('reads the client, the server name and the request', () => {
    const r = parsed('nginx', err('open() "/usr/share/nginx/html/wp-login.php" failed (2: No such file or directory)', `, client: 203.0.113.7, server: example.com, request: "GET /wp-login.php HTTP/1.1", host: "example.com"`));
    expect(r.meta).toMatchObject({
      service: 'http',
      log_type: 'http_error-log',
      source_ip: '203.0.113.7',
      target_fqdn: 'example.com',
      http_verb: 'GET',
      http_path: '/wp-login.php',
      timestamp: '2025-10-10T13:55:36Z',
    });
    expect(r.parsed).toMatchObject({ loglevel: 'error', pid: '1234', cid: '5678', message: 'open() "/usr/share/nginx/html/wp-login.php" failed (2: No such file or directory)' });
  });

  it('reads error lines without a request', () => {
    const r = parsed('nginx', err('SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking', ', client: 2001:db8::5, server: 0.0.0.0:443'));
    expect(r.meta).toMatchObject({ log_type: 'http_error-log', source_ip: '2001:db8::5', target_fqdn: '0.0.0.0:443' });
    expect(r.meta.http_path).toBeUndefined();
  });

  it('marks basic-auth failures (unknown user, wrong password) with the user name', () => {
    const unknown = parsed('nginx', err('user "admin" was not found in "/etc/nginx/.htpasswd"'));
    expect(unknown.meta).toMatchObject({ sub_type: 'auth_fail', target_user: 'admin', source_ip: '203.0.113.7', http_path: '/admin/' });
    const mismatch = parsed('nginx', err('user "bob": password mismatch'));
    expect(mismatch.meta).toMatchObject({ sub_type: 'auth_fail', target_user: 'bob' });
  });

  it('marks rate-limited requests', () => {
    const r = parsed('nginx', err('limiting requests, excess: 10.520 by zone "one"'));
    expect(r.meta.sub_type).toBe('req_limit_exceeded');
    expect(r.meta.target_user).toBeUndefined();
  });

  it('does not mark other errors as authentication failures', () => {
    expect(parsed('nginx', err('upstream timed out (110: Connection timed out) while reading response header from upstream')).meta.sub_type).toBeUndefined();
  });
});

describe('Apache httpd access logs', () => {
  it('reads the combined format', () => {
    const r = parsed('apache2', `203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "GET /index.html HTTP/1.1" 200 2326 "http://example.com/start" "${CHROME}"`);
    expect(r.meta).toMatchObject({
      service: 'http',
      log_type: 'http_access-log',
      source_ip: '203.0.113.7',
      http_status: '200',
      http_path: '/index.html',
      http_verb: 'GET',
      http_user_agent: CHROME,
      timestamp: '2025-10-10T13:55:36+02:00',
    });
    expect(r.parsed).toMatchObject({ program: 'apache2', ident: '-', http_referer: 'http://example.com/start' });
  });

  it('reads the common format', () => {
    const r = parsed('apache2', '203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326');
    expect(r.meta).toMatchObject({ source_ip: '203.0.113.7', http_path: '/apache_pb.gif', timestamp: '2000-10-10T13:55:36-07:00' });
    expect(r.parsed.remote_user).toBe('frank');
  });

  it('reads the vhost_combined format (%v:%p in front)', () => {
    const r = parsed('apache2', `www.example.com:443 203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "GET /wp-admin/ HTTP/1.1" 302 0 "-" "Mozilla/5.0"`);
    expect(r.meta).toMatchObject({ target_fqdn: 'www.example.com', source_ip: '203.0.113.7', http_status: '302' });
  });

  it('is also found under the program names httpd and apache2 from syslog', () => {
    const r = parsed('syslog', `Oct 10 13:55:36 web02 httpd[812]: 198.51.100.4 - - [10/Oct/2025:13:55:36 +0000] "GET / HTTP/1.1" 200 10 "-" "-"`);
    expect(r.meta).toMatchObject({ machine: 'web02', log_type: 'http_access-log', source_ip: '198.51.100.4' });
  });
});

describe('Apache httpd error logs', () => {
  it('reads the 2.4 format: module, pid and tid, client address and port, error code', () => {
    const r = parsed('apache2', '[Fri Oct 10 13:55:36.123456 2025] [core:error] [pid 1234:tid 140234] [client 203.0.113.7:51234] AH00126: Invalid URI in request GET /../../etc/passwd HTTP/1.1');
    expect(r.meta).toMatchObject({ service: 'http', log_type: 'http_error-log', source_ip: '203.0.113.7', timestamp: '2025-10-10T13:55:36.123456Z' });
    expect(r.parsed).toMatchObject({ module: 'core', loglevel: 'error', pid: '1234', tid: '140234', remote_port: '51234', errorcode: 'AH00126' });
  });

  it('reads the 2.2 format', () => {
    const r = parsed('apache2', '[Fri Oct 10 13:55:36 2025] [error] [client 203.0.113.7] File does not exist: /var/www/favicon.ico');
    expect(r.meta).toMatchObject({ log_type: 'http_error-log', source_ip: '203.0.113.7', timestamp: '2025-10-10T13:55:36Z' });
  });

  it('reads IPv6 clients with their port', () => {
    const r = parsed('apache2', '[Fri Oct 10 13:55:36.123456 2025] [php:error] [pid 1234] [client 2001:db8::7:51234] PHP Fatal error:  Uncaught Error, referer: http://example.com/');
    expect(r.meta.source_ip).toBe('2001:db8::7');
    expect(r.parsed.remote_port).toBe('51234');
  });

  it('marks basic-auth failures with the user name (AH01618 unknown user, AH01617 wrong password)', () => {
    const unknown = parsed('apache2', '[Fri Oct 10 13:55:36.123456 2025] [auth_basic:error] [pid 1234] [client 203.0.113.7:51234] AH01618: user bob not found: /admin');
    expect(unknown.meta).toMatchObject({ sub_type: 'auth_fail', target_user: 'bob', source_ip: '203.0.113.7' });
    const mismatch = parsed('apache2', '[Fri Oct 10 13:55:36.123456 2025] [auth_basic:error] [pid 1234] [client 203.0.113.7:51234] AH01617: user bob: authentication failure for "/admin": Password Mismatch');
    expect(mismatch.meta).toMatchObject({ sub_type: 'auth_fail', target_user: 'bob' });
  });
});

describe('OpenSSH server messages', () => {
  const SSH_IP = '203.0.113.7';
  // Every message the sshd parser lists, with the class it gives and the user it reads.
  const cases: [message: string, logType: string, user: string | undefined][] = [
    ['Failed password for root from 203.0.113.7 port 52514 ssh2', 'ssh_failed-auth', 'root'],
    ['Failed password for invalid user admin from 203.0.113.7 port 52514 ssh2', 'ssh_failed-auth', 'admin'],
    ['Failed publickey for git from 203.0.113.7 port 52514 ssh2: RSA SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s', 'ssh_failed-auth', 'git'],
    ['Failed none for invalid user test from 203.0.113.7 port 52514 ssh2', 'ssh_failed-auth', 'test'],
    ['Failed keyboard-interactive/pam for invalid user ubnt from 203.0.113.7 port 52514 ssh2', 'ssh_failed-auth', 'ubnt'],
    ['Invalid user oracle from 203.0.113.7 port 40000', 'ssh_failed-auth', 'oracle'],
    ['Invalid user oracle from 203.0.113.7', 'ssh_failed-auth', 'oracle'],
    ['Invalid user  from 203.0.113.7 port 40000', 'ssh_failed-auth', undefined],
    ['Connection closed by authenticating user root 203.0.113.7 port 52514 [preauth]', 'ssh_failed-auth', 'root'],
    ['Connection closed by invalid user admin 203.0.113.7 port 52514 [preauth]', 'ssh_failed-auth', 'admin'],
    ['Connection reset by invalid user admin 203.0.113.7 port 52514 [preauth]', 'ssh_failed-auth', 'admin'],
    ['Disconnected from authenticating user root 203.0.113.7 port 52514 [preauth]', 'ssh_failed-auth', 'root'],
    ['Disconnected from invalid user admin 203.0.113.7 port 52514 [preauth]', 'ssh_failed-auth', 'admin'],
    ['error: maximum authentication attempts exceeded for root from 203.0.113.7 port 52514 ssh2 [preauth]', 'ssh_failed-auth', 'root'],
    ['error: maximum authentication attempts exceeded for invalid user admin from 203.0.113.7 port 52514 ssh2 [preauth]', 'ssh_failed-auth', 'admin'],
    ['User root from 203.0.113.7 not allowed because not listed in AllowUsers', 'ssh_failed-auth', 'root'],
    ['banner exchange: Connection from 203.0.113.7 port 52514: invalid format', 'ssh_failed-auth', undefined],
    ['fatal: Timeout before authentication for 203.0.113.7 port 52514', 'ssh_timeout', undefined],
    ['Timeout before authentication for connection from 203.0.113.7 to 198.51.100.1, pid = 1234', 'ssh_timeout', undefined],
    ['Unable to negotiate with 203.0.113.7 port 52514: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]', 'ssh_bad_keyexchange', undefined],
    ['Unable to negotiate with 203.0.113.7 port 52514: no matching host key type found. Their offer: ssh-rsa,ssh-dss [preauth]', 'ssh_bad_keyexchange', undefined],
    ['Unable to negotiate with 203.0.113.7 port 52514: no matching cipher found. Their offer: aes128-cbc,3des-cbc [preauth]', 'ssh_bad_keyexchange', undefined],
    ['pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root', 'ssh_pam-failure', 'root'],
    ['pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7', 'ssh_pam-failure', undefined],
    ['Accepted publickey for deploy from 203.0.113.7 port 52514 ssh2: ED25519 SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s', 'ssh_success-auth', 'deploy'],
    ['Accepted password for alice from 203.0.113.7 port 52514 ssh2', 'ssh_success-auth', 'alice'],
  ];

  for (const program of ['sshd', 'sshd-session']) {
    it.each(cases)(`${program}: %s`, (message, logType, user) => {
      const r = parsed('syslog', `Oct 10 13:55:36 web01 ${program}[1234]: ${message}`);
      expect(r.meta).toMatchObject({ service: 'ssh', log_type: logType, source_ip: SSH_IP, machine: 'web01', timestamp: '2025-10-10T13:55:36Z' });
      expect(r.meta.target_user).toBe(user);
      expect(r.parsed.program).toBe(program);
    });
  }

  it('marks a bad banner as such, besides counting it as a failed authentication', () => {
    expect(parsed('syslog', 'Oct 10 13:55:36 web01 sshd[1234]: banner exchange: Connection from 203.0.113.7 port 52514: invalid format').meta.extra_log_type).toBe('ssh_bad_banner');
  });

  it('reads IPv6 and IPv4-mapped clients', () => {
    expect(parsed('syslog', 'Oct 10 13:55:36 web01 sshd[1]: Failed password for root from 2001:db8::7 port 52514 ssh2').meta.source_ip).toBe('2001:db8::7');
    expect(parsed('syslog', 'Oct 10 13:55:36 web01 sshd[1]: Invalid user pi from ::ffff:203.0.113.7 port 22').meta.source_ip).toBe('::ffff:203.0.113.7');
    expect(parsed('syslog', 'Oct 10 13:55:36 web01 sshd[1]: Accepted publickey for ops from fe80::1ff:fe23:4567:890a port 22 ssh2').meta.source_ip).toBe('fe80::1ff:fe23:4567:890a');
  });

  it('reads sshd lines from a file labelled with the program rather than syslog', () => {
    const r = parsed('sshd', 'Failed password for root from 203.0.113.7 port 52514 ssh2');
    expect(r.meta).toMatchObject({ log_type: 'ssh_failed-auth', source_ip: '203.0.113.7', target_user: 'root' });
  });

  it('leaves the messages that say nothing about authentication unparsed', () => {
    for (const message of [
      'Received disconnect from 203.0.113.7 port 52514:11: Bye Bye [preauth]',
      'Connection closed by 203.0.113.7 port 52514 [preauth]',
      'Server listening on 0.0.0.0 port 22.',
      'pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)',
    ]) {
      const r = parse('syslog', `Oct 10 13:55:36 web01 sshd[1234]: ${message}`);
      expect(r.ok, message).toBe(false);
      expect(r.meta.log_type, message).toBeUndefined();
    }
  });
});

describe('syslog envelopes', () => {
  it('reads RFC 3164 lines as rsyslog writes them, the year taken from the clock', () => {
    const r = parsed('syslog', 'Oct  2 03:04:05 web01 sshd[1234]: Failed password for root from 203.0.113.7 port 52514 ssh2');
    expect(r.meta).toMatchObject({ machine: 'web01', timestamp: '2025-10-02T03:04:05Z', datasource_path: '/var/log/syslog.log', datasource_type: 'file' });
    expect(r.parsed).toMatchObject({ program: 'sshd', pid: '1234', logsource: 'syslog' });
    expect(r.evt.StrTime).toBe('Oct  2 03:04:05');
  });

  it('reads RFC 3164 lines with a high-precision ISO timestamp (rsyslog RSYSLOG_FileFormat)', () => {
    const r = parsed('syslog', '2025-10-10T13:55:36.123456+02:00 web01 sshd[1234]: Invalid user oracle from 203.0.113.7 port 40000');
    expect(r.meta).toMatchObject({ machine: 'web01', timestamp: '2025-10-10T13:55:36.123456+02:00', log_type: 'ssh_failed-auth' });
  });

  it('reads RFC 5424 lines, without and with structured data', () => {
    const plain = parsed('syslog', '<38>1 2025-10-10T13:55:36.123456+02:00 web01 sshd 1234 - - Failed password for root from 2001:db8::7 port 52514 ssh2');
    expect(plain.meta).toMatchObject({ machine: 'web01', timestamp: '2025-10-10T13:55:36.123456+02:00', log_type: 'ssh_failed-auth', source_ip: '2001:db8::7' });
    expect(plain.parsed).toMatchObject({ program: 'sshd', pid: '1234', syslog5424_pri: '38' });
    const sd = parsed('syslog', '<38>1 2025-10-10T13:55:36Z web01 sshd 1234 ID47 [exampleSDID@32473 iut="3" eventSource="Application"] Invalid user test from 203.0.113.8 port 22');
    expect(sd.meta).toMatchObject({ source_ip: '203.0.113.8', target_user: 'test', timestamp: '2025-10-10T13:55:36Z' });
    expect(sd.parsed.syslog5424_sd).toBe('[exampleSDID@32473 iut="3" eventSource="Application"]');
  });

  it('leaves the lines of programs herd has no parser for unparsed', () => {
    const r = parse('syslog', 'Oct 10 13:55:36 web01 CRON[4321]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
    expect(r.ok).toBe(false);
    expect(r.meta.machine).toBe('web01');
    expect(r.parsed.program).toBe('CRON');
  });

  it('leaves lines that are not syslog at all unparsed', () => {
    expect(parse('syslog', 'this is not a syslog line').ok).toBe(false);
    expect(parse('syslog', '').ok).toBe(false);
  });
});

describe('HTTP enrichment (s02-enrich/http-logs)', () => {
  const access = (path: string) => parsed('nginx', `203.0.113.7 - - [10/Oct/2025:13:55:36 +0200] "GET ${path} HTTP/1.1" 200 1 "-" "${CHROME}"`);

  it('splits the path into directory, file, extension and query', () => {
    const r = access('/static/img/Logo.PNG?v=3&x=y');
    expect(r.parsed).toMatchObject({
      file_dir: '/static/img/',
      file_frag: 'Logo',
      file_ext: '.PNG',
      file_name: 'Logo.PNG',
      http_path_only: '/static/img/Logo.PNG',
      http_args: 'v=3&x=y',
      static_ressource: 'true',
    });
  });

  it('marks static resources by extension, whatever their case, and pages as not static', () => {
    for (const p of ['/a.css', '/b.js', '/c.mjs', '/d.png', '/e.JPG', '/f.svg', '/favicon.ico', '/g.woff2', '/h.mp4', '/app.js.map']) {
      expect(access(p).parsed.static_ressource, p).toBe('true');
    }
    for (const p of ['/', '/index.html', '/blog/post', '/api/v1/users', '/login.php', '/download.zip', '/wp-admin/']) {
      expect(access(p).parsed.static_ressource, p).toBe('false');
    }
  });

  it('decodes the path twice and lowercases it for the attack scenarios', () => {
    expect(access('/Search?q=%2527UNION%2520Select%2527').parsed.http_path_decoded).toBe("/search?q='union select'");
    expect(access('/a+b%20c').parsed.http_path_decoded).toBe('/a b c');
  });

  it('keeps a path that is not valid percent-encoding as it is (QueryUnescape gives its input back)', () => {
    expect(access('/100%/sure?q=%zz').parsed.http_path_decoded).toBe('/100%/sure?q=%zz');
  });

  it('lowercases the user agent for the scenarios', () => {
    expect(access('/').parsed.http_user_agent_lower).toBe(CHROME.toLowerCase());
  });

  it('enriches error-log requests too', () => {
    const r = parsed('nginx', `2025/10/10 13:55:36 [error] 1#1: *1 open() "/srv/x.php" failed (2: No such file or directory), client: 203.0.113.7, server: example.com, request: "GET /x.php?a=%2e%2e HTTP/1.1", host: "example.com"`);
    expect(r.parsed).toMatchObject({ http_path_decoded: '/x.php?a=..', file_name: 'x.php', static_ressource: 'false' });
  });
});

describe('whitelists (s02-enrich)', () => {
  const from = (ip: string, ua = CHROME) => parsed('nginx', `${ip} - - [10/Oct/2025:13:55:36 +0200] "GET /missing HTTP/1.1" 404 1 "-" "${ua}"`);

  it('whitelists loopback and private networks, IPv4 and IPv6', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.5.4', '172.31.255.255', '192.168.1.10', '169.254.0.1', '::1', 'fd00::1', 'fe80::1']) {
      const r = from(ip);
      expect(r.evt.Whitelisted, ip).toBe(true);
      expect(r.evt.WhitelistReason, ip).toBe('loopback or private network');
    }
  });

  it('does not whitelist public addresses next to the private ranges', () => {
    for (const ip of ['172.32.0.1', '192.169.0.1', '11.0.0.1', '2001:db8::1', '203.0.113.7']) {
      expect(from(ip).evt.Whitelisted, ip).toBe(false);
    }
  });

  it('whitelists private sources of ssh events too', () => {
    expect(parsed('syslog', 'Oct 10 13:55:36 web01 sshd[1]: Failed password for root from 192.168.1.20 port 52514 ssh2').evt.Whitelisted).toBe(true);
  });

  const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
  const BINGBOT = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)';

  it('whitelists Googlebot and bingbot from their published ranges', () => {
    const google = from('66.249.66.1', GOOGLEBOT);
    expect(google.evt.Whitelisted).toBe(true);
    expect(google.evt.WhitelistReason).toBe('verified search-engine crawler');
    expect(from('2001:4860:4801:10::1', GOOGLEBOT).evt.Whitelisted).toBe(true);
    expect(from('157.55.39.1', BINGBOT).evt.Whitelisted).toBe(true);
  });

  it('does not whitelist a Googlebot user agent from elsewhere, nor a browser from Google’s crawler range', () => {
    expect(from('203.0.113.7', GOOGLEBOT).evt.Whitelisted).toBe(false);
    expect(from('157.55.39.1', GOOGLEBOT).evt.Whitelisted).toBe(false);
    expect(from('66.249.66.1', CHROME).evt.Whitelisted).toBe(false);
  });
});
