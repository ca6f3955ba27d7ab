import { realpath } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readHead } from '../kit/files.js';
import { fetchCapped } from '../kit/outbound-fetch.js';
import { badRequest } from './context.js';
import { XmlError, parseXml, textOf, type XmlOptions } from './xml-parser.js';

/**
 * Notes written as XML (`<note><title>…</title><body>…</body></note>`): the legacy import format,
 * also taken by the old note-creation route. The vulnerable variant parses it like an XML library
 * with entity resolution on (internal entities, and external SYSTEM entities, general and
 * parameter, read from `file:` URLs or fetched over http(s) within 2 s): XXE. The fixed twin
 * refuses any DOCTYPE.
 */

const MAX_ENTITY_BYTES = 64 * 1024;
const FETCH_TIMEOUT_MS = 2_000;

/** An external entity's text, the way an XML library with a default entity loader gets it. */
export async function loadExternalEntity(systemId: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(systemId);
  } catch {
    throw new Error('relative system identifiers are not supported');
  }
  if (url.protocol === 'file:') {
    const real = await realpath(fileURLToPath(url)).catch(() => null);
    // Kernel files would hand the test machine's environment (or an endless stream) to a scanner.
    if (real === null || /^\/(proc|sys|dev)(\/|$)/.test(real)) throw new Error('no such file');
    const text = await readHead(real, MAX_ENTITY_BYTES);
    if (text === null) throw new Error('no such file');
    return text;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const answer = await fetchCapped(url.href, { userAgent: 'legacy-notes-xml/0.9', accept: '*/*', follow: false, timeoutMs: FETCH_TIMEOUT_MS, maxBytes: MAX_ENTITY_BYTES });
    return answer.body.toString('utf8');
  }
  throw new Error(`unsupported scheme ${url.protocol}`);
}

/** The parser settings of a variant: entity resolution on (vulnerable), DOCTYPE refused (fixed). */
export function xmlOptions(vulnerable: boolean): XmlOptions {
  return vulnerable ? { dtd: 'resolve', load: loadExternalEntity } : { dtd: 'refuse' };
}

/**
 * The child elements of the document's root as fields (`{title, body}`), the first of each name;
 * a 400 when the document is not well-formed (or declares a DOCTYPE, on the fixed twin) or its root
 * is not `root` (when given).
 */
export async function xmlFields(vulnerable: boolean, raw: string, root?: string): Promise<Record<string, unknown>> {
  let doc;
  try {
    doc = await parseXml(raw, xmlOptions(vulnerable));
  } catch (err) {
    if (err instanceof XmlError) throw badRequest(`the XML body is not accepted: ${err.message}`);
    throw err;
  }
  if (root !== undefined && doc.name !== root) throw badRequest(`the XML body's root element must be <${root}>`);
  const fields = new Map<string, string>();
  for (const child of doc.children) if (typeof child !== 'string' && !fields.has(child.name)) fields.set(child.name, textOf(child));
  // Object.fromEntries defines own properties, so a <__proto__> element is a plain key here.
  return Object.fromEntries(fields);
}
