/**
 * injection.sql over GraphQL: the string and id arguments of query fields (mutations are left
 * alone: their side effects), sent as variables.
 *
 * Error-based: a lone quote brings a database error into the answer where the same value with
 * the quote doubled (escaped) and the plain value do not. Boolean-based: `x' OR '1'='1' OR '1'='1`
 * returns more than `x' AND '1'='2' AND '1'='2`, which returns what the plain `x` returns, and a
 * second pair with other literals agrees (numeric form `1 OR 1=1` / `1 AND 1=2` for ids). The
 * payloads close the quote and reopen it, so they work inside `= '…'` and `LIKE '%…%'` alike.
 */
import { getNamedType } from 'graphql';
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import {
  buildOperation,
  isIdArg,
  isRequired,
  leafSelection,
  operationIdOf,
  payloadOf,
  rootFields,
  type GqlField,
  type GqlResult,
} from '../../graphql/index.js';
import { SQL_INFO } from './access-info.js';
import { clip, gqlEnv, samplesOf, type GqlEnv } from './gql-check.js';

/** Error text of common databases and drivers. */
export const DB_ERRORS: readonly RegExp[] = [
  /SQLITE_ERROR|SqliteError|unrecognized token:|near "[^"]{0,60}": syntax error|incomplete input/i,
  /You have an error in your SQL syntax|check the manual that corresponds to your (MySQL|MariaDB)|MySqlException|ER_PARSE_ERROR/i,
  /unterminated quoted string|syntax error at or near|PG::SyntaxError|PSQLException|invalid input syntax for/i,
  /Unclosed quotation mark after the character string|Incorrect syntax near|System\.Data\.SqlClient/i,
  /ORA-\d{5}|quoted string not properly terminated/i,
  /SQLSTATE\[|SQL syntax|JDBCException|SQLSyntaxErrorException/i,
];

export function dbErrorIn(text: string): string | null {
  for (const p of DB_ERRORS) {
    const m = p.exec(text);
    if (m !== null) return m[0];
  }
  return null;
}

const MAX_FIELDS = 15;
const MAX_ARGS = 3;

interface Probe {
  readonly exchange: Exchange;
  readonly result: GqlResult | null;
  /** Items in the answer (list length; 1 for an object; 0 for null). */
  readonly size: number;
  readonly dbError: string | null;
}

interface Target {
  readonly env: GqlEnv;
  readonly field: GqlField;
  readonly arg: string;
  readonly base: Readonly<Record<string, unknown>>;
  readonly as: string | null;
}

async function probe(t: Target, value: string): Promise<Probe> {
  const op = buildOperation('query', t.field, { ...t.base, [t.arg]: value }, leafSelection(t.field.type), { name: 'HerdSql' });
  const { exchange, result } = await t.env.transport.send(op, t.as);
  const v = result?.data?.[t.field.name];
  const size = Array.isArray(v) ? v.length : v === null || v === undefined ? 0 : 1;
  const text = result === null ? (exchange.response?.body ?? '') : result.errors.map((e) => `${e.message} ${JSON.stringify(e.extensions ?? {})}`).join('\n');
  return { exchange, result, size, dbError: dbErrorIn(text) };
}

function clean(p: Probe): boolean {
  return p.result !== null && p.result.errors.length === 0 && p.dbError === null;
}

/** Two answers alike: as many items, the same errors (a "not found" for both is alike). */
function alike(a: Probe, b: Probe): boolean {
  const errors = (p: Probe): string => (p.result?.errors ?? []).map((e) => e.message.replace(/\d+/g, '#')).sort().join('\n');
  return a.result !== null && b.result !== null && a.dbError === null && b.dbError === null && a.size === b.size && errors(a) === errors(b);
}

async function errorBased(t: Target, plain: string): Promise<{ evidence: Exchange[]; detail: string } | null> {
  const baseline = await probe(t, plain);
  if (baseline.dbError !== null) return null;
  for (const quote of ["'", '"']) {
    if (!t.env.ctx.client.canSend(2)) return null;
    const broken = await probe(t, `${plain}${quote}`);
    if (broken.dbError === null) continue;
    const escaped = await probe(t, `${plain}${quote}${quote}`);
    if (escaped.dbError !== null) continue;
    return {
      evidence: [broken.exchange, escaped.exchange, baseline.exchange],
      detail: `\`${t.arg}\` ending with a ${quote === "'" ? 'single' : 'double'} quote brings a database error into the answer ("${clip(broken.dbError, 120)}"), while the same value with the quote doubled does not: the value is pasted into SQL text.`,
    };
  }
  return null;
}

async function booleanBased(t: Target, quoted: boolean, plain: string): Promise<{ evidence: Exchange[]; detail: string } | null> {
  const pairs = quoted
    ? [
        [`${plain}' OR '1'='1' OR '1'='1`, `${plain}' AND '1'='2' AND '1'='2`],
        [`${plain}' OR '2'='2' OR '2'='2`, `${plain}' AND '2'='1' AND '2'='1`],
      ]
    : [
        [`${plain} OR 1=1`, `${plain} AND 1=2`],
        [`${plain} OR 2=2`, `${plain} AND 2=1`],
      ];
  if (!t.env.ctx.client.canSend(5)) return null;
  const baseline = await probe(t, plain);
  if (baseline.result === null || baseline.dbError !== null) return null;
  const seen: Probe[] = [];
  for (const [yes, no] of pairs) {
    const t1 = await probe(t, yes as string);
    if (!clean(t1) || t1.size <= baseline.size) return null;
    const f1 = await probe(t, no as string);
    if (!alike(f1, baseline)) return null;
    seen.push(t1, f1);
  }
  const [t1, f1, t2, f2] = seen as [Probe, Probe, Probe, Probe];
  if (t1.size !== t2.size || f1.size !== f2.size) return null;
  return {
    evidence: [t1.exchange, f1.exchange, baseline.exchange],
    detail: `\`${t.arg}\` = ${JSON.stringify(pairs[0]?.[0])} returned ${t1.size} item(s) where ${JSON.stringify(pairs[0]?.[1])} returned ${f1.size}, as many as ${JSON.stringify(plain)} alone; a second pair of conditions agreed. The value changes the logic of an SQL statement.`,
  };
}

async function run(ctx: CheckContext): Promise<void> {
  const env = gqlEnv(ctx);
  if (env === null) return;
  let fields = 0;
  for (const f of rootFields(env.schema, 'query')) {
    const opId = operationIdOf(env.schema, 'query', f);
    const sample = samplesOf(ctx, opId)[0];
    const args = f.args.filter((a) => {
      const t = getNamedType(a.type).name;
      return t === 'String' || t === 'ID';
    });
    if (sample === undefined || args.length === 0 || fields >= MAX_FIELDS) continue;
    fields += 1;
    const vars = payloadOf(sample.request)?.variables ?? {};
    const base: Record<string, unknown> = {};
    for (const a of f.args) if (a.name in vars) base[a.name] = vars[a.name];
    if (f.args.some((a) => isRequired(a) && !(a.name in base))) continue;
    for (const a of args.slice(0, MAX_ARGS)) {
      if (!ctx.client.canSend(4)) return;
      const t: Target = { env, field: f, arg: a.name, base, as: sample.user };
      const given = base[a.name];
      const plain = typeof given === 'string' && given !== '' ? given : isIdArg(a) ? '1' : 'herdzq';
      // Boolean probes start from a value that matches nothing, so that "everything" stands out.
      const nothing = isIdArg(a) ? '987654321' : 'herdzq';
      const found =
        (await errorBased(t, plain)) ??
        (await booleanBased(t, true, nothing)) ??
        (isIdArg(a) && /^\d+$/.test(plain) ? await booleanBased(t, false, nothing) : null);
      if (found === null) continue;
      ctx.report({ location: opId, key: a.name, detail: found.detail, evidence: found.evidence });
    }
  }
}

export const graphqlSqlInjectionCheck: Check = { ...SQL_INFO, appliesTo: 'graphql', run };
