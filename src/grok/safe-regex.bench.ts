/**
 * Per-line cost of grok on its three paths: V8 (what herd uses), V8's linear engine alone (what
 * V8 falls back to on excessive backtracking), and the re2 binding. Run with
 * `npx vitest bench --run src/grok` (needs ../shared/crowdsec-patterns).
 */

import { bench, describe } from 'vitest';
import { compileGrok, compileNamedGrok, loadPatternDirectory, type GrokPattern } from './index.js';
import { sharedPatternsDir } from './shared-fixtures.js';

const dir = sharedPatternsDir();
const lib = dir ? loadPatternDirectory(dir) : undefined;
if (lib) lib.add('NGCUSTOMUSER', '[a-zA-Z0-9\\.\\@\\-\\+_%]+');

const NGINX =
  '(%{IPORHOST:target_fqdn}(:%{INT:port})? )?%{IPORHOST:remote_addr} - (%{NGCUSTOMUSER:remote_user} )?\\[%{HTTPDATE:time_local}\\] "%{WORD:verb} %{DATA:request} HTTP/%{NUMBER:http_version}" %{NUMBER:status} %{NUMBER:body_bytes_sent} "%{NOTDQUOTE:http_referer}" "%{NOTDQUOTE:http_user_agent}"( %{NUMBER:request_length} %{NUMBER:request_time} \\[%{DATA:proxy_upstream_name}\\] \\[%{DATA:proxy_alternative_upstream_name}\\])?';

const cases: [string, (engine: 'auto' | 're2' | 'v8-linear') => GrokPattern, string][] = lib
  ? [
      [
        'nginx combined (hub pattern), 200 chars',
        (engine) => compileGrok(lib, NGINX, { engine }),
        '192.168.1.100 - - [10/Oct/2023:13:55:36 +0000] "GET /index.php?id=1&foo=bar HTTP/1.1" 200 2326 "https://example.com/start" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Safari/537.36"',
      ],
      ['sshd SSHD_FAIL', (engine) => compileNamedGrok(lib, 'SSHD_FAIL', { engine }), 'Failed password for root from 203.0.113.5 port 52211 ssh2'],
      ['syslog SYSLOGLINE', (engine) => compileNamedGrok(lib, 'SYSLOGLINE', { engine }), 'Oct 11 22:14:15 myhost sshd[12345]: Failed password for root from 198.51.100.7 port 2222 ssh2'],
      ['HOSTPORT on 1000 letters (hostile)', (engine) => compileNamedGrok(lib, 'HOSTPORT', { engine }), 'a'.repeat(1000)],
    ]
  : [];

for (const [name, compile, line] of cases) {
  describe(name, () => {
    for (const engine of ['auto', 're2', 'v8-linear'] as const) {
      const g = compile(engine);
      const dest: Record<string, string> = {};
      bench(engine === 'auto' ? `herd (${g.regex.engine})` : engine, () => {
        g.parseInto(line, dest);
      });
    }
  });
}
