/**
 * What the literal prefilter saves on the inputs that dominate a log pipeline: long unanchored
 * alternations of literals against inputs that do not match. `before` is the same regex with
 * `prefilter: false`. `exec` is never cached; `test` runs on distinct inputs (more than the
 * answer cache holds, as for paths carrying ids). The last block compares ways to check a set
 * of literals (how LiteralAutomaton was chosen). Run with `npx vitest bench --run src/grok`.
 */

import { bench, describe } from 'vitest';
import { compileRegex } from './index.js';
import { LiteralAutomaton } from './literal-search.js';
import { MAX_REMEMBERED_ANSWERS } from './safe-regex.js';

/** 60 scanner names, as in content/scenarios/http-scanners.yaml (matched on the lowered user agent). */
const SCANNERS =
  '\\b(?:sqlmap|nikto|nmap(?: scripting engine|/| nse)|masscan|zgrab|gobuster|dirbuster|dirsearch|wpscan|nuclei|acunetix|netsparker|nessus|openvas|w3af|skipfish|arachni|wfuzz|ffuf|fuzz faster u fool|feroxbuster|hydra|whatweb|jaeles|zmeu|morfeus|commix|xsstrike|joomscan|droopescan|cmsmap|havij|pangolin|bsqlbypass|brutus|medusa|webinspect|appscan|paros|zap/|owasp zap|vega/|httprint|blackwidow|grabber|sqlninja|absinthe|fimap|jorgee|l9explore|l9tcpid|masscan-ng|zmap|struts-pwn|log4shell-scan|interactsh|burpcollaborator|qualys|detectify|whatwaf)\\b';

/** 50 branches of CVE probe paths, as in content/scenarios/http-cve-probes.yaml. */
const CVE_PATHS =
  'class\\.module\\.classloader|class\\[module\\]\\[classloader\\]|/cgi-bin/(?:\\.%2e|\\.\\.|%2e%2e|\\.%%32%65)/|/icons/(?:\\.%2e|%2e%2e|\\.\\.)/|/vendor/phpunit/phpunit/src/util/php/eval-stdin\\.php|eval-stdin\\.php|\\\\think\\\\(?:app|container|request)|invokefunction&function=|call_user_func_array&vars|/\\$\\{\\s*\\(#|%\\{\\s*\\(#|\\(#_memberaccess|@java\\.lang\\.runtime@getruntime|/mgmt/tm/util/bash|/mgmt/shared/authn/login|/vpn/\\.\\./vpns/|/remote/fgt_lang\\?lang=/\\.\\.|/gponform/diag_form|/boaform/admin/formlogin|/sdk/weblanguage|/cgi-bin/luci/;stok=|/setup\\.cgi\\?next_file=netgear\\.cfg|/hnap1/?$|wp-file-manager/lib/php/connector\\.minimal\\.php|/moveitisapi/|allow_url_include\\s*=\\s*1|auto_prepend_file\\s*=\\s*php://input|/api/v1/totp/user-backup-code/\\.\\./|/\\.%2e/%2e%2e/|/solr/admin/cores\\?action=create|/actuator/gateway/routes|/_ignition/execute-solution|/wls-wsat/coordinatorporttype|/console/css/(?:%252e%252e%252f|\\.\\./)console\\.portal|/cgi-bin/kerbynet|/system_api\\.php|/shell\\?cd\\+/tmp|/tmui/login\\.jsp/\\.\\.;/|widgetconfig\\[code\\]|/index\\.php\\?s=/index/\\\\think|/\\.well-known/acme-challenge/\\.\\./|/owa/auth/x\\.js|/autodiscover/autodiscover\\.json\\?@|/ecp/default\\.flt|/dana-na/\\.\\./dana/|/dana-cached/hc/hostchecker\\.cgi|/global-protect/portal/css/bootstrap\\.min\\.css\\.\\./|java\\.lang\\.runtime|getruntime\\(\\)\\.exec|valuereference=exec\\(';

/** A 120-character browser user agent, lowered; distinct variants differ in the version numbers. */
const userAgent = (i: number): string =>
  `mozilla/5.0 (macintosh; intel mac os x 10_15_7) applewebkit/537.36 (khtml, like gecko) chrome/${100 + (i % 50)}.0.${1000 + (i % 9000)}.${10 + (i % 90)} safari/537.36`;
/** A 60-character benign URL path. */
const urlPath = (i: number): string => `/api/v2/products/${10000 + (i % 90000)}/reviews?page=3&sort=newest&lang=en-us`;

const DISTINCT = MAX_REMEMBERED_ANSWERS + 1000;

const cases: [string, string, (i: number) => string][] = [
  ['60-name scanner alternation, 120-char browser user agent (no match)', SCANNERS, userAgent],
  ['50-branch CVE path alternation, 60-char benign path (no match)', CVE_PATHS, urlPath],
];

for (const [name, source, input] of cases) {
  describe(name, () => {
    const inputs = Array.from({ length: DISTINCT }, (_, i) => input(i));
    const one = inputs[0];
    for (const [label, prefilter] of [
      ['before', false],
      ['after', true],
    ] as const) {
      const r = compileRegex(source, { prefilter });
      if (r.test(one) || r.exec(one) !== null) throw new Error(`the benchmark input matches ${name}`);
      bench(`exec ${label}`, () => {
        r.exec(one);
      });
      let i = 0;
      bench(`test on distinct inputs ${label}`, () => {
        r.test(inputs[i]);
        i = i + 1 === DISTINCT ? 0 : i + 1;
      });
    }
  });
}

/** The alternative to an automaton: a table of first characters, then startsWith at candidates. */
function firstCharMatcher(literals: readonly string[]): (input: string) => boolean {
  const byFirst = new Map<number, string[]>();
  for (const l of literals) {
    const list = byFirst.get(l.charCodeAt(0)) ?? [];
    list.push(l);
    byFirst.set(l.charCodeAt(0), list);
  }
  const table: (string[] | undefined)[] = Array.from({ length: 128 }, (_, c) => byFirst.get(c));
  return (input) => {
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      const list = c < 128 ? table[c] : byFirst.get(c);
      if (list === undefined) continue;
      for (let k = 0; k < list.length; k++) if (input.startsWith(list[k], i)) return true;
    }
    return false;
  };
}

for (const [name, source, input] of cases) {
  describe(`literal set check: ${name.split(',')[0]}`, () => {
    const r = compileRegex(source);
    const term = r.prefilter?.terms[0] ?? [];
    const texts = term.map((l) => l.text);
    const line = input(0);
    const automaton = LiteralAutomaton.build(term);
    const folded = LiteralAutomaton.build(term.map((l) => ({ text: l.text, caseInsensitive: true })));
    const firstChar = firstCharMatcher(texts);
    if (automaton === undefined || folded === undefined) throw new Error('no automaton');
    bench(`Aho–Corasick DFA (${texts.length} literals)`, () => {
      automaton.test(line);
    });
    bench('Aho–Corasick DFA, case-insensitive', () => {
      folded.test(line);
    });
    bench('first-character table + startsWith', () => {
      firstChar(line);
    });
    bench('includes, one per literal', () => {
      for (let k = 0; k < texts.length; k++) if (line.includes(texts[k])) break;
    });
    bench('includes, one literal', () => {
      line.includes(texts[0]);
    });
  });
}
