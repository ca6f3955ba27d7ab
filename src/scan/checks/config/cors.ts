/**
 * config.cors: the API lets any web site read its answers with the visitor's credentials, by
 * echoing a foreign `Origin` (or `null`) in Access-Control-Allow-Origin together with
 * Access-Control-Allow-Credentials: true. `*` is not a finding (browsers never send credentials
 * to it); a reflected origin without credentials is reported as low.
 */
import type { Check, CheckContext } from '../../check.js';
import type { Exchange, ScanRequest } from '../../model.js';
import { originUrl, readRequests } from './target-urls.js';
import { pathOf } from './responses.js';

export const EVIL_ORIGIN = 'https://evil-herd.example';

interface Target {
  /** Location for the finding's detail (`GET /api/users/me`). */
  readonly label: string;
  readonly request: ScanRequest;
  readonly as: string | null;
  /** The method a browser would ask the preflight for. */
  readonly preflightMethod: string;
}

interface Reflection {
  readonly label: string;
  readonly origin: string;
  readonly preflight: boolean;
  readonly credentials: boolean;
  readonly exchange: Exchange;
}

function targets(ctx: CheckContext, max: number): Target[] {
  if (ctx.api.kind === 'graphql') {
    const url = new URL(originUrl(ctx, ctx.api.endpoint));
    url.searchParams.set('query', '{__typename}');
    return [
      {
        label: `POST ${ctx.api.endpoint}`,
        request: { method: 'GET', url: url.toString(), headers: { accept: 'application/json' } },
        as: ctx.users[0]?.name ?? null,
        preflightMethod: 'POST',
      },
    ];
  }
  const built = readRequests(ctx, max).map((b): Target => {
    const op = b.sample?.operation;
    return { label: op !== undefined ? `${op.method} ${op.path}` : `GET ${pathOf(b.request.url)}`, request: b.request, as: b.as, preflightMethod: 'GET' };
  });
  if (built.length > 0) return built;
  return [{ label: `GET ${pathOf(ctx.baseUrl.toString())}`, request: { method: 'GET', url: ctx.baseUrl.toString(), headers: {} }, as: null, preflightMethod: 'GET' }];
}

function allowed(ex: Exchange): { origin: string | undefined; credentials: boolean } {
  const h = ex.response?.headers ?? {};
  return {
    origin: h['access-control-allow-origin']?.trim(),
    credentials: (h['access-control-allow-credentials'] ?? '').trim().toLowerCase() === 'true',
  };
}

/**
 * Origins that defeat sloppy allow-list matching (prefix, suffix, unanchored regex) of an origin
 * the server names in its answers.
 */
function lookalikes(allowedOrigin: string): string[] {
  let u: URL;
  try {
    u = new URL(allowedOrigin);
  } catch {
    return [];
  }
  if (u.origin === 'null' || u.hostname === '' || /^[\d.]+$|^\[/.test(u.hostname)) return [];
  const port = u.port === '' ? '' : `:${u.port}`;
  return [`${u.protocol}//${u.hostname}.evil-herd.example${port}`, `${u.protocol}//evil-herd-${u.hostname}${port}`];
}

export const corsCheck: Check = {
  id: 'config.cors',
  title: 'CORS policy trusts foreign origins with credentials',
  severity: 'high',
  cwe: 'CWE-942',
  owasp: 'API8:2023',
  appliesTo: 'any',
  description:
    'The API answers cross-origin requests from any web site by echoing the request\'s Origin (or accepting the "null" origin of sandboxed pages and local files) in Access-Control-Allow-Origin, and allows credentials. A page on an attacker\'s site can then call the API from a victim\'s browser with the victim\'s cookies or HTTP authentication and read the answers: profiles, tokens, orders, anything the victim can see. The same-origin policy, the browser\'s main protection for APIs, is switched off.',
  remediation: {
    summary:
      'Allow only a fixed list of trusted origins, compared exactly (scheme, host and port), never by prefix, suffix or unanchored regular expression; never trust "null". Send Access-Control-Allow-Credentials only for those origins, and add Vary: Origin. Public, credential-free APIs may use "*" without credentials.',
    snippets: {
      Express: `import cors from 'cors';
const allowed = new Set(['https://app.example.com']);
app.use(cors({
  origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
  credentials: true,
}));`,
      Fastify: `import cors from '@fastify/cors';
await app.register(cors, {
  origin: ['https://app.example.com'], // exact strings, no regex, never true
  credentials: true,
});`,
      NestJS: `const app = await NestFactory.create(AppModule);
app.enableCors({ origin: ['https://app.example.com'], credentials: true });`,
      'Django/DRF': `# settings.py (django-cors-headers)
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_ALLOW_CREDENTIALS = True
# never CORS_ALLOW_ALL_ORIGINS = True together with credentials`,
      Flask: `from flask_cors import CORS
CORS(app, origins=["https://app.example.com"], supports_credentials=True)`,
      Spring: `@Bean
CorsConfigurationSource corsConfigurationSource() {
  CorsConfiguration c = new CorsConfiguration();
  c.setAllowedOrigins(List.of("https://app.example.com")); // not allowedOriginPatterns("*")
  c.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE"));
  c.setAllowCredentials(true);
  UrlBasedCorsConfigurationSource s = new UrlBasedCorsConfigurationSource();
  s.registerCorsConfiguration("/**", c);
  return s;
}`,
      'Go net/http': `var allowed = map[string]bool{"https://app.example.com": true}
func cors(next http.Handler) http.Handler {
  return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
    w.Header().Add("Vary", "Origin")
    if o := r.Header.Get("Origin"); allowed[o] {
      w.Header().Set("Access-Control-Allow-Origin", o)
      w.Header().Set("Access-Control-Allow-Credentials", "true")
    }
    next.ServeHTTP(w, r)
  })
}`,
      Rails: `# config/initializers/cors.rb (rack-cors)
Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "https://app.example.com"
    resource "*", headers: :any, methods: %i[get post put patch delete], credentials: true
  end
end`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cwe.mitre.org/data/definitions/942.html',
      'https://portswigger.net/web-security/cors',
      'https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS',
    ],
  },

  async run(ctx: CheckContext): Promise<void> {
    const reflections: Reflection[] = [];
    const namedOrigins = new Set<string>();

    const probe = async (t: Target, origin: string, preflight: boolean): Promise<void> => {
      if (!ctx.client.canSend()) return;
      const request: ScanRequest = preflight
        ? {
            method: 'OPTIONS',
            url: t.request.url,
            headers: { origin, 'access-control-request-method': t.preflightMethod, 'access-control-request-headers': 'authorization,content-type' },
          }
        : { ...t.request, headers: { ...t.request.headers, origin } };
      const exchange = await ctx.client.send(request, { as: preflight ? null : t.as });
      const a = allowed(exchange);
      if (a.origin === undefined || a.origin === '') return;
      if (a.origin === origin) reflections.push({ label: t.label, origin, preflight, credentials: a.credentials, exchange });
      else if (a.origin !== '*' && a.origin !== 'null') namedOrigins.add(a.origin);
    };

    for (const t of targets(ctx, 4)) {
      for (const preflight of [false, true]) {
        await probe(t, EVIL_ORIGIN, preflight);
        await probe(t, 'null', preflight);
      }
    }
    // An allow-list that names its origin may still match look-alikes of it; so may one built
    // around the API's own domain (`endsWith('example.com')`).
    namedOrigins.add(ctx.baseUrl.origin);
    if (!reflections.some((r) => r.credentials)) {
      const first = targets(ctx, 1)[0];
      if (first !== undefined) for (const o of [...namedOrigins].slice(0, 3)) for (const l of lookalikes(o)) await probe(first, l, false);
    }
    if (reflections.length === 0) return;

    const withCredentials = reflections.filter((r) => r.credentials);
    const shown = withCredentials.length > 0 ? withCredentials : reflections.filter((r) => r.origin !== 'null');
    // `null` reflected without credentials is no more open than `*`.
    if (shown.length === 0) return;
    const labels = [...new Set(shown.map((r) => r.label))];
    const origins = [...new Set(shown.map((r) => r.origin))];
    const kinds = [...new Set(shown.map((r) => (r.preflight ? 'preflight (OPTIONS)' : 'simple request')))];
    const evidence: Exchange[] = [];
    for (const r of shown) if (evidence.length < 4 && !evidence.some((e) => e.request.headers.origin === r.origin && e.request.method === r.exchange.request.method)) evidence.push(r.exchange);
    ctx.report({
      location: '*',
      detail:
        withCredentials.length > 0
          ? `Access-Control-Allow-Origin echoes ${origins.join(' and ')} with Access-Control-Allow-Credentials: true on ${kinds.join(' and ')} to ${labels.join(', ')}: any web site can read these answers with the visitor's credentials.`
          : `Access-Control-Allow-Origin echoes ${origins.join(' and ')} (without Access-Control-Allow-Credentials) on ${kinds.join(' and ')} to ${labels.join(', ')}: any web site can read the answers that need no credentials.`,
      evidence,
      severity: withCredentials.length > 0 ? 'high' : 'low',
    });
  },
};
