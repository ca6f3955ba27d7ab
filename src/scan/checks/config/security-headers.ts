/**
 * config.security-headers: over the successful answers seen during exploration (or a few GETs of
 * its own when there are none), the protective headers that are missing and the version banners
 * that are sent. One finding per kind of issue, at location `*`.
 */
import type { Check, CheckContext } from '../../check.js';
import type { Exchange, ScanResponse } from '../../model.js';
import { is2xx, isHtml, quote } from './responses.js';
import { readRequests, sensitivity } from './target-urls.js';

interface Seen {
  readonly exchange: Exchange;
  readonly response: ScanResponse;
  /** Sent with credentials to an operation that needs them. */
  readonly authenticated: boolean;
  /** `GET /api/users/me` (the operation as in the spec), or the request's path. */
  readonly label: string;
  /** Rank for showing the most sensitive answers first. */
  readonly rank: number;
}

interface Issue {
  readonly key: string;
  readonly affected: (s: Seen) => string | undefined;
  /** Only responses this applies to count in "N of M". */
  readonly applies: (s: Seen, https: boolean) => boolean;
}

const hasBody = (s: Seen): boolean => s.response.status !== 204 && s.response.status !== 304 && s.response.body.length > 0;

const VERSION_IN_SERVER = /\d+\.\d+|\/\s*\d/;

const ISSUES: readonly Issue[] = [
  {
    key: 'x-content-type-options',
    applies: hasBody,
    affected: (s) => ((s.response.headers['x-content-type-options'] ?? '').toLowerCase().includes('nosniff') ? undefined : 'no X-Content-Type-Options: nosniff'),
  },
  {
    key: 'content-security-policy',
    applies: (s) => hasBody(s) && isHtml(s.response),
    affected: (s) => (s.response.headers['content-security-policy'] === undefined ? 'HTML without Content-Security-Policy' : undefined),
  },
  {
    key: 'frame-options',
    applies: (s) => hasBody(s) && isHtml(s.response),
    affected: (s) => {
      const xfo = (s.response.headers['x-frame-options'] ?? '').toLowerCase();
      const csp = (s.response.headers['content-security-policy'] ?? '').toLowerCase();
      return xfo.includes('deny') || xfo.includes('sameorigin') || csp.includes('frame-ancestors') ? undefined : 'HTML without X-Frame-Options or CSP frame-ancestors';
    },
  },
  {
    key: 'strict-transport-security',
    applies: (_s, https) => https,
    affected: (s) => {
      const hsts = s.response.headers['strict-transport-security'];
      return hsts === undefined || /max-age\s*=\s*0\b/i.test(hsts) ? 'no Strict-Transport-Security' : undefined;
    },
  },
  {
    key: 'version-banner',
    applies: () => true,
    affected: (s) => {
      const h = s.response.headers;
      const banners: string[] = [];
      if (h['x-powered-by'] !== undefined) banners.push(`X-Powered-By: ${quote(h['x-powered-by'], 60)}`);
      if (h['x-aspnet-version'] !== undefined) banners.push(`X-AspNet-Version: ${quote(h['x-aspnet-version'], 40)}`);
      if (h['x-aspnetmvc-version'] !== undefined) banners.push(`X-AspNetMvc-Version: ${quote(h['x-aspnetmvc-version'], 40)}`);
      if (h['server'] !== undefined && VERSION_IN_SERVER.test(h['server'])) banners.push(`Server: ${quote(h['server'], 60)}`);
      return banners.length > 0 ? banners.join(', ') : undefined;
    },
  },
  {
    key: 'cache-control',
    applies: (s) => s.authenticated && hasBody(s),
    affected: (s) => {
      const cc = (s.response.headers['cache-control'] ?? '').toLowerCase();
      return /\b(?:no-store|private|no-cache)\b/.test(cc) ? undefined : cc === '' ? 'authenticated answer without Cache-Control' : `authenticated answer with Cache-Control: ${quote(cc, 60)}`;
    },
  },
];

async function collect(ctx: CheckContext): Promise<Seen[]> {
  const seen: Seen[] = [];
  for (const list of ctx.samples.values()) {
    for (const s of list) {
      const r = s.exchange.response;
      const authenticated = s.user !== null && s.operation.requiresAuth;
      if (is2xx(r)) seen.push({ exchange: s.exchange, response: r, authenticated, label: `${s.operation.method} ${s.operation.path}`, rank: sensitivity(s.operation) + (authenticated ? 4 : 0) });
    }
  }
  if (seen.length > 0) return seen;
  // Nothing explored (or nothing succeeded): look at a few reads of our own.
  for (const b of readRequests(ctx, 4)) {
    if (!ctx.client.canSend()) break;
    const exchange = await ctx.client.send(b.request, { as: b.as });
    const r = exchange.response;
    // Rebuilt requests carry credentials only for operations that need them.
    const authenticated = b.as !== null && (b.sample?.operation.requiresAuth ?? true);
    if (is2xx(r)) seen.push({ exchange, response: r, authenticated, label: `GET ${safePath(b.request.url)}`, rank: authenticated ? 4 : 0 });
  }
  return seen;
}

export const securityHeadersCheck: Check = {
  id: 'config.security-headers',
  title: 'Missing security headers or version banners',
  severity: 'low',
  cwe: 'CWE-693',
  owasp: 'API8:2023',
  appliesTo: 'any',
  description:
    'The API\'s responses lack the headers that tell browsers and caches how to treat them, or announce the exact server software. Without X-Content-Type-Options: nosniff a browser may execute a JSON or text answer as script or HTML; HTML without Content-Security-Policy or framing protection is open to script injection and clickjacking; HTTPS without Strict-Transport-Security lets a network attacker downgrade the first request; authenticated answers without Cache-Control: no-store can be kept by shared caches and the browser, and read by the next user; and version banners (X-Powered-By, Server: x/1.2.3) tell attackers which known vulnerabilities to try.',
  remediation: {
    summary:
      'Set the headers once, in a middleware or the reverse proxy, for every response: X-Content-Type-Options: nosniff; Content-Security-Policy (at least default-src \'none\'; frame-ancestors \'none\' for APIs) and X-Frame-Options: DENY for HTML; Strict-Transport-Security: max-age=31536000; includeSubDomains on HTTPS; Cache-Control: no-store on authenticated answers. Remove X-Powered-By and version numbers from Server.',
    snippets: {
      Express: `import helmet from 'helmet';
app.disable('x-powered-by');
app.use(helmet()); // nosniff, CSP, frame-ancestors, HSTS
app.use((req, res, next) => { res.set('Cache-Control', 'no-store'); next(); });`,
      Fastify: `import helmet from '@fastify/helmet';
await app.register(helmet); // nosniff, CSP, frame-ancestors, HSTS
app.addHook('onSend', async (req, reply) => { reply.header('Cache-Control', 'no-store'); });`,
      NestJS: `import helmet from 'helmet';
const app = await NestFactory.create(AppModule);
app.use(helmet());
app.getHttpAdapter().getInstance().disable('x-powered-by');`,
      'Django/DRF': `# settings.py
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# views: from django.views.decorators.cache import never_cache  ->  @never_cache`,
      Flask: `@app.after_request
def security_headers(resp):
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    resp.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    resp.headers["Cache-Control"] = "no-store"
    return resp`,
      Spring: `// Spring Security sends nosniff, X-Frame-Options, HSTS and no-cache by default; keep them on:
http.headers(h -> h
    .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
    .httpStrictTransportSecurity(hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(31536000)));
// application.properties: server.server-header= (empty) hides the banner`,
      'Go net/http': `func secure(next http.Handler) http.Handler {
  return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
    h := w.Header()
    h.Set("X-Content-Type-Options", "nosniff")
    h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
    h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    h.Set("Cache-Control", "no-store")
    next.ServeHTTP(w, r)
  })
}`,
      Rails: `# config/environments/production.rb
config.force_ssl = true # HSTS
# Rails sends nosniff and X-Frame-Options by default; add a CSP in
# config/initializers/content_security_policy.rb, and in controllers:
before_action { response.headers["Cache-Control"] = "no-store" }`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cwe.mitre.org/data/definitions/693.html',
      'https://owasp.org/www-project-secure-headers/',
      'https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers',
    ],
  },

  async run(ctx: CheckContext): Promise<void> {
    const https = ctx.baseUrl.protocol === 'https:';
    const seen = await collect(ctx);
    for (const issue of ISSUES) {
      const relevant = seen.filter((s) => issue.applies(s, https));
      const hits = relevant.map((s) => ({ s, why: issue.affected(s) })).filter((h): h is { s: Seen; why: string } => h.why !== undefined);
      if (hits.length === 0) continue;
      // The most sensitive answers first (the caller's own data, authenticated).
      hits.sort((a, b) => b.s.rank - a.s.rank);
      const paths = [...new Set(hits.map((h) => h.s.label))];
      const whys = [...new Set(hits.map((h) => h.why))];
      ctx.report({
        location: '*',
        key: issue.key,
        detail: `${capitalized(whys.slice(0, 3).join('; '))} in ${hits.length} of ${relevant.length} responses${paths.length > 5 ? ', among them' : ':'} ${paths.slice(0, 5).join(', ')}.`,
        evidence: hits.slice(0, 2).map((h) => h.s.exchange),
      });
    }
  },
};

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
