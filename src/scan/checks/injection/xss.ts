/**
 * injection.xss — reflected cross-site scripting. A unique marker tag (`<herdx4821 x>`) is appended
 * to each input; a finding needs the tag back unescaped where an HTML parser reads it as a tag (not
 * in an attribute, a comment, <title>, <textarea>, <script>…), in an answer a browser renders as HTML (text/html or XHTML, or no content type and a
 * body that sniffs as HTML, and not an attachment), twice with two markers. JSON served as
 * application/json is not rendered, so it is never XSS here. When the first marker comes back in
 * HTML but escaped or in a non-HTML context, a quote- and tag-breaking variant is tried. Inputs
 * are those a link or a cross-site form carries: query, path and form fields (not JSON bodies).
 */
import { randomInt } from 'node:crypto';
import type { Check, CheckContext } from '../../check.js';
import type { Exchange, ScanResponse } from '../../model.js';
import type { InjectionPoint } from './inputs.js';
import { describeInput, forEachInput, isSecretInput, keyOf, Reporter, shown, type Prober } from './probe.js';

const SNIFFED_HTML = /^\s*<(?:!doctype html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|!--)[\s>/]/i;

/** Whether a browser navigating to this answer renders it as HTML. */
export function rendersAsHtml(r: ScanResponse): boolean {
  if (/^\s*attachment/i.test(r.headers['content-disposition'] ?? '')) return false;
  const type = (r.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/html' || type === 'application/xhtml+xml') return true;
  if (type !== '') return false;
  return !/nosniff/i.test(r.headers['x-content-type-options'] ?? '') && SNIFFED_HTML.test(r.body);
}

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);

/**
 * The tokenizer state of an HTML parser when it reaches `index`, simplified: `data` (a tag there
 * is parsed as a tag), `tag` (inside a tag, e.g. an attribute value), `comment`, or the raw-text
 * element it is inside (`<script>`, `<textarea>`, `<title>`…). One pass, linear in `index`.
 */
export function htmlStateAt(html: string, index: number): string {
  let state: 'data' | 'tag' | 'comment' | 'raw' = 'data';
  let quote = '';
  let name = '';
  let raw = '';
  let i = 0;
  while (i < index) {
    const c = html[i];
    if (state === 'data') {
      if (html.startsWith('<!--', i)) {
        state = 'comment';
        i += 4;
        continue;
      }
      if (c === '<' && /[a-zA-Z/]/.test(html[i + 1] ?? '')) {
        const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/.exec(html.slice(i, i + 40));
        state = 'tag';
        quote = '';
        name = m !== null && m[1] === '' ? m[2].toLowerCase() : '';
        i += m === null ? 1 : m[0].length;
        continue;
      }
    } else if (state === 'tag') {
      if (quote !== '') {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') {
        state = RAW_TEXT.has(name) ? 'raw' : 'data';
        raw = name;
      }
    } else if (state === 'comment') {
      if (html.startsWith('-->', i) || html.startsWith('--!>', i)) {
        i += html.startsWith('-->', i) ? 3 : 4;
        state = 'data';
        continue;
      }
    } else if (c === '<' && raw !== 'plaintext' && html.slice(i, i + raw.length + 2).toLowerCase() === `</${raw}`) {
      state = 'tag';
      quote = '';
      name = '';
      i += raw.length + 2;
      continue;
    }
    i++;
  }
  return state === 'raw' ? `<${raw}>` : state;
}

type Outcome = { kind: 'live'; exchange: Exchange } | { kind: 'reflected' } | { kind: 'none' };

async function attempt(point: InjectionPoint, prober: Prober, build: (tag: string) => string): Promise<Outcome & { payload: string }> {
  const n = randomInt(1000, 99_999);
  const tag = `<herdx${n} x>`;
  const payload = build(tag);
  const e = await prober.send(point.set(payload));
  const r = e.response;
  if (r === null || !rendersAsHtml(r)) return { kind: 'none', payload };
  const at = r.body.indexOf(tag);
  if (at >= 0 && htmlStateAt(r.body, at) === 'data') return { kind: 'live', exchange: e, payload };
  return r.body.includes(`herdx${n}`) ? { kind: 'reflected', payload } : { kind: 'none', payload };
}

const VARIANTS: readonly ((v: string, tag: string) => string)[] = [
  (v, tag) => `${v}${tag}`,
  (v, tag) => `${v}'"></title></textarea></script></style>-->${tag}`,
];

async function probeInput(point: InjectionPoint, prober: Prober): Promise<{ detail: string; evidence: Exchange[] } | null> {
  for (const variant of VARIANTS) {
    if (!prober.canSend(2)) return null;
    const first = await attempt(point, prober, (tag) => variant(point.value, tag));
    if (first.kind === 'none') return null;
    if (first.kind === 'reflected') continue;
    const second = await attempt(point, prober, (tag) => variant(point.value, tag));
    if (second.kind !== 'live') continue;
    const type = first.exchange.response?.headers['content-type'] ?? 'no content type';
    return {
      detail: `The value ${shown(first.payload)} in the ${describeInput(point)} came back with its tag unescaped in an HTML answer (HTTP ${first.exchange.response?.status}, ${type}), twice: a link carrying a script instead runs it in the victim's browser on this origin.`,
      evidence: [first.exchange, second.exchange],
    };
  }
  return null;
}

export const reflectedXss: Check = {
  id: 'injection.xss',
  title: 'Reflected cross-site scripting (XSS)',
  severity: 'medium',
  cwe: 'CWE-79',
  owasp: 'API8:2023',
  appliesTo: 'rest',
  description:
    'An input of the API is written unescaped into an answer that browsers render as HTML, so markup in the value — a <script> or an event handler — runs in the browser of whoever follows a crafted link, with the API origin\'s cookies and permissions (OWASP Top 10 2021 A03:2021 Injection). APIs meet it in HTML error pages, previews, OAuth and redirect pages, and in JSON sent with a text/html content type. The API Security Top 10 (2023) has no injection category; herd files it under API8:2023 Security Misconfiguration.',
  remediation: {
    summary:
      'Serve API data as application/json with X-Content-Type-Options: nosniff. Where HTML is produced, use a template engine that escapes by default and never mark request values as safe; escape by context (HTML text, attribute, URL, JavaScript). Add a Content-Security-Policy without unsafe-inline as a second line of defence.',
    snippets: {
      Express: `// Let the template escape: <%= q %> in EJS (never <%- q %>), or escape by hand
import escapeHtml from 'escape-html';

app.get('/search', (req, res) => {
  res.set('Content-Security-Policy', "default-src 'none'");
  res.type('html').send(\`<h1>Results for \${escapeHtml(String(req.query.q ?? ''))}</h1>\`);
});`,
      Fastify: `// JSON with nosniff for data; escaped HTML where a page is needed
app.addHook('onSend', async (req, reply) => { reply.header('x-content-type-options', 'nosniff'); });
app.get('/search', async (req, reply) =>
  reply.type('text/html').header('content-security-policy', "default-src 'none'")
    .send(\`<h1>Results for \${escapeHtml(String(req.query.q ?? ''))}</h1>\`));`,
      'Django/DRF': `# Templates autoescape {{ q }}; do not use |safe or mark_safe on request data
from django.utils.html import escape
return HttpResponse(f"<h1>Results for {escape(request.GET.get('q', ''))}</h1>")`,
      Flask: `from markupsafe import escape

@app.get("/search")
def search():
    # render_template autoescapes {{ q }}; with inline HTML, escape explicitly
    return f"<h1>Results for {escape(request.args.get('q', ''))}</h1>"`,
      Spring: `// Thymeleaf th:text escapes (th:utext does not); for REST, produce JSON only
@GetMapping(value = "/search", produces = MediaType.TEXT_HTML_VALUE)
String search(@RequestParam String q) {
    return "<h1>Results for " + HtmlUtils.htmlEscape(q) + "</h1>";
}`,
      Rails: `# ERB escapes <%= %>; never call raw or html_safe on params
<h1>Results for <%= params[:q] %></h1>`,
      'Go net/http': `// html/template escapes by context; text/template does not
var page = template.Must(template.New("p").Parse("<h1>Results for {{.}}</h1>"))
func search(w http.ResponseWriter, r *http.Request) {
    w.Header().Set("Content-Type", "text/html; charset=utf-8")
    page.Execute(w, r.URL.Query().Get("q"))
}`,
    },
    references: [
      'https://owasp.org/Top10/A03_2021-Injection/',
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html',
      'https://cwe.mitre.org/data/definitions/79.html',
    ],
  },
  async run(ctx: CheckContext): Promise<void> {
    const reporter = new Reporter(ctx);
    await forEachInput(
      ctx,
      // What a link or a cross-site form can carry; a JSON body cannot be sent by another site.
      (p) => (p.kind === 'query' || p.kind === 'path' || p.kind === 'form') && !isSecretInput(p),
      async (target, point, prober) => {
        const hit = await probeInput(point, prober);
        if (hit !== null) reporter.report({ location: target.location, key: keyOf(point), detail: hit.detail, evidence: hit.evidence });
      },
    );
  },
};
