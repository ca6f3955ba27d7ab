/**
 * inventory.undocumented-endpoints: other versions and shadow copies of the documented read
 * operations. For `/api/v2/users` it tries `/api/v0…v3/users` and `/api/users`; for `/api/users`,
 * `/api/v1/users`, `/api/v2/users`, `/v1/users`, `/api/internal/users` and `/api/old/users`. A
 * path is reported when it is not in the spec and answers 2xx with JSON unlike a random path under
 * the same prefix (catch-alls), and is not a plain alias of the documented operation (same answer,
 * same protection). Each variant family is tried on a few paths first and followed only when one
 * answers, which bounds the requests.
 */
import type { Check, CheckContext } from '../../check.js';
import type { ApiOperation, Exchange } from '../../model.js';
import { contentType, is2xx, isSubstantialJson, jsonOf, normalizeBody, randomSegment, sameAsBaseline } from './responses.js';
import { apiPrefix, fillPath, originUrl, plausibleValue, samplesOf } from './target-urls.js';

/** Paths tried per family before giving it up, and at most followed once it answered. */
const TRIES_PER_FAMILY = 6;
const FOLLOW_PER_FAMILY = 8;
const MAX_PROBES = 80;

const VERSION = /^v(\d{1,2})(?:\.\d+)?$/i;
const API_ROOTS = new Set(['api', 'rest', 'services', 'service']);
/** Last segments naming the caller's own object: `/users/me` stands for the collection `/users`. */
const SELF_SEGMENTS = new Set(['me', 'self', 'current', 'mine']);

interface Family {
  /** `/api|v1`: the variant (insert v1 after /api), shared by every path it applies to. */
  readonly name: string;
  /** The path up to the changed part (`/api/v1`), under which a random path is the baseline. */
  readonly root: string;
  readonly candidates: Candidate[];
}

interface Candidate {
  /** The shadow path as a template (`/api/v1/users/{id}`). */
  readonly template: string;
  /** The documented path (or collection of documented paths) it is a variant of (`/api/users/{id}`). */
  readonly base: string;
  /** An operation under `base`, for path values. */
  readonly op: ApiOperation;
  /** Whether an operation under `base` needs credentials. */
  readonly protectedBase: boolean;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function join(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/** The variants of one documented path, each with its family (so that families group across paths). */
function variants(full: string): { family: string; root: string; path: string }[] {
  const s = segmentsOf(full);
  const out: { family: string; root: string; path: string }[] = [];
  const vi = s.findIndex((x) => VERSION.test(x));
  if (vi >= 0) {
    const current = Number(VERSION.exec(s[vi] ?? '')?.[1] ?? -1);
    for (let n = 0; n <= 3; n++) {
      if (n === current) continue;
      const next = [...s.slice(0, vi), `v${n}`, ...s.slice(vi + 1)];
      out.push({ family: `${join(s.slice(0, vi))}|v${n}`, root: join(next.slice(0, vi + 1)), path: join(next) });
    }
    const without = [...s.slice(0, vi), ...s.slice(vi + 1)];
    if (without.length > 0) out.push({ family: `${join(s.slice(0, vi))}|unversioned`, root: join(s.slice(0, vi)), path: join(without) });
    return out;
  }
  const j = s.length > 1 && API_ROOTS.has((s[0] ?? '').toLowerCase()) ? 1 : 0;
  const head = s.slice(0, j);
  const rest = s.slice(j);
  if (rest.length === 0) return out;
  for (const inserted of ['v1', 'v2', 'internal', 'old']) {
    out.push({ family: `${join(head)}|${inserted}`, root: join([...head, inserted]), path: join([...head, inserted, ...rest]) });
  }
  if (j > 0) out.push({ family: '/|v1', root: '/v1', path: join(['v1', ...rest]) });
  return out;
}

/** The collection a path belongs to (`/api/users/{id}`, `/api/users/me` → `/api/users`), if any. */
function collectionOf(path: string): string | undefined {
  const s = segmentsOf(path);
  const last = s[s.length - 1] ?? '';
  if (s.length < 2 || !(/^\{[^}]+\}$/.test(last) || SELF_SEGMENTS.has(last.toLowerCase()))) return undefined;
  const parent = s.slice(0, -1);
  return /^\{[^}]+\}$/.test(parent[parent.length - 1] ?? '') ? undefined : join(parent);
}

function templateMatcher(template: string): RegExp {
  const escaped = template
    .split(/\{[^}/]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`, 'i');
}

function families(ctx: CheckContext, prefix: string): Family[] {
  const documented = ctx.api.operations.map((op) => templateMatcher(prefix + op.path));
  const isDocumented = (p: string): boolean => documented.some((d) => d.test(p.replace(/\{[^}/]+\}/g, 'x')));
  // The paths to vary: documented reads, and the collections above documented paths of any method.
  const bases = new Map<string, { op: ApiOperation; protectedBase: boolean }>();
  const add = (path: string, op: ApiOperation): void => {
    const known = bases.get(path);
    if (known === undefined) bases.set(path, { op, protectedBase: op.requiresAuth });
    else if (op.requiresAuth) bases.set(path, { op: known.op, protectedBase: true });
  };
  for (const op of ctx.api.operations) if (op.method === 'GET') add(prefix + op.path, op);
  for (const op of ctx.api.operations) {
    const c = collectionOf(prefix + op.path);
    if (c !== undefined) add(c, op);
  }
  // Shallow protected paths first: a forgotten collection that skips their protection matters most.
  const rank = (path: string, protectedBase: boolean): number =>
    segmentsOf(path).length * 2 + (protectedBase ? 0 : 1) + (path.includes('{') ? 4 : 0) + (SELF_SEGMENTS.has(segmentsOf(path).pop()?.toLowerCase() ?? '') ? 1 : 0);
  const ordered = [...bases.entries()].sort((a, b) => rank(a[0], a[1].protectedBase) - rank(b[0], b[1].protectedBase));
  const byName = new Map<string, Family>();
  for (const [base, { op, protectedBase }] of ordered) {
    for (const v of variants(base)) {
      if (isDocumented(v.path)) continue;
      let f = byName.get(v.family);
      if (f === undefined) {
        f = { name: v.family, root: v.root, candidates: [] };
        byName.set(v.family, f);
      }
      if (!f.candidates.some((c) => c.template === v.path)) f.candidates.push({ template: v.path, base, op, protectedBase });
    }
  }
  return [...byName.values()];
}

function isJsonAnswer(ex: Exchange): boolean {
  const r = ex.response;
  if (!is2xx(r)) return false;
  const json = jsonOf(r);
  return (contentType(r).includes('json') || contentType(r) === '') && json !== undefined && isSubstantialJson(json);
}

export const undocumentedEndpointsCheck: Check = {
  id: 'inventory.undocumented-endpoints',
  title: 'Undocumented API version or shadow endpoint',
  severity: 'medium',
  cwe: 'CWE-1059',
  owasp: 'API9:2023',
  appliesTo: 'rest',
  description:
    'The server answers on paths its API description does not list: an older or newer version of a documented operation (/api/v1/… next to /api/v2/…), or a shadow copy under /internal or /old. Such endpoints are forgotten by their owners: they miss the fixes, authorization checks and filtering of the current version, are left out of monitoring and security testing, and often return more data to fewer credentials. Attackers look for them precisely because they bypass the protections of the documented API.',
  remediation: {
    summary:
      'Keep an inventory of every deployed API version and route, and generate the API description from the code so that nothing is served undocumented. Retire old versions: remove their routes (or answer 410 Gone) once clients have moved; never leave internal or debug routers mounted on the public server. Apply authentication and authorization in one place that every version goes through.',
    snippets: {
      Express: `// mount only the current version; old routers are deleted, not left mounted
app.use('/api/v2', requireAuth, v2Router);
app.use('/api/v1', (req, res) => res.status(410).json({ title: 'API v1 is retired' }));
app.use((req, res) => res.status(404).json({ title: 'Not found' }));`,
      Fastify: `await app.register(v2Routes, { prefix: '/api/v2' });
app.all('/api/v1/*', async (req, reply) => reply.code(410).send({ title: 'API v1 is retired' }));
// @fastify/swagger generates the description from the registered routes`,
      NestJS: `app.enableVersioning({ type: VersioningType.URI, defaultVersion: '2' });
// controllers declare @Version('2'); delete v1 controllers instead of keeping them registered
// SwaggerModule.createDocument(app, config) documents every registered route`,
      'Django/DRF': `# urls.py: only the current version
urlpatterns = [path("api/v2/", include("api.v2.urls"))]
# REST_FRAMEWORK = {"DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
#                   "ALLOWED_VERSIONS": ["v2"]}`,
      Spring: `// one security chain for every version
http.securityMatcher("/api/**").authorizeHttpRequests(a -> a.anyRequest().authenticated());
// and remove @RequestMapping("/api/v1/...") controllers once retired (springdoc lists every mapping)`,
      'Go net/http': `mux := http.NewServeMux()
mux.Handle("/api/v2/", auth(v2))
mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
  http.Error(w, "API v1 is retired", http.StatusGone)
})`,
      Rails: `# config/routes.rb
namespace :api do
  namespace :v2 do
    resources :users, only: %i[index show]
  end
  match "v1/*path", to: proc { [410, {}, ["API v1 is retired"]] }, via: :all
end`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/',
      'https://cwe.mitre.org/data/definitions/1059.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html',
    ],
  },

  async run(ctx: CheckContext): Promise<void> {
    if (ctx.api.kind !== 'rest') return;
    const prefix = apiPrefix(ctx);
    const firstUser = ctx.users[0]?.name ?? null;
    const baselines = new Map<string, { exchange: Exchange; path: string }>();
    let probes = 0;

    const send = (path: string, as: string | null): Promise<Exchange> => {
      probes++;
      return ctx.client.send({ method: 'GET', url: originUrl(ctx, path), headers: { accept: 'application/json' } }, { as });
    };
    const baseline = async (root: string, as: string | null): Promise<{ exchange: Exchange; path: string }> => {
      const key = `${as ?? ''}|${root}`;
      const cached = baselines.get(key);
      if (cached !== undefined) return cached;
      const path = `${root === '/' ? '' : root}/${randomSegment()}`;
      const b = { exchange: await send(path, as), path };
      baselines.set(key, b);
      return b;
    };
    /** The documented path's answer to the same caller: from exploration when it has one, else asked now. */
    const counterpart = async (c: Candidate, path: string, as: string | null): Promise<Exchange | undefined> => {
      if (c.base === prefix + c.op.path && c.op.method === 'GET') {
        const sample = samplesOf(ctx, c.op).find((s) => s.user === as);
        if (sample !== undefined) return sample.exchange;
      }
      if (!ctx.client.canSend()) return undefined;
      return send(path, as);
    };

    /** Whether the candidate answers like a real, distinct endpoint (reports it when so). */
    const tryCandidate = async (f: Family, c: Candidate): Promise<boolean> => {
      const sample = samplesOf(ctx, c.op)[0];
      const values: Record<string, string> = {};
      for (const p of c.op.parameters) if (p.in === 'path') values[p.name] = sample?.pathValues[p.name] ?? plausibleValue(p);
      const path = fillPath(c.template, values);

      let as: string | null = null;
      let exchange = await send(path, null);
      const anonymousStatus = exchange.response?.status;
      if (!isJsonAnswer(exchange)) {
        // Refused without credentials: the route may exist; see whether it answers a user.
        if (firstUser === null || (anonymousStatus !== 401 && anonymousStatus !== 403) || !ctx.client.canSend(2)) return false;
        as = firstUser;
        exchange = await send(path, as);
        if (!isJsonAnswer(exchange)) return false;
      }
      const b = await baseline(f.root, as);
      if (sameAsBaseline(exchange, path, b.exchange, b.path)) return false;

      const basePath = fillPath(c.base, values);
      const doc = await counterpart(c, basePath, as);
      const docOk = doc !== undefined && is2xx(doc.response);
      // The same answer under the same protection is an alias, not a forgotten endpoint.
      if (docOk && normalizeBody(doc.response?.body ?? '', []) === normalizeBody(exchange.response?.body ?? '', [])) return false;
      ctx.report({
        location: `GET ${c.template}`,
        detail:
          as === null
            ? `GET ${path} is not in the API description but answers ${exchange.response?.status} with JSON without credentials${c.protectedBase ? `, while the documented operations on ${c.base} require authentication` : ''}.`
            : `GET ${path} is not in the API description but answers ${exchange.response?.status} with JSON to ${as}${docOk ? `, unlike GET ${basePath}` : ''}.`,
        evidence: doc !== undefined ? [exchange, b.exchange, doc] : [exchange, b.exchange],
      });
      return true;
    };

    for (const f of families(ctx, prefix)) {
      let hits = 0;
      let tried = 0;
      for (const c of f.candidates) {
        if (probes >= MAX_PROBES || !ctx.client.canSend(2)) return;
        if (hits === 0 && tried >= TRIES_PER_FAMILY) break;
        if (hits > 0 && tried >= TRIES_PER_FAMILY + FOLLOW_PER_FAMILY) break;
        tried++;
        if (await tryCandidate(f, c)) hits++;
      }
    }
  },
};
