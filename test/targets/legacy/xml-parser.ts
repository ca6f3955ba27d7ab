/**
 * A small, strict XML 1.0 parser (elements, attributes, text, CDATA, comments, processing
 * instructions, character and entity references) with the DTD handling of a real library chosen
 * by `dtd`:
 * - `refuse`: any DOCTYPE is an error (the safe setting: `disallow-doctype-decl`, defusedxml);
 * - `internal`: internal entities expand, external ones are ignored (expand to nothing);
 * - `resolve`: internal and external `SYSTEM` entities, general and parameter, are loaded through
 *   `load` (like libxml2 with NOENT|DTDLOAD): the XXE of the vulnerable legacy target.
 * Everything is capped (input, declarations, references, expanded text, depth, loads), so a
 * hostile document cannot make the parser itself a denial of service.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

export interface XmlOptions {
  readonly dtd: 'refuse' | 'internal' | 'resolve';
  /** Loads an external entity's text by its system id (`resolve` only). */
  readonly load?: (systemId: string) => Promise<string>;
}

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const MAX_INPUT = 256 * 1024;
const MAX_DECLARATIONS = 64;
const MAX_REFERENCES = 256;
const MAX_EXPANDED = 256 * 1024;
const MAX_ENTITY_DEPTH = 4;
const MAX_ELEMENT_DEPTH = 64;
const MAX_LOADS = 4;

const NAME = /^[A-Za-z_:\u00C0-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][A-Za-z0-9_:.\u00B7\u00C0-\u02FF\u0300-\u036F\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD-]*/;
const NOT_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

interface Entity {
  readonly value?: string;
  readonly systemId?: string;
}

/** Parses a whole document and answers its root element; XmlError when it is not well-formed or breaks a cap. */
export async function parseXml(input: string, options: XmlOptions): Promise<XmlElement> {
  if (input.length > MAX_INPUT) throw new XmlError('document too large');
  return new Parser(input, options).document();
}

/** The text content of an element (its text and its descendants' text, in order). */
export function textOf(e: XmlElement): string {
  return e.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

/** What the document's parsers share: the entity tables and the counters the caps apply to. */
interface State {
  readonly general: Map<string, Entity>;
  readonly parameter: Map<string, Entity>;
  declarations: number;
  references: number;
  expanded: number;
  loads: number;
}

class Parser {
  private readonly s: string;
  private pos = 0;

  constructor(
    input: string,
    private readonly options: XmlOptions,
    private readonly state: State = { general: new Map(), parameter: new Map(), declarations: 0, references: 0, expanded: 0, loads: 0 },
  ) {
    // XML line-end normalisation: CRLF and lone CR are LF.
    this.s = (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input).replace(/\r\n?/g, '\n');
    if (NOT_CHAR.test(this.s)) throw new XmlError('the document contains a character XML does not allow');
  }

  async document(): Promise<XmlElement> {
    if (this.s.startsWith('<?xml')) this.processingInstruction();
    this.misc();
    if (this.s.startsWith('<!DOCTYPE', this.pos)) {
      await this.doctype();
      this.misc();
    }
    if (this.s[this.pos] !== '<') throw new XmlError('expected the root element');
    const root = await this.element(0);
    this.misc();
    if (this.pos < this.s.length) throw new XmlError('content after the root element');
    return root;
  }

  // ---- lexical helpers ------------------------------------------------------------------------

  private fail(what: string): never {
    throw new XmlError(`${what} at offset ${this.pos}`);
  }

  private skipSpace(): boolean {
    const start = this.pos;
    while (this.pos < this.s.length && ' \t\n'.includes(this.s[this.pos]!)) this.pos++;
    return this.pos > start;
  }

  private expect(text: string): void {
    if (!this.s.startsWith(text, this.pos)) this.fail(`expected ${text}`);
    this.pos += text.length;
  }

  private name(): string {
    const m = NAME.exec(this.s.slice(this.pos, this.pos + 256));
    if (m === null) this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private quoted(): string {
    const q = this.s[this.pos];
    if (q !== '"' && q !== "'") this.fail('expected a quoted value');
    const end = this.s.indexOf(q, this.pos + 1);
    if (end < 0) this.fail('unterminated quoted value');
    const value = this.s.slice(this.pos + 1, end);
    this.pos = end + 1;
    return value;
  }

  private until(end: string, what: string): string {
    const i = this.s.indexOf(end, this.pos);
    if (i < 0) this.fail(`unterminated ${what}`);
    const text = this.s.slice(this.pos, i);
    this.pos = i + end.length;
    return text;
  }

  private processingInstruction(): void {
    this.expect('<?');
    this.name();
    this.until('?>', 'processing instruction');
  }

  private comment(): void {
    this.expect('<!--');
    if (this.until('-->', 'comment').includes('--')) this.fail('"--" inside a comment');
  }

  /** Whitespace, comments and processing instructions (between prolog items and after the root). */
  private misc(): void {
    for (;;) {
      this.skipSpace();
      if (this.s.startsWith('<!--', this.pos)) this.comment();
      else if (this.s.startsWith('<?', this.pos)) this.processingInstruction();
      else return;
    }
  }

  // ---- DTD ------------------------------------------------------------------------------------

  private async doctype(): Promise<void> {
    if (this.options.dtd === 'refuse') throw new XmlError('DOCTYPE is not allowed');
    this.expect('<!DOCTYPE');
    if (!this.skipSpace()) this.fail('expected a space');
    this.name();
    this.skipSpace();
    // An external DTD subset (SYSTEM/PUBLIC after the name) is not loaded, as most parsers do by default.
    if (this.s.startsWith('SYSTEM', this.pos) || this.s.startsWith('PUBLIC', this.pos)) {
      this.pos += 6;
      this.skipSpace();
      this.quoted();
      this.skipSpace();
      if (this.s[this.pos] === '"' || this.s[this.pos] === "'") this.quoted();
      this.skipSpace();
    }
    if (this.s[this.pos] === '[') {
      this.pos++;
      const end = this.subsetEnd();
      await this.declarations(this.s.slice(this.pos, end), 0);
      this.pos = end + 1;
      this.skipSpace();
    }
    this.expect('>');
  }

  /** The index of the `]` that closes the internal subset (quotes and comments skipped). */
  private subsetEnd(): number {
    let i = this.pos;
    while (i < this.s.length) {
      const c = this.s[i]!;
      if (c === ']') return i;
      if (c === '"' || c === "'") {
        const end = this.s.indexOf(c, i + 1);
        if (end < 0) break;
        i = end + 1;
      } else if (this.s.startsWith('<!--', i)) {
        const end = this.s.indexOf('-->', i + 4);
        if (end < 0) break;
        i = end + 3;
      } else i++;
    }
    return this.fail('unterminated DOCTYPE');
  }

  /** Markup declarations (the internal subset, or an external parameter entity's text). */
  private async declarations(text: string, depth: number): Promise<void> {
    if (depth > MAX_ENTITY_DEPTH) throw new XmlError('parameter entities nested too deeply');
    const sub = new Parser(text, this.options, this.state);
    for (;;) {
      sub.skipSpace();
      if (sub.pos >= sub.s.length) return;
      if (sub.s.startsWith('<!ENTITY', sub.pos)) sub.entityDeclaration();
      else if (sub.s.startsWith('<!--', sub.pos)) sub.comment();
      else if (sub.s.startsWith('<?', sub.pos)) sub.processingInstruction();
      else if (/^<!(ELEMENT|ATTLIST|NOTATION)\s/.test(sub.s.slice(sub.pos, sub.pos + 11))) sub.skipDeclaration();
      else if (sub.s[sub.pos] === '%') {
        sub.pos++;
        const name = sub.name();
        sub.expect(';');
        if (++this.state.references > MAX_REFERENCES) throw new XmlError('too many entity references');
        const entity = this.state.parameter.get(name);
        if (entity === undefined) throw new XmlError(`undefined parameter entity %${name};`);
        const replacement = entity.value ?? (await this.external(entity.systemId!));
        if (replacement !== null) await this.declarations(replacement, depth + 1);
      } else sub.fail('unexpected text in the DTD');
    }
  }

  private skipDeclaration(): void {
    while (this.pos < this.s.length && this.s[this.pos] !== '>') {
      if (this.s[this.pos] === '"' || this.s[this.pos] === "'") this.quoted();
      else this.pos++;
    }
    this.expect('>');
  }

  private entityDeclaration(): void {
    this.expect('<!ENTITY');
    if (!this.skipSpace()) this.fail('expected a space');
    let table = this.state.general;
    if (this.s[this.pos] === '%') {
      this.pos++;
      if (!this.skipSpace()) this.fail('expected a space');
      table = this.state.parameter;
    }
    const name = this.name();
    if (!this.skipSpace()) this.fail('expected a space');
    let entity: Entity;
    if (this.s.startsWith('SYSTEM', this.pos) || this.s.startsWith('PUBLIC', this.pos)) {
      const isPublic = this.s.startsWith('PUBLIC', this.pos);
      this.pos += 6;
      this.skipSpace();
      if (isPublic) {
        this.quoted();
        this.skipSpace();
      }
      entity = { systemId: this.quoted() };
      this.skipSpace();
      if (this.s.startsWith('NDATA', this.pos)) {
        this.pos += 5;
        this.skipSpace();
        this.name();
      }
    } else {
      const value = this.quoted();
      if (value.includes('<')) this.fail('markup inside an entity value is not supported');
      entity = { value };
    }
    this.skipSpace();
    this.expect('>');
    if (++this.state.declarations > MAX_DECLARATIONS) throw new XmlError('too many entity declarations');
    // The first declaration of a name is binding.
    if (!table.has(name)) table.set(name, entity);
  }

  /** The text of an external entity: loaded with `resolve`, nothing with `internal`. */
  private async external(systemId: string): Promise<string | null> {
    if (this.options.dtd !== 'resolve' || this.options.load === undefined) return null;
    if (++this.state.loads > MAX_LOADS) throw new XmlError('too many external entities');
    try {
      return await this.options.load(systemId);
    } catch (err) {
      throw new XmlError(`could not load the external entity ${systemId.slice(0, 200)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // ---- content --------------------------------------------------------------------------------

  private async element(depth: number): Promise<XmlElement> {
    if (depth > MAX_ELEMENT_DEPTH) this.fail('elements nested too deeply');
    this.expect('<');
    const name = this.name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const spaced = this.skipSpace();
      if (this.s.startsWith('/>', this.pos)) {
        this.pos += 2;
        return { name, attributes, children: [] };
      }
      if (this.s[this.pos] === '>') {
        this.pos++;
        break;
      }
      if (!spaced) this.fail('expected a space before an attribute');
      const attr = this.name();
      this.skipSpace();
      this.expect('=');
      this.skipSpace();
      const raw = this.quoted();
      if (raw.includes('<')) this.fail('"<" in an attribute value');
      if (Object.hasOwn(attributes, attr)) this.fail(`attribute ${attr} given twice`);
      attributes[attr] = (await this.expand(raw.replace(/[\t\n]/g, ' '), 0, true)).join('');
    }
    const children: (XmlElement | string)[] = [];
    const text = (t: string): void => {
      if (t === '') return;
      const last = children[children.length - 1];
      if (typeof last === 'string') children[children.length - 1] = last + t;
      else children.push(t);
    };
    for (;;) {
      if (this.pos >= this.s.length) this.fail(`unclosed element ${name}`);
      if (this.s.startsWith('</', this.pos)) {
        this.pos += 2;
        if (this.name() !== name) this.fail(`mismatched end tag for ${name}`);
        this.skipSpace();
        this.expect('>');
        return { name, attributes, children };
      }
      if (this.s.startsWith('<!--', this.pos)) this.comment();
      else if (this.s.startsWith('<![CDATA[', this.pos)) {
        this.pos += 9;
        text(this.until(']]>', 'CDATA section'));
      } else if (this.s.startsWith('<?', this.pos)) this.processingInstruction();
      else if (this.s[this.pos] === '<') children.push(await this.element(depth + 1));
      else {
        let end = this.s.indexOf('<', this.pos);
        if (end < 0) end = this.s.length;
        const raw = this.s.slice(this.pos, end);
        if (raw.includes(']]>')) this.fail('"]]>" in text');
        this.pos = end;
        for (const t of await this.expand(raw, 0, false)) text(t);
      }
    }
  }

  /** Text with its references replaced (entity values are expanded recursively, up to the caps). */
  private async expand(raw: string, depth: number, inAttribute: boolean): Promise<string[]> {
    if (depth > MAX_ENTITY_DEPTH) throw new XmlError('entities nested too deeply');
    const out: string[] = [];
    let i = 0;
    const add = (t: string): void => {
      this.state.expanded += t.length;
      if (this.state.expanded > MAX_EXPANDED) throw new XmlError('entity expansion too large');
      out.push(t);
    };
    while (i < raw.length) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) {
        add(raw.slice(i));
        break;
      }
      add(raw.slice(i, amp));
      const semi = raw.indexOf(';', amp);
      if (semi < 0 || semi - amp > 128) throw new XmlError('"&" must start a reference (write &amp;)');
      const ref = raw.slice(amp + 1, semi);
      i = semi + 1;
      if (ref.startsWith('#')) {
        const code = /^#x[0-9A-Fa-f]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]{1,7}$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
        const valid = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
        if (!valid) throw new XmlError(`invalid character reference &${ref.slice(0, 20)};`);
        add(String.fromCodePoint(code));
        continue;
      }
      if (!NAME.test(ref) || NAME.exec(ref)![0] !== ref) throw new XmlError('"&" must start a reference (write &amp;)');
      const predefined = PREDEFINED[ref];
      if (predefined !== undefined) {
        add(predefined);
        continue;
      }
      if (++this.state.references > MAX_REFERENCES) throw new XmlError('too many entity references');
      const entity = this.state.general.get(ref);
      if (entity === undefined) throw new XmlError(`undefined entity &${ref};`);
      if (entity.value !== undefined) {
        // Already counted by the nested call.
        out.push(...(await this.expand(entity.value, depth + 1, inAttribute)));
        continue;
      }
      if (inAttribute) throw new XmlError(`external entity &${ref}; in an attribute value`);
      const loaded = await this.external(entity.systemId!);
      // An external parsed entity's text is taken as text (its markup is not parsed here).
      if (loaded !== null) add(loaded.replace(/\r\n?/g, '\n'));
    }
    return out;
  }
}
