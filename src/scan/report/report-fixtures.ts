/**
 * Test code only: a realistic scan of a small shop API, as the reporters receive it, with the
 * hostile strings a target can put into evidence and details (markup that closes the report's own
 * tags, CDATA ends, control and bidi characters, lone surrogates, emoji, a 200 kB body).
 */
import type { CheckInfo, Exchange, Finding, ScanResult } from '../model.js';

/** Markup and characters that try to escape every format the reporters write. */
export const HOSTILE =
  '</script><script>alert(1)</script> ]]> <!-- --> </details></pre></textarea> <img src=x onerror=alert(1)> ' +
  '| pipe | `tick` ```fence``` [link](https://evil.example/x) ![img](https://evil.example/p.png) @octocat $\\color{red}{x}$ ' +
  '& &amp; "quote" \'apos\' \u0000NUL \u0007BEL \u001b[31mANSI\u001b[0m \u000bVT \u0085NEL \u202Ereversed\u202C ' +
  'lone\uD800surrogate \uDC00low \uFFFE\uFFFF \u2028LS 🐄🔥 café';

/** A body of about 200 kB that starts and ends with hostile markup. */
export const LONG_BODY = `<html><body>${HOSTILE}\n${'A'.repeat(200_000)}\n${HOSTILE}</body></html>`;

const bearer = { authorization: 'Bearer [redacted]', accept: 'application/json' };

export const CHECKS: readonly CheckInfo[] = [
  {
    id: 'injection.sql',
    title: 'SQL injection',
    severity: 'critical',
    cwe: 'CWE-89',
    owasp: 'API8:2023',
    description:
      'The API builds SQL from request input, so a crafted value changes the query: an attacker can read or alter any data the database user can reach.',
    remediation: {
      summary: 'Pass request values as bound parameters; never concatenate them into SQL text.',
      snippets: {
        Express: "const rows = await db.query('SELECT * FROM products WHERE name LIKE $1', [`%${q}%`]);",
        'Django/DRF': "Product.objects.filter(name__icontains=q)  # the ORM binds q",
      },
      references: ['https://owasp.org/www-community/attacks/SQL_Injection', 'CWE-89'],
    },
  },
  {
    id: 'authz.bola',
    title: 'Broken object level authorization',
    severity: 'high',
    cwe: 'CWE-639',
    owasp: 'API1:2023',
    description:
      "The API returns another user's object when given its id: authorization is checked for the route, not for the object.",
    remediation: {
      summary: "Load the object through the caller's identity (WHERE owner_id = :caller) or check ownership before answering.",
      snippets: {
        Fastify:
          "const order = await orders.findOne({ id: req.params.id, ownerId: req.user.id });\nif (!order) return reply.code(404).send();",
        Spring: '@PreAuthorize("@orders.isOwner(#id, principal)")\npublic Order get(@PathVariable long id) { ... }',
      },
      references: ['https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/'],
    },
  },
  {
    id: 'auth.missing',
    title: 'Operation works without credentials',
    severity: 'high',
    cwe: 'CWE-306',
    owasp: 'API2:2023',
    description: 'The description says the operation needs credentials, yet it answers a request that has none.',
    remediation: {
      summary: 'Put the authentication middleware in front of every route the description marks as secured.',
      snippets: { Express: "router.delete('/users/:id', requireAuth, deleteUser);" },
      references: [],
    },
  },
  {
    id: 'cors.reflect-origin',
    title: 'CORS reflects any origin with credentials',
    severity: 'medium',
    cwe: 'CWE-942',
    owasp: 'API8:2023',
    description:
      'The API echoes the Origin header into Access-Control-Allow-Origin and allows credentials: any site can read responses with the user\'s cookies.',
    remediation: {
      summary: 'Allow a fixed list of origins; never reflect the request Origin together with credentials.',
      snippets: { Express: "app.use(cors({ origin: ['https://shop.example'], credentials: true }));" },
      references: ['https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS'],
    },
  },
  {
    id: 'ratelimit.missing',
    title: 'No rate limit on login',
    severity: 'medium',
    cwe: 'CWE-770',
    owasp: 'API4:2023',
    description: 'Login accepts unlimited attempts, so passwords can be guessed at full speed.',
    remediation: {
      summary: 'Limit attempts per account and per client address, and answer 429 with Retry-After.',
      snippets: { Express: "app.use('/login', rateLimit({ windowMs: 60_000, limit: 10 }));" },
      references: [],
    },
  },
  {
    id: 'headers.security',
    title: 'Security headers missing',
    severity: 'low',
    cwe: 'CWE-693',
    owasp: 'API8:2023',
    description: 'Responses lack headers that tell browsers to refuse sniffing and framing.',
    remediation: {
      summary: 'Send X-Content-Type-Options: nosniff and Cache-Control: no-store on API responses.',
      snippets: { nginx: 'add_header X-Content-Type-Options nosniff always;' },
      references: [],
    },
  },
  {
    id: 'info.server-banner',
    title: 'Server version disclosed',
    severity: 'info',
    cwe: 'CWE-200',
    owasp: 'API8:2023',
    description: 'The Server header names the software and its exact version.',
    remediation: { summary: 'Remove or shorten the Server header.', snippets: {}, references: [] },
  },
];

function exchange(method: string, url: string, status: number | null, body: string, extra: Partial<Exchange> = {}): Exchange {
  return {
    request: { method, url, headers: bearer },
    response:
      status === null
        ? null
        : {
            status,
            headers: { 'content-type': 'application/json; charset=utf-8', server: 'shop/1.4.2', 'x-request-id': 'r-1' },
            body,
            truncated: false,
            timeMs: 12.6,
          },
    ...extra,
  };
}

function fromCheck(checkId: string, rest: Omit<Finding, 'checkId' | 'title' | 'severity' | 'cwe' | 'owasp'>): Finding {
  const c = CHECKS.find((x) => x.id === checkId)!;
  return { checkId, title: c.title, severity: c.severity, cwe: c.cwe, owasp: c.owasp, ...rest };
}

export const FINDINGS: readonly Finding[] = [
  fromCheck('authz.bola', {
    location: 'GET /api/orders/{id}',
    detail: "alice read order 1002, which belongs to bob (same body as bob's own request).",
    evidence: [
      exchange('GET', 'http://127.0.0.1:4000/api/orders/1002', 200, '{"id":1002,"owner":"bob","total":42.5}'),
      exchange('GET', 'http://127.0.0.1:4000/api/orders/1002', 200, '{"id":1002,"owner":"bob","total":42.5}'),
    ],
    fingerprint: 'authz.bola|GET /api/orders/{id}|id',
  }),
  fromCheck('injection.sql', {
    location: 'GET /api/products',
    detail: "The parameter q = ' made the server answer 500 with a PostgreSQL syntax error.",
    evidence: [
      exchange(
        'GET',
        "http://127.0.0.1:4000/api/products?q='",
        500,
        'error: unterminated quoted string at or near "\'" ]]> </script><script>alert(1)</script>',
      ),
    ],
    fingerprint: 'injection.sql|GET /api/products|q',
  }),
  fromCheck('authz.bola', {
    location: 'GET /api/orders/{id}',
    detail: 'alice read the invoice of order 1002 through the `include=invoice` query parameter.',
    evidence: [exchange('GET', 'http://127.0.0.1:4000/api/orders/1002?include=invoice', 200, '{"invoice":"INV-7"}')],
    fingerprint: 'authz.bola|GET /api/orders/{id}|include',
  }),
  fromCheck('auth.missing', {
    location: 'DELETE /api/users/{id}',
    detail: 'DELETE without a token answered 204; a retry failed on the network.',
    evidence: [
      {
        request: { method: 'DELETE', url: 'http://127.0.0.1:4000/api/users/7', headers: {} },
        response: { status: 204, headers: {}, body: '', truncated: false, timeMs: 3 },
      },
      {
        request: { method: 'DELETE', url: 'http://127.0.0.1:4000/api/users/8', headers: {} },
        response: null,
        error: 'socket hang up',
      },
    ],
    fingerprint: 'auth.missing|DELETE /api/users/{id}',
  }),
  fromCheck('cors.reflect-origin', {
    location: 'GET /api/echo|`x`</td> ```',
    detail: `Origin https://evil.example was reflected with credentials. Response said: ${HOSTILE}`,
    evidence: [
      {
        request: {
          method: 'GET',
          url: 'http://127.0.0.1:4000/api/echo?x=%3Cscript%3E',
          headers: { origin: 'https://evil.example', 'x-hostile': 'a"b<c>\nd' },
          body: HOSTILE,
        },
        response: {
          status: 200,
          headers: {
            'access-control-allow-origin': 'https://evil.example',
            'access-control-allow-credentials': 'true',
            'content-type': 'text/html',
            'set-cookie': 'a=1\nb=2',
          },
          body: LONG_BODY,
          truncated: true,
          timeMs: 250,
        },
      },
    ],
    fingerprint: 'cors.reflect-origin|GET /api/echo',
  }),
  fromCheck('headers.security', {
    location: 'GET /api/products',
    detail: 'X-Content-Type-Options is missing.',
    evidence: [exchange('GET', 'http://127.0.0.1:4000/api/products', 200, '[]')],
    fingerprint: 'headers.security|GET /api/products',
  }),
  fromCheck('info.server-banner', {
    location: 'GET /',
    detail: 'Server: shop/1.4.2',
    evidence: [exchange('GET', 'http://127.0.0.1:4000/', 200, '{}')],
    fingerprint: 'info.server-banner|/',
  }),
  {
    // A check the scan did not list (a plugin's, say): reporters must still describe it.
    checkId: 'plugin.debug-endpoint',
    title: 'Debug endpoint exposed',
    severity: 'low',
    cwe: 'CWE-489',
    owasp: 'API9:2023',
    location: 'GET /debug/vars',
    detail: 'The runtime variables page answers without credentials.',
    evidence: [],
    fingerprint: 'plugin.debug-endpoint|GET /debug/vars',
  },
];

/** The full scan: 8 findings over 7 listed checks (one check, rate limiting, found nothing). */
export function scanFixture(): ScanResult {
  return {
    tool: { name: 'herd', version: '0.1.0' },
    target: { baseUrl: 'http://127.0.0.1:4000', api: 'Shop API 1.4', kind: 'rest' },
    startedAt: '2025-03-14T09:26:53.589Z',
    checks: CHECKS,
    findings: FINDINGS,
    stats: { operations: 18, requests: 412, durationMs: 8421, refused: 3, errors: 1 },
  };
}

/** A scan that found nothing. */
export function cleanScanFixture(): ScanResult {
  return { ...scanFixture(), findings: [] };
}

/** A finding of a listed check, for tests that need just one with a given severity or place. */
export function findingOf(overrides: Partial<Finding> & Pick<Finding, 'fingerprint'>): Finding {
  return {
    checkId: 'authz.bola',
    title: 'Broken object level authorization',
    severity: 'high',
    cwe: 'CWE-639',
    owasp: 'API1:2023',
    location: 'GET /api/orders/{id}',
    detail: 'seen',
    evidence: [],
    ...overrides,
  };
}

/** A scan with exactly these findings. */
export function scanWith(findings: readonly Finding[]): ScanResult {
  return { ...scanFixture(), findings };
}
