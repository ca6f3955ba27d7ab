/**
 * injection.nosql — query operators smuggled into a value: a JSON string field replaced by
 * `{"$ne": null}`, `{"$gt": ""}` or `{"$regex": ".*"}`, a query or form field sent as
 * `field[$ne]=…`. It is a finding only when the answer changes the way an operator would:
 * - the operator gets the answer the right value gets, while a wrong value and a plain object
 *   (not an operator) do not — a login that fails with a wrong password succeeds with $ne;
 * - or the operator returns more items than the value, a wrong value and a plain object do.
 * A 400 (type error) is the correct answer and ends the test of that operator.
 */
import { randomBytes } from 'node:crypto';
import type { Check, CheckContext } from '../../check.js';
import type { Exchange, ScanRequest } from '../../model.js';
import { itemCount, sameShape, snapshot, type Snapshot } from './compare.js';
import type { InjectionPoint } from './inputs.js';
import { describeInput, probeInputs, shown, type Baseline, type Prober } from './probe.js';

interface Probe {
  readonly label: string;
  readonly request: ScanRequest;
}

function operatorProbes(point: InjectionPoint, wrong: string): Probe[] {
  if (point.setJson !== undefined && point.kind === 'json') {
    return [
      { label: '{"$ne":null}', request: point.setJson({ $ne: null }) },
      { label: '{"$gt":""}', request: point.setJson({ $gt: '' }) },
      { label: '{"$regex":".*"}', request: point.setJson({ $regex: '.*' }) },
    ];
  }
  if (point.setOperator !== undefined) {
    const op = point.setOperator;
    return [
      { label: `${point.name}[$ne]=${wrong}`, request: op('$ne', wrong) },
      { label: `${point.name}[$regex]=.*`, request: op('$regex', '.*') },
      { label: `${point.name}[$gt]=`, request: op('$gt', '') },
    ];
  }
  return [];
}

/** The same nesting without an operator: `{"herd…": "x"}`. What an API that ignores objects answers. */
function controlProbe(point: InjectionPoint, tag: string): ScanRequest | null {
  if (point.setJson !== undefined && point.kind === 'json') return point.setJson({ [tag]: 'x' });
  if (point.setOperator !== undefined) return point.setOperator(tag, 'x');
  return null;
}

const ok = (s: Snapshot | null): s is Snapshot => s !== null && s.status >= 200 && s.status < 300;

async function probeInput(point: InjectionPoint, prober: Prober, base: Baseline): Promise<{ detail: string; evidence: Exchange[] } | null> {
  const rand = randomBytes(4).toString('hex');
  const wrongValue = `herd-nx-${rand}`;
  const probes = operatorProbes(point, wrongValue);
  const control = controlProbe(point, `herdctl${rand}`);
  if (probes.length === 0 || control === null) return null;
  const baseSnap = base.snapshots[0];
  const baseItems = itemCount(baseSnap.json);
  const snap = (e: Exchange): Snapshot | null => (e.response === null ? null : snapshot(e.response));
  let wrong: { e: Exchange; s: Snapshot | null } | undefined;
  let ctl: { e: Exchange; s: Snapshot | null } | undefined;
  for (const probe of probes) {
    if (!prober.canSend(1)) return null;
    const oe = await prober.send(probe.request);
    const os = snap(oe);
    if (!ok(os)) continue;
    const likeBaseline = sameShape(os, baseSnap);
    const more = itemCount(os.json) > baseItems;
    if (!likeBaseline && !more) continue;
    if (!prober.canSend(3)) return null;
    if (wrong === undefined) {
      const e = await prober.send(point.set(wrongValue));
      wrong = { e, s: snap(e) };
    }
    if (ctl === undefined) {
      const e = await prober.send(control);
      ctl = { e, s: snap(e) };
    }
    const ws = wrong.s;
    const cs = ctl.s;
    const operatorOnly = likeBaseline && (ws === null || !sameShape(ws, baseSnap)) && (cs === null || !sameShape(cs, baseSnap));
    const operatorMore = more && (cs === null || itemCount(os.json) > itemCount(cs.json)) && (ws === null || itemCount(os.json) > itemCount(ws.json));
    if (!operatorOnly && !operatorMore) continue;
    // The same operator again: the effect must hold.
    const again = await prober.send(probe.request);
    const as = snap(again);
    if (!ok(as) || !sameShape(as, os)) continue;
    const wrongWas = ws === null ? 'no answer' : `HTTP ${ws.status}`;
    const detail = operatorOnly
      ? `With ${shown(probe.label)} in the ${describeInput(point)}, the request got the same kind of answer as with the right value (HTTP ${os.status}), while a wrong value got ${wrongWas} and a plain object HTTP ${cs?.status ?? 'none'}: the value is used as a query operator.`
      : `With ${shown(probe.label)} in the ${describeInput(point)}, the answer lists ${itemCount(os.json)} items where the value itself gives ${baseItems} and a plain object ${cs === null ? 'no answer' : itemCount(cs.json)}: the value is used as a query operator.`;
    return { detail, evidence: [base.exchanges[0], wrong.e, ctl.e, oe, again] };
  }
  return null;
}

export const nosqlInjection: Check = {
  id: 'injection.nosql',
  title: 'NoSQL operator injection',
  severity: 'high',
  cwe: 'CWE-943',
  owasp: 'API8:2023',
  appliesTo: 'rest',
  description:
    'The API passes a value from the request to a document database query without checking that it is a plain string, so a JSON object such as {"$ne": null} or a query parameter such as password[$ne]=x becomes a query operator (OWASP Top 10 2021 A03:2021 Injection). Operators turn an equality test into "anything but", "greater than" or a regular expression: a login accepts any password, a filter returns every record, and $where or $function can run code in the database. The API Security Top 10 (2023) has no injection category; herd files it under API8:2023 Security Misconfiguration.',
  remediation: {
    summary:
      'Validate the type of every input before it reaches the query: fields that should be strings must be strings (reject objects and arrays with 400). Build filters from known fields with explicit $eq, never by passing request objects through. With Mongoose, keep strictQuery and sanitizeFilter on; strip keys starting with $ or containing dots from user objects (express-mongo-sanitize). Disable server-side JavaScript ($where) in the database.',
    snippets: {
      Express: `// Reject anything but strings before it reaches MongoDB
app.post('/api/auth/login', async (req, res) => {
  const { username, password } = req.body ?? {};
  if (typeof username !== 'string' || typeof password !== 'string') {
    return res.status(400).json({ error: 'username and password must be strings' });
  }
  const user = await users.findOne({ username: { $eq: username } });
  if (!user || !(await bcrypt.compare(password, user.passwordHash))) return res.sendStatus(401);
  res.json({ token: issueToken(user) });
});`,
      Fastify: `// A JSON schema rejects objects where strings are expected (400 before the handler runs)
app.post('/api/auth/login', {
  schema: { body: { type: 'object', required: ['username', 'password'], additionalProperties: false,
    properties: { username: { type: 'string' }, password: { type: 'string' } } } },
}, async (req) => login(req.body.username, req.body.password));`,
      NestJS: `// class-validator: @IsString() makes {"$ne": null} a 400; Mongoose sanitizeFilter strips operators
export class LoginDto {
  @IsString() username!: string;
  @IsString() password!: string;
}
mongoose.set('sanitizeFilter', true);`,
      Flask: `# PyMongo: check types, and compare with $eq
data = request.get_json(silent=True) or {}
username, password = data.get("username"), data.get("password")
if not isinstance(username, str) or not isinstance(password, str):
    abort(400)
user = db.users.find_one({"username": {"$eq": username}})`,
      Spring: `// Spring Data MongoDB: bind typed values, never a Document built from the request
record Login(@NotBlank String username, @NotBlank String password) {}
Query q = Query.query(Criteria.where("username").is(login.username()));
User user = mongo.findOne(q, User.class);`,
      'Go net/http': `var in struct {
    Username string \`json:"username"\`
    Password string \`json:"password"\`
}
// Decoding into string fields fails on objects: answer 400.
if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
    http.Error(w, "bad request", http.StatusBadRequest)
    return
}
err := users.FindOne(ctx, bson.D{{Key: "username", Value: bson.D{{Key: "$eq", Value: in.Username}}}}).Decode(&u)`,
    },
    references: [
      'https://owasp.org/Top10/A03_2021-Injection/',
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection',
      'https://cheatsheetseries.owasp.org/cheatsheets/Injection_Prevention_Cheat_Sheet.html',
      'https://cwe.mitre.org/data/definitions/943.html',
    ],
  },
  run: (ctx: CheckContext) =>
    probeInputs(ctx, (p) => (p.kind === 'json' && p.valueType === 'string') || p.kind === 'query' || p.kind === 'form', probeInput),
};
