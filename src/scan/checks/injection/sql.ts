/**
 * injection.sql — SQL injection, found three ways per input, cheapest first:
 * - error-based: a quote makes the answer carry a database syntax error absent from the baseline
 *   (seen twice);
 * - boolean-based: a condition appended to the value changes the answer the way SQL would — the
 *   neutral condition gives the baseline answer, the other a different one — twice over;
 * - time-based: a sleep function of one engine delays the answer, twice, with a fast baseline in
 *   between.
 * Boolean payloads use AND (it can only narrow what the statement touches); OR payloads, needed
 * when the baseline answer is empty, are sent on read-only methods only.
 */
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import { isEmptyResult, itemCount, sameShape, snapshot, type Snapshot } from './compare.js';
import { anyHasDbError, findDbError } from './db-errors.js';
import type { InjectionPoint } from './inputs.js';
import { confirmDelay, describeInput, isSafeMethod, isSecretInput, probeInputs, shown, type Baseline, type Hit, type Prober } from './probe.js';

const SLEEP_S = 3;

async function errorBased(point: InjectionPoint, prober: Prober, base: Baseline): Promise<Hit | null> {
  const bodies = base.exchanges.map((e) => e.response?.body ?? '');
  for (const payload of [`${point.value}'`, `${point.value}"`]) {
    if (!prober.canSend(2)) return null;
    const first = await prober.send(point.set(payload));
    const match = first.response === null ? null : findDbError(first.response.body);
    if (match === null || anyHasDbError(bodies, match)) continue;
    const second = await prober.send(point.set(payload));
    const again = second.response === null ? null : findDbError(second.response.body);
    if (again === null || again.engine !== match.engine) continue;
    return {
      detail: `The value ${shown(payload)} in the ${describeInput(point)} made the answer (HTTP ${first.response?.status}) carry a ${match.engine} syntax error ("${shown(match.text)}") that the baseline answer does not have: the value is spliced into the SQL text.`,
      evidence: [base.exchanges[0], first, second],
    };
  }
  return null;
}

/** [neutral, other] payload pairs: the neutral one should leave the answer unchanged. */
function booleanPairs(point: InjectionPoint, emptyBaseline: boolean, readOnly: boolean): [string, string][] {
  const v = point.value;
  // `'x' LIKE 'x` stays true when the statement appends `%'` after the value (LIKE '%…%').
  const and: [string, string][] = [
    [`${v}' AND 'x' LIKE 'x`, `${v}' AND 'x' LIKE 'y`],
    [`${v}%' AND 'x' LIKE 'x`, `${v}%' AND 'x' LIKE 'y`],
  ];
  const or: [string, string][] = [
    [`${v}' OR 'x' LIKE 'y`, `${v}' OR 'x' LIKE 'x`],
    [`${v}%' OR 'x' LIKE 'y`, `${v}%' OR 'x' LIKE 'x`],
  ];
  if (point.valueType === 'number') {
    and[1] = [`${v} AND 1=1`, `${v} AND 1=2`];
    or[1] = [`${v} OR 1=2`, `${v} OR 1=1`];
  }
  if (!emptyBaseline) return and;
  return readOnly ? or : [];
}

async function booleanBased(point: InjectionPoint, prober: Prober, base: Baseline, readOnly: boolean): Promise<Hit | null> {
  const ref = base.reference;
  const snap = (e: Exchange, payload: string): Snapshot | null => (e.response === null ? null : snapshot(e.response, [[payload, point.value]]));
  for (const [neutral, other] of booleanPairs(point, isEmptyResult(base.snapshots[0]), readOnly)) {
    if (!prober.canSend(2)) return null;
    const n1 = await prober.send(point.set(neutral));
    const sn1 = snap(n1, neutral);
    if (sn1 === null || !ref.same(sn1)) continue;
    const o1 = await prober.send(point.set(other));
    const so1 = snap(o1, other);
    if (so1 === null || !ref.differs(so1)) continue;
    if (!prober.canSend(2)) return null;
    const n2 = await prober.send(point.set(neutral));
    const o2 = await prober.send(point.set(other));
    const sn2 = snap(n2, neutral);
    const so2 = snap(o2, other);
    if (sn2 === null || so2 === null || !ref.same(sn2) || !ref.differs(so2) || !sameShape(so1, so2)) continue;
    const answer = (s: Snapshot): string => `HTTP ${s.status}, ${s.json !== undefined ? `${itemCount(s.json)} items` : `${s.text.length} bytes`}`;
    return {
      detail: `In the ${describeInput(point)}, ${shown(neutral)} gives the same answer as ${shown(point.value)} (${answer(base.snapshots[0])}) while ${shown(other)} gives another (${answer(so1)}), twice: the condition is evaluated as SQL.`,
      evidence: [base.exchanges[0], n1, o1, n2, o2],
    };
  }
  return null;
}

/** Sleep payloads per engine (SQLite has no sleep function: its errors and conditions are found above). */
function sleepPayloads(point: InjectionPoint): [string, string][] {
  const v = point.value;
  if (point.valueType === 'number') {
    return [
      ['MySQL/MariaDB', `${v} AND (SELECT 1 FROM (SELECT SLEEP(${SLEEP_S}))h)`],
      ['PostgreSQL', `${v}+(SELECT 0 FROM pg_sleep(${SLEEP_S}))`],
      ['Microsoft SQL Server', `${v};WAITFOR DELAY '0:0:${SLEEP_S}'--`],
      ['Oracle', `${v}+DBMS_PIPE.RECEIVE_MESSAGE('h',${SLEEP_S})`],
    ];
  }
  return [
    ['MySQL/MariaDB', `${v}' AND (SELECT 1 FROM (SELECT SLEEP(${SLEEP_S}))h) AND 'x' LIKE 'x`],
    ['PostgreSQL', `${v}'||(SELECT '' FROM pg_sleep(${SLEEP_S}))||'`],
    ['Microsoft SQL Server', `${v}';WAITFOR DELAY '0:0:${SLEEP_S}'--`],
    ['Oracle', `${v}'||DBMS_PIPE.RECEIVE_MESSAGE('h',${SLEEP_S})||'`],
  ];
}

async function timeBased(point: InjectionPoint, prober: Prober, base: Baseline): Promise<Hit | null> {
  for (const [engine, payload] of sleepPayloads(point)) {
    const confirmed = await confirmDelay(prober, point.set(payload), point.baseline, base.timesMs, SLEEP_S * 1000);
    if (confirmed === null) {
      if (!prober.canSend()) return null;
      continue;
    }
    const [first, again, second] = confirmed;
    const ms = (e: Exchange): string => (e.response === null ? 'no answer before the timeout' : `${Math.round(e.response.timeMs)} ms`);
    return {
      detail: `The ${engine} sleep ${shown(payload)} in the ${describeInput(point)} delayed the answer by about ${SLEEP_S} s twice (${ms(first)}, ${ms(second)}; baseline ${Math.round(Math.max(...base.timesMs))} ms, then ${ms(again)}): the value runs as SQL.`,
      evidence: [base.exchanges[0], first, again, second],
    };
  }
  return null;
}

export const sqlInjection: Check = {
  id: 'injection.sql',
  title: 'SQL injection',
  severity: 'critical',
  cwe: 'CWE-89',
  owasp: 'API8:2023',
  // GraphQL APIs have their own SQL injection check (checks/graphql/sql-injection.ts), which also
  // reads masked errors from differences in the answers: one check per protocol, not two.
  appliesTo: 'rest',
  description:
    'An input of the API is pasted into the text of an SQL statement instead of being passed to the database as a bound parameter, so characters such as quotes change the statement itself (OWASP Top 10 2021 A03:2021 Injection). Whoever controls the input can read or change any table the application account can reach, bypass login and filters, and often take over the database server. The API Security Top 10 (2023) has no injection category; herd files it under API8:2023 Security Misconfiguration.',
  remediation: {
    summary:
      'Never build SQL by concatenating or formatting input: pass every value as a bound parameter (placeholders such as ?, $1, :name) or through the ORM query API, which sends values apart from the SQL text. Identifiers that must vary (sort column, direction) come from an allowlist. Answer database errors with a generic message and log the details server-side. Run the application with a database account limited to what it needs.',
    snippets: {
      Express: `// node-postgres: $1 is bound, never part of the SQL text
app.get('/api/products', async (req, res) => {
  const search = String(req.query.search ?? '');
  const { rows } = await pool.query(
    "SELECT id, name FROM products WHERE name ILIKE '%' || $1 || '%' LIMIT 20",
    [search],
  );
  res.json(rows);
});`,
      Fastify: `// better-sqlite3: prepare once, bind on every call
const byName = db.prepare("SELECT id, name FROM products WHERE name LIKE '%' || ? || '%' LIMIT 20");
app.get('/api/products', async (req) => byName.all(String(req.query.search ?? '')));`,
      'Django/DRF': `# The ORM binds values; with raw SQL pass them as params, never with % or f-strings
search = request.query_params.get("search", "")
products = Product.objects.filter(name__icontains=search)[:20]
# raw: Product.objects.raw("SELECT * FROM shop_product WHERE name LIKE %s", [f"%{search}%"])`,
      Flask: `from sqlalchemy import text

rows = db.session.execute(
    text("SELECT id, name FROM products WHERE name LIKE :pattern LIMIT 20"),
    {"pattern": f"%{request.args.get('search', '')}%"},
).all()`,
      Spring: `// JdbcTemplate binds the ? placeholders
List<Product> products = jdbc.query(
    "SELECT id, name FROM products WHERE name LIKE ? LIMIT 20",
    productMapper, "%" + search + "%");`,
      Rails: `like = "%#{Product.sanitize_sql_like(params[:search].to_s)}%"
products = Product.where("name LIKE ?", like).limit(20)`,
      'Go net/http': `rows, err := db.QueryContext(r.Context(),
    "SELECT id, name FROM products WHERE name LIKE '%' || $1 || '%' LIMIT 20",
    r.URL.Query().Get("search"))
if err != nil {
    http.Error(w, "internal error", http.StatusInternalServerError) // no SQL text to the client
    return
}`,
    },
    references: [
      'https://owasp.org/Top10/A03_2021-Injection/',
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Query_Parameterization_Cheat_Sheet.html',
      'https://cwe.mitre.org/data/definitions/89.html',
    ],
  },
  run: (ctx: CheckContext) =>
    probeInputs(ctx, (p) => !isSecretInput(p), async (point, prober, base, target) => {
      const readOnly = isSafeMethod(target.operation.method) || target.operation.id.startsWith('Query.');
      return (await errorBased(point, prober, base)) ?? (await booleanBased(point, prober, base, readOnly)) ?? (await timeBased(point, prober, base));
    }),
};
