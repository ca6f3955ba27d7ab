import { describe, expect, it } from 'vitest';
import RE2 from 're2';
import { HerdError } from '../core/index.js';
import { compileGrok, compileNamedGrok, expandGrok, loadPatternDirectory, parseGoRegex, PatternLibrary, type GrokPattern } from './index.js';
import { sharedPatternsDir, SHARED_PATTERNS_MISSING } from './shared-fixtures.js';

/** What grokky would return: the re2 binding on the full expansion, semantics read at their group. */
function grokkyOracle(lib: PatternLibrary, pattern: string, line: string): Record<string, string> | null {
  const expansion = expandGrok(lib, pattern);
  const groups = new Map(parseGoRegex(expansion.regex).captures.map((c) => [c.offset, c.index]));
  const m = new RE2(expansion.regex).exec(line);
  if (m === null) return null;
  const out: Record<string, string> = {};
  for (const [name, offset] of expansion.semantics) out[name] = String(m[groups.get(offset) ?? -1] ?? '');
  return out;
}

function small(): PatternLibrary {
  const lib = new PatternLibrary();
  lib.add('WORD', '\\b\\w+\\b');
  lib.add('NUM', '\\d+');
  lib.add('PROG', '[\\x21-\\x5a\\x5c\\x5e-\\x7e]+');
  lib.add('POSINT', '\\b[1-9][0-9]*\\b');
  lib.add('SYSLOGPROG', '%{PROG:program}(?:\\[%{POSINT:pid}\\])?');
  return lib;
}

describe('compileGrok', () => {
  it('writes every semantic, "" for groups that did not take part', () => {
    const g = compileGrok(small(), '%{WORD:verb}( %{NUM:count})?');
    expect(g.names).toEqual(['verb', 'count']);
    expect(g.parse('run 3')).toEqual({ verb: 'run', count: '3' });
    expect(g.parse('run')).toEqual({ verb: 'run', count: '' });
  });

  it('writes nothing and returns false when the line does not match', () => {
    const g = compileGrok(small(), 'count=%{NUM:count}');
    const dest = { before: 'kept' };
    expect(g.parseInto('no numbers here', dest)).toBe(false);
    expect(dest).toEqual({ before: 'kept' });
    expect(g.parseInto('count=12', dest)).toBe(true);
    expect(dest).toEqual({ before: 'kept', count: '12' });
  });

  it('lets the later of two equal semantics win', () => {
    expect(compileGrok(small(), '%{WORD:x} %{WORD:x}').parse('hello world')).toEqual({ x: 'world' });
  });

  it('inherits inner semantics unless the pattern names them itself', () => {
    const lib = small();
    expect(compileGrok(lib, '%{SYSLOGPROG}:').parse('cron[12]:')).toEqual({ program: 'cron', pid: '12' });
    expect(compileGrok(lib, '%{SYSLOGPROG} %{WORD:program}').parse('cron[12] hello')).toEqual({ program: 'hello', pid: '12' });
  });

  it('yields no field for a pattern without semantics, and says so', () => {
    const g = compileGrok(small(), '%{WORD} %{NUM}');
    expect(g.hasSemantics).toBe(false);
    expect(g.names).toEqual([]);
    expect(g.parse('abc 12')).toEqual({});
    expect(g.parse('abc')).toBeNull();
  });

  it('rejects lines that lack a required literal before running the regex', () => {
    const g = compileGrok(small(), '(?i:hello) (?:abc|abd)(xyz)? world=%{WORD:w}');
    expect(g.requiredLiterals).toEqual([' world=']);
    expect(g.parse('HELLO abd world=x')).toEqual({ w: 'x' });
    expect(g.parse('HELLO abd World=x')).toBeNull();
  });

  it('rejects lines through the regex prefilter, with the answers of the unfiltered pattern', () => {
    const lib = small();
    const pattern = '(?:GET|POST) /(?:wp-login\\.php|xmlrpc\\.php) %{WORD:proto}';
    const g = compileGrok(lib, pattern);
    const plain = compileGrok(lib, pattern, { prefilter: false });
    expect(String(g.regex.prefilter)).toBe('("GET /wp-login.php " | "GET /xmlrpc.php " | "POST /wp-login.php " | "POST /xmlrpc.php ")');
    expect(plain.regex.prefilter).toBeUndefined();
    for (const line of ['GET /wp-login.php HTTP', 'POST /xmlrpc.php x', 'GET /index.php HTTP', 'get /wp-login.php HTTP', '']) {
      expect(g.parse(line), line).toEqual(plain.parse(line));
    }
    expect(g.parse('POST /xmlrpc.php x')).toEqual({ proto: 'x' });
  });

  it('keeps only the semantics groups, so loops over other groups stay on V8', () => {
    const lib = small();
    lib.add('PATH', '(/([\\w_%!$@:.,~-]+|\\\\.)*)+');
    const g = compileGrok(lib, 'GET %{PATH:path} ');
    expect(g.regex.groupCount).toBe(1);
    expect(g.regex.engine).toBe('v8');
    expect(g.parse('GET /a/b/ HTTP')).toEqual({ path: '/a/b/' });
  });

  it('names the unknown pattern, and refuses an empty one', () => {
    const error = (fn: () => unknown): HerdError | undefined => {
      try {
        fn();
      } catch (err) {
        return err as HerdError;
      }
      return undefined;
    };
    const unknown = error(() => compileGrok(small(), '%{WORD} %{NOPE:x}'));
    expect(unknown?.code).toBe('HERD_GROK_UNKNOWN_PATTERN');
    expect(unknown?.message).toMatch(/%\{NOPE\}/);
    expect(error(() => compileGrok(small(), ''))?.code).toBe('HERD_GROK_PATTERN_INVALID');
    expect(error(() => compileNamedGrok(small(), 'NOPE'))?.code).toBe('HERD_GROK_UNKNOWN_PATTERN');
    expect(error(() => compileGrok(small(), '%{WORD:x} (\\1)'))?.code).toBe('HERD_REGEX_SYNTAX');
  });
});

const patternsDir = sharedPatternsDir();
const describeShared = patternsDir ? describe : describe.skip;

describeShared(patternsDir ? 'grok on real lines with the CrowdSec pattern library' : `grok on real lines (${SHARED_PATTERNS_MISSING})`, () => {
  // describe.skip still runs this body: load nothing when the library is absent.
  const lib = patternsDir ? loadPatternDirectory(patternsDir) : new PatternLibrary();
  lib.add('NGCUSTOMUSER', '[a-zA-Z0-9\\.\\@\\-\\+_%]+', 'crowdsecurity/nginx-logs');
  const nginx =
    '(%{IPORHOST:target_fqdn}(:%{INT:port})? )?%{IPORHOST:remote_addr} - (%{NGCUSTOMUSER:remote_user} )?\\[%{HTTPDATE:time_local}\\] "%{WORD:verb} %{DATA:request} HTTP/%{NUMBER:http_version}" %{NUMBER:status} %{NUMBER:body_bytes_sent} "%{NOTDQUOTE:http_referer}" "%{NOTDQUOTE:http_user_agent}"( %{NUMBER:request_length} %{NUMBER:request_time} \\[%{DATA:proxy_upstream_name}\\] \\[%{DATA:proxy_alternative_upstream_name}\\])?';

  const cases: [string, () => GrokPattern, string, Record<string, string> | null][] = [
    [
      'an nginx combined line (the hub nginx-logs pattern)',
      () => compileGrok(lib, nginx),
      '192.168.1.100 - - [10/Oct/2023:13:55:36 +0000] "GET /index.php?id=1 HTTP/1.1" 200 2326 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"',
      {
        target_fqdn: '',
        port: '',
        remote_addr: '192.168.1.100',
        remote_user: '-',
        time_local: '10/Oct/2023:13:55:36 +0000',
        verb: 'GET',
        request: '/index.php?id=1',
        http_version: '1.1',
        status: '200',
        body_bytes_sent: '2326',
        http_referer: 'https://example.com/',
        http_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
        request_length: '',
        request_time: '',
        proxy_upstream_name: '',
        proxy_alternative_upstream_name: '',
      },
    ],
    [
      'an sshd failed password (SSHD_FAIL)',
      () => compileNamedGrok(lib, 'SSHD_FAIL'),
      'Failed password for root from 192.168.1.10 port 45678 ssh2',
      { sshd_auth_type: 'password', sshd_invalid_user: 'root', sshd_client_ip: '192.168.1.10', sshd_port: '45678', sshd_protocol: 'ssh2' },
    ],
    [
      'a syslog line (SYSLOGLINE)',
      () => compileNamedGrok(lib, 'SYSLOGLINE'),
      'Oct 11 22:14:15 myhost sshd[12345]: Failed password for root from 198.51.100.7 port 2222 ssh2',
      {
        timestamp: 'Oct 11 22:14:15',
        timestamp8601: '',
        facility: '',
        priority: '',
        logsource: 'myhost',
        program: 'sshd',
        pid: '12345',
        message: 'Failed password for root from 198.51.100.7 port 2222 ssh2',
      },
    ],
    [
      'an HTTP date (HTTPDATE)',
      () => compileGrok(lib, '\\[%{HTTPDATE:date}\\]'),
      'x [10/Oct/2000:13:55:36 -0700] y',
      { date: '10/Oct/2000:13:55:36 -0700' },
    ],
    ['an IPv6 address through IPORHOST', () => compileGrok(lib, 'from %{IPORHOST:ip} port'), 'from 2001:db8::ff00:42:8329 port 22', { ip: '2001:db8::ff00:42:8329' }],
    ['an IPv6 loopback through IPORHOST', () => compileGrok(lib, 'from %{IPORHOST:ip} port'), 'from ::1 port 22', { ip: '::1' }],
    ['a scoped IPv6 address through IP', () => compileGrok(lib, '^%{IP:ip}$'), 'fe80::1%eth0', { ip: 'fe80::1%eth0' }],
    ['a host name through IPORHOST', () => compileGrok(lib, '^%{IPORHOST:h}:%{POSINT:p}$'), 'mail.example.org:25', { h: 'mail.example.org', p: '25' }],
    ['no match for a line of another format', () => compileNamedGrok(lib, 'SSHD_FAIL'), 'Accepted password for root from 1.2.3.4 port 22 ssh2', null],
  ];

  it.each(cases)('parses %s', (_name, compile, line, expected) => {
    const g = compile();
    expect(g.parse(line)).toEqual(expected);
    expect(g.parse(line)).toEqual(grokkyOracle(lib, g.pattern, line));
  });
});
