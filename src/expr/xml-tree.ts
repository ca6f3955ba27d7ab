/**
 * XML read the way CrowdSec's XML helpers read it: github.com/beevik/etree on top of Go's
 * encoding/xml in strict mode (RawToken). Same accepted documents, same text: the five predefined
 * entities and character references only, `\r\n` and `\r` read as `\n`, no DTD processing (a
 * DOCTYPE is skipped, so no entity expansion), several top-level elements allowed, mismatched or
 * unclosed tags refused. One linear pass without recursion, so a hostile line costs its length.
 *
 * Known difference: XML names outside ASCII are checked against Unicode letter/mark/digit classes
 * rather than Go's tables from XML 1.0 appendix B.
 */

export interface XmlAttr {
  /** Namespace prefix ("" when none), as written. */
  readonly space: string;
  readonly key: string;
  value: string;
}

export type XmlChild = XmlElement | XmlCharData | XmlOther;

export class XmlCharData {
  readonly kind = 'chardata';
  constructor(readonly data: string) {}
}

/** Comments, directives and processing instructions: kept only because they split text runs. */
export class XmlOther {
  constructor(readonly kind: 'comment' | 'directive' | 'procinst') {}
}

export class XmlElement {
  readonly kind = 'element';
  readonly attrs: XmlAttr[] = [];
  readonly children: XmlChild[] = [];

  constructor(
    public space: string,
    public tag: string,
    readonly parent: XmlElement | null,
  ) {}

  /** etree's Text: the character data right after the opening tag (comments between runs skipped). */
  text(): string {
    let text = '';
    for (const c of this.children) {
      if (c.kind === 'chardata') text += c.data;
      else if (c.kind !== 'comment') break;
    }
    return text;
  }

  /** etree's hasText: the first child is character data. */
  hasText(): boolean {
    return this.children.length > 0 && this.children[0]!.kind === 'chardata';
  }

  /** etree's FullTag: `space:tag`, or `tag`. */
  fullTag(): string {
    return this.space === '' ? this.tag : `${this.space}:${this.tag}`;
  }

  /** etree's NamespaceURI: the xmlns declaration in scope for this element's prefix. */
  namespaceURI(): string {
    for (let e: XmlElement | null = this; e !== null; e = e.parent) {
      for (const a of e.attrs) {
        if (this.space === '' ? a.space === '' && a.key === 'xmlns' : a.space === 'xmlns' && a.key === this.space) return a.value;
      }
    }
    return '';
  }

  /** etree's SelectAttr: `key` may be `prefix:name`; no prefix matches any. */
  selectAttr(key: string): XmlAttr | undefined {
    const colon = key.indexOf(':');
    const space = colon < 0 ? '' : key.slice(0, colon);
    const local = colon < 0 ? key : key.slice(colon + 1);
    return this.attrs.find((a) => (space === '' || space === a.space) && a.key === local);
  }
}

/** A syntax error, reported with Go's wording (the helpers only need to know the document is refused). */
export class XmlSyntaxError extends Error {}

const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['apos', "'"],
  ['quot', '"'],
]);

function isNameByte(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x3a || c === 0x2e || c === 0x2d;
}

const NAME_FIRST = /^[\p{L}\p{Nl}_:]$/u;
const NAME_NEXT = /^[\p{L}\p{Nl}\p{M}\p{Nd}_:.\-\u00b7]$/u;

/** Go's isName (first character a letter, `_` or `:`; then letters, digits, `.`, `-`, marks…). */
function isName(s: string): boolean {
  if (s.length === 0) return false;
  let first = true;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    if (!(first ? NAME_FIRST : NAME_NEXT).test(ch)) return false;
    first = false;
  }
  return true;
}

/** XML's Char production, as Go's isInCharacterRange. */
function inCharacterRange(cp: number): boolean {
  return cp === 0x09 || cp === 0x0a || cp === 0x0d || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Go's procInst: the value of `param="…"` in an `<?xml …?>` body ("" when absent). */
function procInstParam(param: string, s: string): string {
  const p = `${param}=`;
  let i = 0;
  let sep = '';
  while (i < s.length) {
    const sub = s.slice(i);
    const k = sub.indexOf(p);
    if (k < 0 || p.length + k >= sub.length) return '';
    i += p.length + k + 1;
    const c = sub[p.length + k]!;
    if (c === "'" || c === '"') {
      sep = c;
      break;
    }
  }
  if (sep === '') return '';
  const j = s.indexOf(sep, i);
  return j < 0 ? '' : s.slice(i, j);
}

/** Reads a document; throws XmlSyntaxError when Go's decoder or etree refuses it. */
export function parseXml(src: string): XmlElement {
  return new Reader(src).document();
}

class Reader {
  private pos = 0;

  constructor(private readonly s: string) {}

  private fail(reason: string): never {
    throw new XmlSyntaxError(`XML syntax error: ${reason}`);
  }

  /** The next character code, or fails with "unexpected EOF" (Go's mustgetc). */
  private must(): number {
    if (this.pos >= this.s.length) this.fail('unexpected EOF');
    return this.s.charCodeAt(this.pos++);
  }

  private space(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0d && c !== 0x0a && c !== 0x09) return;
      this.pos++;
    }
  }

  /** Go's readName + isName: ASCII name bytes and any non-ASCII character, then checked. */
  private name(what: string): string {
    const s = this.s;
    const start = this.pos;
    if (this.pos >= s.length) this.fail('unexpected EOF');
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c < 0x80 && !isNameByte(c)) break;
      this.pos++;
    }
    if (this.pos >= s.length) this.fail('unexpected EOF');
    const name = s.slice(start, this.pos);
    if (name === '') this.fail(what);
    if (!isName(name)) this.fail(`invalid XML name: ${name}`);
    return name;
  }

  /** Go's nsname: one optional `prefix:`; more colons are an error. */
  private nsname(what: string): { space: string; local: string } {
    const n = this.name(what);
    const first = n.indexOf(':');
    if (first >= 0 && n.indexOf(':', first + 1) >= 0) this.fail(what);
    if (first <= 0 || first === n.length - 1) return { space: '', local: n };
    return { space: n.slice(0, first), local: n.slice(first + 1) };
  }

  /**
   * Go's text(): character data up to `<` (quote < 0), up to the quote (attribute values), or up to
   * `]]>` (CDATA), with entities decoded and line ends normalised. At EOF, text outside CDATA ends.
   */
  private text(quote: number, cdata: boolean): string {
    const s = this.s;
    let out = '';
    let b0 = 0;
    let b1 = 0;
    let runStart = this.pos;
    const flush = (end: number): void => {
      if (end > runStart) out += s.slice(runStart, end);
    };
    for (;;) {
      if (this.pos >= s.length) {
        if (cdata) this.fail('unexpected EOF in CDATA section');
        flush(this.pos);
        break;
      }
      const at = this.pos;
      const b = s.charCodeAt(this.pos++);
      if (quote < 0 && b0 === 0x5d && b1 === 0x5d && b === 0x3e) {
        if (!cdata) this.fail('unescaped ]]> not in CDATA section');
        flush(at);
        out = out.slice(0, -2);
        break;
      }
      if (b === 0x3c && !cdata) {
        if (quote >= 0) this.fail('unescaped < inside quoted string');
        this.pos--;
        flush(at);
        break;
      }
      if (quote >= 0 && b === quote) {
        flush(at);
        break;
      }
      if (b === 0x26 && !cdata) {
        flush(at);
        out += this.entity();
        runStart = this.pos;
        b0 = 0;
        b1 = 0;
        continue;
      }
      if (b === 0x0d) {
        flush(at);
        out += '\n';
        runStart = this.pos;
      } else if (b1 === 0x0d && b === 0x0a) {
        // \r\n: the \n was written for the \r.
        runStart = this.pos;
      }
      b0 = b1;
      b1 = b;
    }
    for (const ch of out) {
      const cp = ch.codePointAt(0)!;
      if (cp >= 0xd800 && cp <= 0xdfff) this.fail('invalid UTF-8');
      if (!inCharacterRange(cp)) this.fail(`illegal character code U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    return out;
  }

  /** After `&`: a character reference or one of the five predefined entities (strict mode). */
  private entity(): string {
    const s = this.s;
    const start = this.pos - 1;
    let b = this.must();
    if (b === 0x23) {
      b = this.must();
      let base = 10;
      if (b === 0x78) {
        base = 16;
        b = this.must();
      }
      const digitsStart = this.pos - 1;
      const isDigit = (c: number): boolean =>
        (c >= 0x30 && c <= 0x39) || (base === 16 && ((c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)));
      while (isDigit(b)) b = this.must();
      if (b === 0x3b) {
        const digits = s.slice(digitsStart, this.pos - 1);
        const n = digits === '' ? NaN : parseInt(digits, base);
        if (Number.isFinite(n) && n <= 0x10ffff) return n >= 0xd800 && n <= 0xdfff ? '\ufffd' : String.fromCodePoint(n);
      } else {
        this.pos--;
      }
    } else {
      this.pos--;
      const nameStart = this.pos;
      while (this.pos < s.length) {
        const c = s.charCodeAt(this.pos);
        if (c < 0x80 && !isNameByte(c)) break;
        this.pos++;
      }
      const name = s.slice(nameStart, this.pos);
      b = this.must();
      if (b === 0x3b) {
        const text = isName(name) ? PREDEFINED.get(name) : undefined;
        if (text !== undefined) return text;
      } else {
        this.pos--;
      }
    }
    const ent = s.slice(start, this.pos);
    this.fail(`invalid character entity ${ent}${ent.endsWith(';') ? '' : ' (no semicolon)'}`);
  }

  /** Builds the tree: a document element (tag "") holding the top-level tokens. */
  document(): XmlElement {
    const doc = new XmlElement('', '', null);
    const stack: XmlElement[] = [doc];
    const s = this.s;
    while (this.pos < s.length) {
      const top = stack[stack.length - 1]!;
      if (s.charCodeAt(this.pos) !== 0x3c) {
        top.children.push(new XmlCharData(this.text(-1, false)));
        continue;
      }
      this.pos++;
      const b = this.must();
      if (b === 0x2f) {
        const name = this.nsname('expected element name after </');
        this.space();
        if (this.must() !== 0x3e) this.fail(`invalid characters between </${name.local} and >`);
        if (top === doc || top.tag !== name.local || top.space !== name.space) this.fail('element end tag does not match its start tag');
        stack.pop();
      } else if (b === 0x3f) {
        this.procInst();
        top.children.push(new XmlOther('procinst'));
      } else if (b === 0x21) {
        const c = this.must();
        if (c === 0x2d) {
          this.comment();
          top.children.push(new XmlOther('comment'));
        } else if (c === 0x5b) {
          for (const want of 'CDATA[') if (this.must() !== want.charCodeAt(0)) this.fail('invalid <![ sequence');
          top.children.push(new XmlCharData(this.text(-1, true)));
        } else {
          this.directive();
          top.children.push(new XmlOther('directive'));
        }
      } else {
        this.pos--;
        const el = new XmlElement('', '', top);
        const open = this.startElement(el);
        top.children.push(el);
        if (open) stack.push(el);
      }
    }
    if (stack.length !== 1) this.fail('unexpected EOF: unclosed element');
    return doc;
  }

  /** `<name attr="v" …>` or `<name …/>` into `el`; false when self-closed (nothing to push). */
  private startElement(el: XmlElement): boolean {
    const name = this.nsname('expected element name after <');
    el.space = name.space;
    el.tag = name.local;
    for (;;) {
      this.space();
      const b = this.must();
      if (b === 0x2f) {
        if (this.must() !== 0x3e) this.fail('expected /> in element');
        return false;
      }
      if (b === 0x3e) return true;
      this.pos--;
      const an = this.nsname('expected attribute name in element');
      this.space();
      if (this.must() !== 0x3d) this.fail('attribute name without = in element');
      this.space();
      const q = this.must();
      if (q !== 0x22 && q !== 0x27) this.fail('unquoted or missing attribute value in element');
      const value = this.text(q, false);
      // etree keeps the first position of a repeated attribute and its last value.
      const same = el.attrs.find((a) => a.space === an.space && a.key === an.local);
      if (same) same.value = value;
      else el.attrs.push({ space: an.space, key: an.local, value });
    }
  }

  private procInst(): void {
    const target = this.name('expected target name after <?');
    this.space();
    const start = this.pos;
    let b0 = 0;
    for (;;) {
      const b = this.must();
      if (b0 === 0x3f && b === 0x3e) break;
      b0 = b;
    }
    if (target === 'xml') {
      const content = this.s.slice(start, this.pos - 2);
      const ver = procInstParam('version', content);
      if (ver !== '' && ver !== '1.0') this.fail(`unsupported version "${ver}"; only version 1.0 is supported`);
    }
  }

  /** After `<!-`: Go's comment reader (a `--` must be followed by `>`). */
  private comment(): void {
    if (this.must() !== 0x2d) this.fail('invalid sequence <!- not part of <!--');
    let b0 = 0;
    let b1 = 0;
    for (;;) {
      const b = this.must();
      if (b0 === 0x2d && b1 === 0x2d) {
        if (b !== 0x3e) this.fail('invalid sequence "--" not allowed in comments');
        return;
      }
      b0 = b1;
      b1 = b;
    }
  }

  /**
   * After `<!x`: a directive up to its `>`, with Go's nesting, quotes and inner comments. The
   * character after `<!` is kept by Go without being looked at, so it neither quotes nor nests.
   */
  private directive(): void {
    let inquote = 0;
    let depth = 0;
    for (;;) {
      let b = this.must();
      if (inquote === 0 && b === 0x3e && depth === 0) return;
      for (;;) {
        if (b === inquote) inquote = 0;
        else if (inquote !== 0) {
          // inside quotes: nothing is special
        } else if (b === 0x27 || b === 0x22) inquote = b;
        else if (b === 0x3e) depth--;
        else if (b === 0x3c) {
          // `<!--` opens a comment, skipped to `-->`; any other `<` nests, and the character that
          // broke the `!--` is looked at again.
          let matched = 0;
          let next = 0;
          while (matched < 3) {
            next = this.must();
            if (next !== '!--'.charCodeAt(matched)) break;
            matched++;
          }
          if (matched < 3) {
            depth++;
            b = next;
            continue;
          }
          let c0 = 0;
          let c1 = 0;
          for (;;) {
            const c = this.must();
            if (c0 === 0x2d && c1 === 0x2d && c === 0x3e) break;
            c0 = c1;
            c1 = c;
          }
        }
        break;
      }
    }
  }
}
