/**
 * config.tls: how the API is reached. Over plain HTTP on a host that is not loopback or a private
 * address, tokens and data cross the network readable by anyone on the path. Over HTTPS, the
 * certificate must be one clients can trust (a chain to a public root, the right name, within its
 * dates), and the server must refuse TLS 1.0 and 1.1 (deprecated by RFC 8996: weak MACs, CBC attacks,
 * no modern ciphers). The handshakes are opened with node:tls (legacy versions at OpenSSL security
 * level 0, so that the client side never refuses them itself); no HTTP request is sent.
 */
import { connect, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import type { Check, CheckContext } from '../../check.js';

/** Hosts whose traffic does not leave the machine or the private network. */
export function isLocalHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (isIP(h) === 6) return /^(fc|fd|fe8|fe9|fea|feb)/.test(h);
  return false;
}

interface Handshake {
  readonly authorized: boolean;
  readonly error?: string;
  readonly protocol?: string;
  readonly cert?: PeerCertificate;
}

type LegacyVersion = 'TLSv1' | 'TLSv1.1';

function handshake(url: URL, timeoutMs: number, version?: LegacyVersion): Promise<Handshake | null> {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const only = version === undefined ? {} : { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' };
    const socket = connect({ host, port: Number(url.port || 443), servername: isIP(host) === 0 ? host : undefined, rejectUnauthorized: false, ...only });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const result: Handshake = {
        authorized: socket.authorized,
        ...(socket.authorizationError ? { error: String(socket.authorizationError) } : {}),
        protocol: socket.getProtocol() ?? undefined,
        cert: socket.getPeerCertificate(),
      };
      socket.end();
      resolve(result);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

async function run(ctx: CheckContext): Promise<void> {
  const url = ctx.baseUrl;
  if (url.protocol === 'http:') {
    if (isLocalHost(url.hostname)) return;
    ctx.report({
      location: url.origin,
      key: 'plain-http',
      detail: `The API is served over plain HTTP at ${url.origin}, a host outside the machine and the private network: credentials, tokens and data travel unencrypted.`,
      evidence: [],
    });
    return;
  }
  const hs = await handshake(url, 10_000);
  if (hs === null) return;
  for (const [version, label] of [['TLSv1', 'TLS 1.0'], ['TLSv1.1', 'TLS 1.1']] as const) {
    const legacy = await handshake(url, 10_000, version);
    if (legacy?.protocol !== version) continue;
    ctx.report({
      location: url.origin,
      key: `legacy-${version}`,
      detail: `${url.host} completes a ${label} handshake (deprecated by RFC 8996 since 2021): clients that can be made to downgrade get a protocol without modern ciphers or integrity protection.`,
      evidence: [],
    });
  }
  if (hs.authorized) return;
  const cert = hs.cert;
  const subject = cert?.subject?.CN ?? '?';
  ctx.report({
    location: url.origin,
    key: 'untrusted-certificate',
    detail: `The certificate of ${url.host} is not one clients can trust (${hs.error ?? 'unknown reason'}; subject ${subject}, valid ${cert?.valid_from ?? '?'} to ${cert?.valid_to ?? '?'}, ${hs.protocol ?? 'TLS'}): clients must either fail or turn verification off, which opens them to interception.`,
    evidence: [],
  });
}

export const tlsCheck: Check = {
  id: 'config.tls',
  title: 'Transport not protected by trusted TLS',
  severity: 'medium',
  cwe: 'CWE-319',
  owasp: 'API8:2023',
  description:
    'An API reached over plain HTTP, over HTTPS with a certificate clients cannot verify (self-signed, expired, for another name), or that still accepts TLS 1.0 or 1.1, exposes everything it carries to whoever sits on the network path: bearer tokens, session cookies, personal data. Clients of an untrusted certificate end up disabling verification, which is the same as no TLS. Only loopback and private addresses are exempt from the plain-HTTP rule.',
  remediation: {
    summary:
      'Serve the API over HTTPS only (TLS 1.2 and 1.3; turn TLS 1.0 and 1.1 off, e.g. nginx `ssl_protocols TLSv1.2 TLSv1.3;`), with a certificate from a public CA (e.g. Let\'s Encrypt) renewed automatically, redirect or refuse plain HTTP, and send Strict-Transport-Security. Terminate TLS at a reverse proxy or load balancer when the framework runs behind one, and make the app trust the proxy\'s X-Forwarded-Proto.',
    snippets: {
      Express: `app.set('trust proxy', 1);
app.use((req, res, next) => (req.secure ? next() : res.status(403).json({ error: 'HTTPS required' })));
app.use(helmet.hsts({ maxAge: 31536000, includeSubDomains: true }));`,
      Fastify: `const app = Fastify({ https: { key: readFileSync('key.pem'), cert: readFileSync('fullchain.pem') } });
app.addHook('onSend', async (_req, reply) => { reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains'); });`,
      'Django/DRF': `SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')
SECURE_HSTS_SECONDS = 31536000
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True`,
      Spring: `http.requiresChannel(channel -> channel.anyRequest().requiresSecure())
    .headers(h -> h.httpStrictTransportSecurity(hsts -> hsts.maxAgeInSeconds(31536000)));`,
      'Go net/http': `srv := &http.Server{Addr: ":443", TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
log.Fatal(srv.ListenAndServeTLS("fullchain.pem", "key.pem"))`,
      nginx: `server { listen 80; return 301 https://$host$request_uri; }
server { listen 443 ssl; ssl_certificate fullchain.pem; ssl_certificate_key key.pem; ssl_protocols TLSv1.2 TLSv1.3;
  add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always; }`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html',
      'https://cwe.mitre.org/data/definitions/319.html',
    ],
  },
  appliesTo: 'any',
  run,
};
