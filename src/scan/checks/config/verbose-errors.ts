/**
 * config.verbose-errors: provokes errors cheaply — a word where a number, boolean, uuid, date or
 * enum value is expected, a malformed percent-encoding in a path segment, an unknown route and,
 * outside safe mode, a truncated JSON body — and reports the answers
 * that show stack traces, SQL errors, debug pages or source paths. An internal already present in
 * the operation's ordinary answer (sample) is not counted.
 */
import type { Check, CheckContext, Sample } from '../../check.js';
import type { ApiOperation, Exchange, ScanRequest } from '../../model.js';
import { errorLeaks, type ErrorLeak } from './error-signatures.js';
import { quote, randomSegment } from './responses.js';
import { apiPrefix, fillPath, originUrl, plausibleValue, samplesOf, wrongTypeValue } from './target-urls.js';

const MAX_OPERATIONS = 12;
const MAX_BODY_PROBES = 3;
/** A percent-encoding that is not UTF-8 (a cut 3-byte sequence): many routers throw decoding it. */
const BAD_ENCODING = '%E0%A4%A';
const TRUNCATED_JSON = '{"herd": ["x", ';

interface Probe {
  readonly location: string;
  /** What was sent, for the detail (`id=x-herd-1 in the path`). */
  readonly what: string;
  readonly request: ScanRequest;
  readonly as: string | null;
  /** The ordinary answer of the same operation, when exploration has one. */
  readonly baseline?: Sample;
}

function pickSample(ctx: CheckContext, op: ApiOperation): Sample | undefined {
  const list = samplesOf(ctx, op);
  // Credentials get the request past authentication, to the code that parses parameters.
  return list.find((s) => s.user !== null) ?? list[0];
}

/** The operation's URL with some path and query values replaced (others from the sample or the spec). */
function urlWith(ctx: CheckContext, op: ApiOperation, prefix: string, sample: Sample | undefined, path: Readonly<Record<string, string>>, query: Readonly<Record<string, string>>, rawPath?: string): string {
  const values: Record<string, string> = {};
  for (const p of op.parameters) if (p.in === 'path') values[p.name] = sample?.pathValues[p.name] ?? plausibleValue(p);
  Object.assign(values, path);
  let filled = fillPath(op.path, values);
  if (rawPath !== undefined) filled = op.path.replace(/\{([^}/]+)\}/g, (_, name: string) => (name === rawPath ? BAD_ENCODING : encodeURIComponent(values[name] ?? '1')));
  const u = new URL(originUrl(ctx, prefix + filled));
  if (sample !== undefined) {
    try {
      new URL(sample.request.url).searchParams.forEach((v, k) => u.searchParams.append(k, v));
    } catch {
      /* a sample's URL is always absolute; nothing to keep otherwise */
    }
  }
  for (const p of op.parameters) if (p.in === 'query' && p.required && !u.searchParams.has(p.name)) u.searchParams.set(p.name, plausibleValue(p));
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}

function jsonHeaders(): Record<string, string> {
  return { accept: 'application/json' };
}

function restProbes(ctx: CheckContext): { probes: Probe[]; unknownRoute: Probe } {
  const prefix = apiPrefix(ctx);
  const firstUser = ctx.users[0]?.name ?? null;
  const probes: Probe[] = [];
  const reads = ctx.api.operations.filter((op) => op.method === 'GET');
  // Operations with samples first: their URLs are known to reach the code.
  reads.sort((a, b) => Number(ctx.samples.has(b.id)) - Number(ctx.samples.has(a.id)));
  let typed = 0;
  let encoded = 0;
  for (const op of reads) {
    const sample = pickSample(ctx, op);
    const as = sample?.user ?? (op.requiresAuth ? firstUser : null);
    const location = `${op.method} ${op.path}`;
    const wrongPath: Record<string, string> = {};
    const wrongQuery: Record<string, string> = {};
    for (const p of op.parameters) {
      const w = wrongTypeValue(p);
      if (w === undefined) continue;
      if (p.in === 'path') wrongPath[p.name] = w;
      else if (p.in === 'query') wrongQuery[p.name] = w;
    }
    const names = (o: Record<string, string>, where: string): string => `${Object.keys(o).map((n) => `${n}=${o[n]}`).join(', ')} in the ${where}`;
    if (typed < MAX_OPERATIONS && (Object.keys(wrongPath).length > 0 || Object.keys(wrongQuery).length > 0)) {
      typed++;
      if (Object.keys(wrongPath).length > 0)
        probes.push({ location, what: `a wrong type (${names(wrongPath, 'path')})`, request: { method: 'GET', url: urlWith(ctx, op, prefix, sample, wrongPath, {}), headers: jsonHeaders() }, as, baseline: sample });
      if (Object.keys(wrongQuery).length > 0)
        probes.push({ location, what: `a wrong type (${names(wrongQuery, 'query')})`, request: { method: 'GET', url: urlWith(ctx, op, prefix, sample, {}, wrongQuery), headers: jsonHeaders() }, as, baseline: sample });
    }
    const pathParam = op.parameters.find((p) => p.in === 'path');
    if (encoded < 2 && pathParam !== undefined) {
      encoded++;
      probes.push({
        location,
        what: `a malformed percent-encoding (${pathParam.name}=${BAD_ENCODING})`,
        request: { method: 'GET', url: urlWith(ctx, op, prefix, sample, {}, {}, pathParam.name), headers: jsonHeaders() },
        as,
        baseline: sample,
      });
    }
  }
  if (!ctx.safe) {
    const writers = ctx.api.operations.filter((op) => op.requestBody !== undefined && /json/i.test(op.requestBody.contentType) && op.method !== 'GET');
    writers.sort((a, b) => Number(b.method === 'POST') - Number(a.method === 'POST'));
    for (const op of writers.slice(0, MAX_BODY_PROBES)) {
      const sample = pickSample(ctx, op);
      probes.push({
        location: `${op.method} ${op.path}`,
        what: 'a truncated JSON body',
        request: { method: op.method, url: urlWith(ctx, op, prefix, sample, {}, {}), headers: { ...jsonHeaders(), 'content-type': 'application/json' }, body: TRUNCATED_JSON },
        as: sample?.user ?? (op.requiresAuth ? firstUser : null),
      });
    }
  }
  const unknownRoute: Probe = { location: '*', what: 'an unknown route', request: { method: 'GET', url: originUrl(ctx, `${prefix}/${randomSegment()}`), headers: jsonHeaders() }, as: null };
  return { probes, unknownRoute };
}

/** The internals of the answer that the operation's ordinary answer does not already show. */
function newLeaks(exchange: Exchange, baseline: Sample | undefined): ErrorLeak[] {
  const r = exchange.response;
  if (r === null) return [];
  const leaks = errorLeaks(r.status, r.body);
  if (leaks.length === 0 || baseline?.exchange.response == null) return leaks;
  // Every kind counts in the ordinary answer (a path there is data, whatever its status).
  const before = new Set(errorLeaks(500, baseline.exchange.response.body).map((l) => l.kind));
  return leaks.filter((l) => !before.has(l.kind));
}

export const verboseErrorsCheck: Check = {
  id: 'config.verbose-errors',
  title: 'Error responses reveal internals',
  severity: 'medium',
  cwe: 'CWE-209',
  owasp: 'API8:2023',
  appliesTo: 'rest',
  description:
    'When a request is malformed, the API answers with its internals: a stack trace, the text of a database error, a framework debug page or the absolute paths of its source files. This tells an attacker the language, framework and library versions, the layout of the code, table and column names and sometimes the query itself, which turns blind guessing into targeted attacks (SQL injection, known CVEs, path traversal). It usually means the service runs with development settings in production.',
  remediation: {
    summary:
      'Validate input before use and answer invalid input with 400 and a generic problem+json message. Install one error handler that logs the exception with a correlation id and returns only a generic message and that id; turn off debug modes and stack traces in production configuration.',
    snippets: {
      Express: `// last middleware; NODE_ENV=production also hides stacks in the default handler
app.use((err, req, res, next) => {
  const id = crypto.randomUUID();
  req.log?.error({ err, id });
  res.status(err.status && err.status < 500 ? err.status : 500)
    .type('application/problem+json')
    .json({ title: err.status < 500 ? 'Bad request' : 'Internal error', id });
});`,
      Fastify: `app.setErrorHandler((err, req, reply) => {
  req.log.error({ err });
  const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
  reply.code(status).type('application/problem+json')
    .send({ title: status < 500 ? 'Bad request' : 'Internal error', status });
});`,
      NestJS: `@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(e: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse();
    const status = e instanceof HttpException ? e.getStatus() : 500;
    res.status(status).json({ title: status < 500 ? 'Bad request' : 'Internal error', status });
  }
}
// app.useGlobalFilters(new ProblemFilter()); app.useGlobalPipes(new ValidationPipe());`,
      'Django/DRF': `# settings.py
DEBUG = False
# DRF answers validation errors as 400; map everything else to a generic 500:
def exception_handler(exc, context):
    response = rest_framework.views.exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled", exc_info=exc)
        return Response({"detail": "Internal error"}, status=500)
    return response`,
      Flask: `app.config["DEBUG"] = False  # and never app.run(debug=True) in production
@app.errorhandler(Exception)
def handle(e):
    app.logger.exception(e)
    code = e.code if isinstance(e, HTTPException) else 500
    return {"title": "Bad request" if code < 500 else "Internal error"}, code`,
      Spring: `# application.properties
server.error.include-stacktrace=never
server.error.include-message=never
server.error.include-exception=false
# and a @RestControllerAdvice that maps MethodArgumentTypeMismatchException to 400`,
      'Go net/http': `id, err := strconv.Atoi(r.PathValue("id"))
if err != nil {
  http.Error(w, "id must be a number", http.StatusBadRequest) // not err.Error() from deeper layers
  return
}
// and a recover() middleware that logs the panic and answers a bare 500`,
      Rails: `# config/environments/production.rb
config.consider_all_requests_local = false
# app/controllers/application_controller.rb
rescue_from StandardError do |e|
  Rails.logger.error(e.full_message)
  render json: { title: "Internal error" }, status: :internal_server_error
end`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cwe.mitre.org/data/definitions/209.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html',
      'https://www.rfc-editor.org/rfc/rfc9457',
    ],
  },

  async run(ctx: CheckContext): Promise<void> {
    // GraphQL APIs: graphql.debug-errors covers their error answers.
    if (ctx.api.kind !== 'rest') return;
    const rest = restProbes(ctx);
    const probes = [...rest.probes, rest.unknownRoute];
    const reported = new Set<string>();
    for (const probe of probes) {
      if (reported.has(probe.location)) continue;
      if (!ctx.client.canSend()) return;
      const exchange = await ctx.client.send(probe.request, { as: probe.as });
      const leaks = newLeaks(exchange, probe.baseline);
      if (leaks.length === 0 || exchange.response === null) continue;
      reported.add(probe.location);
      const shown = leaks.slice(0, 3).map((l) => `${l.kind} (${quote(l.text.replace(/^[^\w/\\.#]+/, ''), 100)})`);
      ctx.report({
        location: probe.location,
        key: probe.location === '*' ? 'unknown-route' : undefined,
        detail: `Sending ${probe.what} answers ${exchange.response.status} with ${shown.join(', ')}.`,
        evidence: [exchange],
      });
    }
  },
};
