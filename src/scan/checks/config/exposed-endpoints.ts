/**
 * config.exposed-endpoints: GETs a list of well-known sensitive files and endpoints (sensitive-paths.ts)
 * without credentials, relative to the base URL (and to the origin's root when the base URL has a
 * path), and reports those that answer 2xx with content that looks like the real thing and unlike
 * the answer to a random path of the same shape (so that catch-all servers report nothing).
 */
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import { is2xx, randomSegment, sameAsBaseline } from './responses.js';
import { SENSITIVE_PATHS, type SensitivePath } from './sensitive-paths.js';
import { apiPrefix, basePath, originUrl } from './target-urls.js';

function templateMatcher(template: string): RegExp {
  const escaped = template
    .split(/\{[^}/]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

/** Paths the API documents (they are meant to be there): never reported. */
function documented(ctx: CheckContext): RegExp[] {
  const prefix = apiPrefix(ctx);
  const out = ctx.api.operations.filter((op) => op.path.startsWith('/')).map((op) => templateMatcher(prefix + op.path));
  if (ctx.api.kind === 'graphql') out.push(templateMatcher(ctx.api.endpoint));
  try {
    const source = new URL(ctx.api.source);
    if (source.origin === ctx.baseUrl.origin) out.push(templateMatcher(source.pathname));
  } catch {
    /* a file path: nothing served */
  }
  return out;
}

/** The shape of a random path that stands for `path` (`/.x`, `/x.sql`, `/x/`): a catch-all tends to treat these alike. */
function shapeOf(path: string): { key: string; make: (dir: string) => string } {
  const last = path.split('/').filter((s) => s !== '').pop() ?? '';
  const dot = last.startsWith('.') ? '.' : '';
  const ext = /\.([a-z0-9]{1,6})$/i.exec(last.slice(dot.length))?.[1] ?? '';
  const slash = path.endsWith('/') ? '/' : '';
  const key = `${dot}|${ext}|${slash}`;
  return { key, make: (dir) => `${dir}/${dot}${randomSegment()}${ext !== '' ? `.${ext}` : ''}${slash}` };
}

export const exposedEndpointsCheck: Check = {
  id: 'config.exposed-endpoints',
  title: 'Sensitive file or debug endpoint exposed',
  severity: 'medium',
  cwe: 'CWE-538',
  owasp: 'API8:2023',
  appliesTo: 'any',
  description:
    'Files and endpoints meant for developers or operators are served to anyone: environment files and configuration with database passwords and API keys, the Git repository (and with it the source code), database dumps, heap dumps, debug and profiling endpoints, server status pages, metrics and administration consoles. An attacker needs nothing but their well-known names; what they reveal ranges from internal details that guide further attacks to credentials that give direct access to the data.',
  remediation: {
    summary:
      'Deploy only the built application: keep .env files, VCS folders, dumps and backups out of the web root and the image. Disable debug, profiling and management endpoints in production, or bind them to a separate internal port behind authentication. Serve static files from a dedicated directory that holds nothing else, and deny dotfiles.',
    snippets: {
      Express: `// serve only the public folder, never the project root; refuse dotfiles
app.use(express.static(path.join(__dirname, 'public'), { dotfiles: 'deny' }));
// debug routes only outside production
if (process.env.NODE_ENV !== 'production') app.use('/debug', debugRouter);`,
      Fastify: `await app.register(fastifyStatic, { root: path.join(__dirname, 'public'), dotfiles: 'deny' });
// register debug or metrics routes on a second, internal-only server
const internal = Fastify(); internal.get('/metrics', metrics); await internal.listen({ host: '127.0.0.1', port: 9100 });`,
      NestJS: `// main.ts: the same rules as Express
app.useStaticAssets(join(__dirname, '..', 'public'), { dotfiles: 'deny' });
// register DebugModule only when process.env.NODE_ENV !== 'production'`,
      'Django/DRF': `# settings.py
DEBUG = False
# urls.py: no debug_toolbar or static() in production; move the admin off /admin/
# and serve STATIC_ROOT (collectstatic output only) from the web server`,
      Spring: `# application.properties: actuator on an internal port, only health exposed
management.server.port=9001
management.endpoints.web.exposure.include=health
management.endpoint.env.enabled=false
management.endpoint.heapdump.enabled=false`,
      'Go net/http': `// never http.FileServer(http.Dir(".")); never import _ "net/http/pprof" on the public mux
mux := http.NewServeMux()
mux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("./public"))))
go http.ListenAndServe("127.0.0.1:6060", nil) // pprof and expvar on loopback only`,
      'nginx': `location ~ /\\.(?!well-known) { deny all; }
location ~* \\.(sql|bak|log|env)$ { deny all; }
location /actuator { deny all; }`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/',
      'https://cwe.mitre.org/data/definitions/538.html',
      'https://cwe.mitre.org/data/definitions/200.html',
      'https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_Sensitive_Information',
    ],
  },

  async run(ctx: CheckContext): Promise<void> {
    const known = documented(ctx);
    const dirs = [...new Set([basePath(ctx), ''])];
    const baselines = new Map<string, { exchange: Exchange; path: string }>();
    const reportedGroups = new Set<string>();

    const baselineFor = async (dir: string, path: string): Promise<{ exchange: Exchange; path: string }> => {
      const shape = shapeOf(path);
      const key = `${dir}|${shape.key}`;
      const cached = baselines.get(key);
      if (cached !== undefined) return cached;
      const randomPath = shape.make(dir);
      const exchange = await ctx.client.send({ method: 'GET', url: originUrl(ctx, randomPath), headers: { accept: '*/*' } }, { as: null });
      const b = { exchange, path: randomPath };
      baselines.set(key, b);
      return b;
    };

    const probe = async (dir: string, entry: SensitivePath): Promise<void> => {
      const path = dir + entry.path;
      if (reportedGroups.has(entry.group) || known.some((k) => k.test(path))) return;
      if (!ctx.client.canSend(2)) return;
      const exchange = await ctx.client.send({ method: 'GET', url: originUrl(ctx, path), headers: { accept: '*/*' } }, { as: null });
      const r = exchange.response;
      if (!is2xx(r)) return;
      const seen = entry.recognize(r);
      if (seen === undefined) return;
      const baseline = await baselineFor(dir, path);
      const b = baseline.exchange.response;
      // A server that answers any path with this content proves nothing about this one.
      if (sameAsBaseline(exchange, path, baseline.exchange, baseline.path)) return;
      if (b !== null && is2xx(b) && entry.recognize(b) !== undefined) return;
      reportedGroups.add(entry.group);
      ctx.report({
        location: `GET ${path}`,
        detail: `GET ${path} answers ${r.status} without credentials with ${seen.what}; a random path (${baseline.path}) answers ${b === null ? 'nothing' : b.status}.`,
        evidence: [exchange, baseline.exchange],
        severity: seen.secrets ? 'high' : entry.severity,
      });
    };

    for (const dir of dirs) for (const entry of SENSITIVE_PATHS) await probe(dir, entry);
  },
};
