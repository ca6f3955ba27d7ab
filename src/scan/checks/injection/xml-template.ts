/**
 * The XML body as the XXE probes rewrite it: its declaration, root element and text leaves, found by
 * a light, linear scan (the body is the scanner's own, or the API's example), and the document
 * written back with a DOCTYPE and a value in chosen leaves.
 */

const MAX_LEAVES = 50;

/** The character data of one element in `body` (empty elements included). */
export interface XmlLeaf {
  readonly start: number;
  readonly end: number;
  readonly raw: string;
}

export interface XmlTemplate {
  /** The XML declaration, when the body has one. */
  readonly declaration: string;
  readonly root: string;
  /** The document from the root element on. */
  readonly body: string;
  readonly leaves: readonly XmlLeaf[];
}

/**
 * The template of an XML document: its declaration, root name and text leaves, found by a light
 * scan (the body is the scanner's own, or the API's example). Null without a root element, or
 * when the body already has a DOCTYPE.
 */
export function xmlTemplate(xml: string): XmlTemplate | null {
  let text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  let declaration = '';
  const decl = /^<\?xml[^>]*\?>/.exec(text);
  if (decl !== null) {
    declaration = decl[0];
    text = text.slice(decl[0].length);
  }
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('<!--', i)) i = after(text, '-->', i);
    else if (text.startsWith('<?', i)) i = after(text, '?>', i);
    else break;
  }
  if (text.startsWith('<!DOCTYPE', i)) return null;
  const body = text.slice(i);
  const root = /^<([A-Za-z_][A-Za-z0-9._:-]*)/.exec(body);
  if (root === null) return null;
  return { declaration, root: root[1]!, body, leaves: leavesOf(body) };
}

function after(text: string, end: string, from: number): number {
  const j = text.indexOf(end, from);
  return j < 0 ? text.length : j + end.length;
}

function leavesOf(body: string): XmlLeaf[] {
  const leaves: XmlLeaf[] = [];
  // Just after a start tag followed by nothing but whitespace so far: `<a></a>` is an empty leaf.
  let open = -1;
  let i = 0;
  while (i < body.length && leaves.length < MAX_LEAVES) {
    if (body[i] !== '<') {
      let end = body.indexOf('<', i);
      if (end < 0) end = body.length;
      if (body.slice(i, end).trim() !== '') {
        leaves.push({ start: i, end, raw: body.slice(i, end) });
        open = -1;
      }
      i = end;
    } else if (body.startsWith('<!--', i) || body.startsWith('<![CDATA[', i) || body.startsWith('<?', i)) {
      i = after(body, body[i + 1] === '?' ? '?>' : body[i + 2] === '[' ? ']]>' : '-->', i);
      open = -1;
    } else {
      const closing = body[i + 1] === '/';
      if (closing && open >= 0) leaves.push({ start: open, end: i, raw: body.slice(open, i) });
      const end = tagEnd(body, i);
      open = !closing && body[end - 2] !== '/' ? end : -1;
      i = end;
    }
  }
  return leaves;
}

/** The index after the `>` ending the tag that starts at `i` (quoted attribute values skipped). */
function tagEnd(body: string, i: number): number {
  let j = i + 1;
  while (j < body.length && body[j] !== '>') {
    const c = body[j];
    if (c === '"' || c === "'") {
      const close = body.indexOf(c, j + 1);
      j = close < 0 ? body.length : close + 1;
    } else j++;
  }
  return Math.min(j + 1, body.length);
}

/** Leaves holding text rather than a number or a boolean (all of them when none does). */
export function textLeaves(t: XmlTemplate): readonly XmlLeaf[] {
  const text = t.leaves.filter((l) => !/^\s*(-?\d+(\.\d+)?|true|false)\s*$/.test(l.raw));
  return text.length > 0 ? text : t.leaves;
}

/** The document with `doctype` before the root and the text of `leaves` replaced by `value` (raw XML). */
export function renderXml(t: XmlTemplate, doctype: string, leaves: readonly XmlLeaf[], value: string): string {
  let out = '';
  let at = 0;
  for (const l of [...leaves].sort((a, b) => a.start - b.start)) {
    out += t.body.slice(at, l.start) + value;
    at = l.end;
  }
  return `${t.declaration}${doctype}${out}${t.body.slice(at)}`;
}

/** The name of the element a leaf is the text of. */
export function leafName(t: XmlTemplate, leaf: XmlLeaf): string {
  const m = /<([A-Za-z_][A-Za-z0-9._:-]*)(?:\s[^<>]*)?>\s*$/.exec(t.body.slice(Math.max(0, leaf.start - 300), leaf.start));
  return m?.[1] ?? t.root;
}
