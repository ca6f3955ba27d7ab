/**
 * Micro benchmark of typical CrowdSec filters (a script, not a test): prints the time of one
 * evaluation in ns. Run it compiled, as production runs (vitest's module transform makes every
 * imported call slower and would measure that instead):
 *
 *   npx tsc -p tsconfig.build.json && node dist/src/expr/expr.bench.js
 */
import RE2 from 're2';
import { compileExpr } from './compile-expr.js';
import { crowdsecHelpers } from './crowdsec-helpers.js';
import { createStringMap } from './values.js';

class Line {
  Raw = 'Jan  1 00:00:00 host sshd[1]: Failed password for root from 1.2.3.4 port 22';
  Src = '/var/log/auth.log';
  Module = 'file';
  Labels = createStringMap({ type: 'syslog' });
}

class Event {
  Type = 0;
  Stage = 's01-parse';
  Whitelisted = false;
  Line = new Line();
  Parsed = createStringMap({ program: 'sshd', message: 'Failed password for root from 1.2.3.4', source_ip: '1.2.3.4' });
  Meta = createStringMap({
    log_type: 'ssh_failed-auth',
    service: 'ssh',
    source_ip: '1.2.3.4',
    http_status: '404',
    http_path: '/admin',
  });
  Enriched = createStringMap({});
  GetMeta(key: string): string {
    return this.Meta[key] ?? '';
  }
}

const env = { evt: new Event() };
const options = { variables: ['evt'], regex: (s: string) => new RE2(s), functions: crowdsecHelpers() };

const FILTERS = [
  "evt.Meta.log_type == 'ssh_failed-auth'",
  "evt.Meta.service == 'http' && evt.Meta.log_type in ['http_access-log', 'http_error-log']",
  "evt.Meta.log_type == 'ssh_failed-auth' || evt.Meta.log_type == 'ssh_failed-auth-bis'",
  "evt.Line.Labels.type == 'syslog' && evt.Parsed.program == 'sshd'",
  "evt.Parsed.message contains 'Failed password'",
  "evt.Meta.http_path matches '^/(admin|wp-login)'",
  'evt.Meta.source_ip',
  "evt.GetMeta('service') == 'ssh'",
  "Upper(evt.Parsed.program) == 'SSHD'",
  "evt.Meta.http_status in ['404', '403', '502'] && !(evt.Meta.http_path startsWith '/static')",
  "IpInRange(evt.Meta.source_ip, '1.2.0.0/16')",
];

const compiled = FILTERS.map((src) => compileExpr(src, options));

function nsPerEval(run: () => void, n: number): number {
  for (let i = 0; i < n / 10; i++) run();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run();
  return Number(process.hrtime.bigint() - t0) / n;
}

const runs = Number(process.env.HERD_BENCH_RUNS ?? 2_000_000);
console.log(`node ${process.version}, ${runs} evaluations each`);
console.log('ns/eval  expression');
for (const expr of compiled) {
  const ns = nsPerEval(() => expr.run(env), runs);
  console.log(`${ns.toFixed(1).padStart(7)}  ${expr.source}`);
}
