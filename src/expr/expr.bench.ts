/**
 * Micro benchmark of typical CrowdSec filters (a script, not a test): prints the time of one
 * evaluation in ns for both backends (closures, codegen), without and with a host field reader.
 * Run it compiled, as production runs (vitest's module transform makes every
 * imported call slower and would measure that instead):
 *
 *   npx tsc -p tsconfig.build.json && node dist/src/expr/expr.bench.js
 */
import RE2 from 're2';
import { compileExpr } from './compile-expr.js';
import type { FieldReaderFactory } from './compile-types.js';
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

/**
 * Events whose maps were filled in different orders, as events of different parsers are: V8 then
 * sees several shapes at each read, as it does in production.
 */
const ENVS = Array.from({ length: 8 }, (_, i) => {
  const evt = new Event();
  for (const name of ['Meta', 'Parsed'] as const) {
    const entries = Object.entries(evt[name]);
    const map = createStringMap();
    for (let j = 0; j < i % 3; j++) map[`extra_${i}_${j}`] = 'x';
    for (const [k, v] of i % 2 === 0 ? entries : entries.reverse()) map[k] = v;
    evt[name] = map;
  }
  return { evt };
});
type Env = (typeof ENVS)[number];

/** Direct reads of the event's string maps, as the host provides them (src/parse/field-read.ts). */
const STRING_MAPS = new Set(['Parsed', 'Meta', 'Enriched']);
const fieldReader: FieldReaderFactory = (root, path) => {
  if (root !== 'evt' || path.length !== 2 || !STRING_MAPS.has(path[0])) return null;
  const map = path[0] as 'Parsed' | 'Meta' | 'Enriched';
  const key = path[1];
  return (e) => {
    const v = (e as Env).evt[map][key];
    return v === undefined ? '' : v;
  };
};

const base = { variables: ['evt'], regex: (s: string) => new RE2(s), functions: crowdsecHelpers() };

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
  "evt.Meta.service == 'ssh' && evt.Meta.log_type in ['ssh_failed-auth', 'x'] && evt.Parsed.message contains '${' && evt.Parsed.program matches '^ss'",
  "len(evt.Parsed.message) > 10 ? Lower(evt.Parsed.program) : evt.Meta.service + '-' + evt.Meta.log_type",
  "evt.Parsed.message contains 'union' || evt.Parsed.message contains 'select' || evt.Parsed.message contains '(' || evt.Parsed.message contains ';'",
];

/** Pairs of columns: closures, then codegen with the same options. */
const SETUPS: { name: string; backend: 'closures' | 'auto'; reader: boolean }[] = [
  { name: 'closures', backend: 'closures', reader: false },
  { name: 'codegen', backend: 'auto', reader: false },
  { name: 'closures+reader', backend: 'closures', reader: true },
  { name: 'codegen+reader', backend: 'auto', reader: true },
];

const compiled = SETUPS.map((s) =>
  FILTERS.map((src) => compileExpr(src, { ...base, backend: s.backend, ...(s.reader ? { fieldReader } : {}) })),
);
for (let j = 0; j < FILTERS.length; j++) {
  const want = JSON.stringify(ENVS.map((env) => compiled[0][j].run(env)));
  for (const row of compiled) if (JSON.stringify(ENVS.map((env) => row[j].run(env))) !== want) throw new Error(`backends differ on ${FILTERS[j]}`);
}

function nsPerEval(run: (env: Env) => unknown, n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run(ENVS[i & 7]);
  return Number(process.hrtime.bigint() - t0) / n;
}

/** One cell per setup; codegen columns also show their speed-up over the closures beside them. */
function cells(ns: number[]): string {
  return ns.map((v, i) => `${v.toFixed(1)}${i % 2 === 1 ? ` (${(ns[i - 1] / v).toFixed(1)}x)` : ''}`.padStart(16)).join('');
}

const runs = Number(process.env.HERD_BENCH_RUNS ?? 2_000_000);
// Warm every expression of every setup first, interleaved, so the shared closures see all the shapes
// they see in production (one event runs many different filters) before anything is timed.
for (let i = 0; i < runs / 20; i++) for (const row of compiled) for (const e of row) e.run(ENVS[i & 7]);

console.log(`node ${process.version}, ${runs} evaluations each, ns per evaluation (speed-up of codegen over closures)`);
console.log(`${SETUPS.map((s) => s.name.padStart(16)).join('')}  expression`);
const totals = SETUPS.map(() => 0);
for (let j = 0; j < FILTERS.length; j++) {
  const ns = compiled.map((row) => nsPerEval((env) => row[j].run(env), runs));
  ns.forEach((v, i) => (totals[i] += v));
  console.log(`${cells(ns)}  ${FILTERS[j]}`);
}
console.log(`${cells(totals)}  sum`);
// All filters of one event in turn, as the parser and the scenarios run them.
const mixed = compiled.map(
  (row) =>
    nsPerEval((env) => {
      for (const e of row) e.run(env);
    }, runs / 10) / row.length,
);
console.log(`${cells(mixed)}  mean, all in turn`);
