/**
 * injection.ssrf — server-side request forgery. Inputs that look like URLs (format uri/url, a name
 * such as url, link, callback, webhook, image, avatar, feed, redirect, target, dest…, or a value
 * starting with http) are replaced by a URL of the scanner's canary on 127.0.0.1; a request
 * reaching the canary is the proof. Inputs that name a host (host, hostname, server, domain…), which
 * the server pastes into a URL it builds (`${scheme}://${host}:${port}${path}`), get the canary's
 * `host:port/path#`: whatever the server appends lands in the fragment. The loopback address is also sent in its decimal form
 * (http://2130706433:port), which naive blocklists miss. All URLs are sent first,
 * then the hits are awaited together, so a silent API costs one wait per scan, not per input.
 */
import type { Check, CheckContext } from '../../check.js';
import type { Exchange } from '../../model.js';
import type { InjectionPoint } from './inputs.js';
import { words } from './path-traversal.js';
import { describeInput, forEachInput, isSecretInput, keyOf, Reporter, type Target } from './probe.js';

/** How long the target has to call the canary after the last request of an operation. */
const HIT_WAIT_MS = 3000;

const URL_WORDS = new Set([
  'url', 'uri', 'urls', 'link', 'href', 'callback', 'webhook', 'hook', 'endpoint', 'image', 'img', 'avatar', 'icon', 'photo', 'picture',
  'logo', 'thumbnail', 'feed', 'rss', 'atom', 'redirect', 'target', 'dest', 'destination', 'proxy', 'fetch', 'remote', 'site',
  'website', 'homepage', 'src', 'source', 'import', 'download', 'notify', 'notification', 'ping', 'next', 'return', 'continue',
]);

const HOST_WORDS = new Set(['host', 'hostname', 'server', 'domain', 'fqdn', 'ip', 'addr']);

function looksLikeUrl(p: InjectionPoint): boolean {
  if (p.valueType !== 'string' || isSecretInput(p)) return false;
  const format = p.schema?.format;
  if (format === 'uri' || format === 'url' || format === 'iri' || format === 'uri-reference') return true;
  if (/^https?:\/\//i.test(p.value)) return true;
  if (/^-?\d+$/.test(p.value)) return false;
  const w = words(p.leaf);
  return w.some((x) => URL_WORDS.has(x)) || looksLikeHost(p);
}

/** A host name input (not a URL): the server builds the URL around it. */
function looksLikeHost(p: InjectionPoint): boolean {
  const format = p.schema?.format;
  if (format === 'hostname' || format === 'ipv4') return true;
  const w = words(p.leaf);
  return w.length > 0 && HOST_WORDS.has(w[w.length - 1]!) && !/^https?:/i.test(p.value);
}

/** The canary URL as a host input: `127.0.0.1:port/path#`, so a path or port appended is ignored. */
function asHost(url: string): string {
  return `${url.replace(/^https?:\/\//i, '')}#`;
}

/** The canary URL with its host written as one decimal number, when it is 127.0.0.1. */
function decimalHost(url: string): string | null {
  try {
    return new URL(url).hostname === '127.0.0.1' ? url.replace('//127.0.0.1', '//2130706433') : null;
  } catch {
    return null;
  }
}

interface Sent {
  readonly point: InjectionPoint;
  /** The URL as the canary gave it (what `wasHit` is asked about). */
  readonly canaryUrl: string;
  /** The URL as sent to the target (the same, or its decimal-host form). */
  readonly sentUrl: string;
  readonly exchange: Exchange;
}

async function sendAll(ctx: CheckContext, target: Target, point: InjectionPoint, send: (r: Exchange['request']) => Promise<Exchange>): Promise<Sent[]> {
  const label = `ssrf ${target.location} ${point.name}`;
  const plain = ctx.canary.url(label);
  const host = looksLikeHost(point) && !/^https?:\/\//i.test(point.value);
  const variants: [string, string][] = [[plain, host ? asHost(plain) : plain]];
  const other = ctx.canary.url(`${label} decimal`);
  const decimal = decimalHost(other);
  if (decimal !== null) variants.push([other, host ? asHost(decimal) : decimal]);
  const sent: Sent[] = [];
  for (const [canaryUrl, sentUrl] of variants) {
    if (!ctx.client.canSend()) break;
    sent.push({ point, canaryUrl, sentUrl, exchange: await send(point.set(sentUrl)) });
  }
  return sent;
}

export const ssrf: Check = {
  id: 'injection.ssrf',
  title: 'Server-side request forgery (SSRF)',
  severity: 'high',
  cwe: 'CWE-918',
  owasp: 'API7:2023',
  appliesTo: 'any',
  description:
    'The API fetches a URL taken from the request without restricting where it may point, so a caller makes the server send requests on its behalf: to loopback and private addresses behind the firewall, to admin interfaces, and to cloud metadata endpoints that hand out credentials (OWASP API7:2023 Server Side Request Forgery; OWASP Top 10 2021 A10:2021). When the answer is returned, internal data leaks directly; even blind, it is a port scanner and a pivot into the internal network.',
  remediation: {
    summary:
      'Fetch only what the feature needs: accept https URLs whose host is on an allowlist, resolve the name once and refuse loopback, private, link-local and metadata addresses (and connect to the address you checked, to defeat DNS rebinding), do not follow redirects, cap time and size, and never return the raw answer. Better still, take an identifier and build the URL server-side. Block egress to internal ranges at the network level too.',
    snippets: {
      Express: `const ALLOWED = new Set(['hooks.example.com']);

app.post('/api/webhooks/test', async (req, res) => {
  let url;
  try { url = new URL(String(req.body?.url)); } catch { return res.status(400).json({ error: 'invalid url' }); }
  if (url.protocol !== 'https:' || !ALLOWED.has(url.hostname)) return res.status(400).json({ error: 'url not allowed' });
  const r = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
  res.json({ status: r.status }); // status only, not the body
});`,
      Fastify: `// request-filtering-agent refuses private and loopback addresses after DNS resolution
import { useAgent } from 'request-filtering-agent';
import https from 'node:https';

app.post('/api/import', async (req, reply) => {
  const url = new URL(req.body.url);
  if (url.protocol !== 'https:') return reply.code(400).send({ error: 'https only' });
  https.get(url, { agent: useAgent(url.toString()), timeout: 5000 }, (r) => reply.send({ status: r.statusCode }));
});`,
      'Django/DRF': `import ipaddress, socket
from urllib.parse import urlparse

ALLOWED_HOSTS = {"hooks.example.com"}

def check_url(raw):
    u = urlparse(raw)
    if u.scheme != "https" or u.hostname not in ALLOWED_HOSTS:
        raise ValidationError("url not allowed")
    for info in socket.getaddrinfo(u.hostname, 443):
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise ValidationError("url not allowed")
    return raw`,
      Flask: `ALLOWED_HOSTS = {"hooks.example.com"}

@app.post("/api/webhooks/test")
def test_webhook():
    u = urlparse((request.get_json(silent=True) or {}).get("url", ""))
    if u.scheme != "https" or u.hostname not in ALLOWED_HOSTS:
        abort(400)
    r = requests.get(u.geturl(), timeout=5, allow_redirects=False)
    return {"status": r.status_code}`,
      Spring: `private static final Set<String> ALLOWED = Set.of("hooks.example.com");

URI uri = URI.create(body.url());
if (!"https".equals(uri.getScheme()) || !ALLOWED.contains(uri.getHost())) {
    throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "url not allowed");
}
HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();`,
      'Go net/http': `// A dialer that refuses non-public addresses after resolution (no rebinding window)
dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
    host, _, _ := net.SplitHostPort(address)
    ip := net.ParseIP(host)
    if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() {
        return errors.New("address not allowed")
    }
    return nil
}}
client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext},
    CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}`,
    },
    references: [
      'https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/',
      'https://owasp.org/Top10/A10_2021-Server-Side_Request_Forgery_%28SSRF%29/',
      'https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html',
      'https://cwe.mitre.org/data/definitions/918.html',
    ],
  },
  async run(ctx: CheckContext): Promise<void> {
    const reporter = new Reporter(ctx);
    const sent: { target: Target; sent: Sent }[] = [];
    await forEachInput(
      ctx,
      looksLikeUrl,
      async (target, point, prober) => {
        for (const s of await sendAll(ctx, target, point, (r) => prober.send(r))) sent.push({ target, sent: s });
      },
      // An operation that fetches URLs often never answered 2xx during exploration (its example URL
      // is unreachable): it is tried with a request built from the description.
      { synthesize: true },
    );
    // One wait for the whole check: every URL had at least HIT_WAIT_MS to be called.
    const deadline = Date.now() + HIT_WAIT_MS;
    for (const { target, sent: s } of sent) {
      if (reporter.has(target.location, keyOf(s.point))) continue;
      if (!(await ctx.canary.wasHit(s.canaryUrl, Math.max(0, deadline - Date.now())))) continue;
      const status = s.exchange.response === null ? `no answer (${s.exchange.error ?? 'error'})` : `HTTP ${s.exchange.response.status}`;
      reporter.report({
        location: target.location,
        key: keyOf(s.point),
        detail: `The ${describeInput(s.point)} was set to ${s.sentUrl}; the API answered ${status} and the scanner's canary received a request for that URL from the target: the server fetches caller-chosen URLs, loopback included.`,
        evidence: [s.exchange],
      });
    }
  },
};
