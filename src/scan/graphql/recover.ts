/**
 * Rebuilds a GraphQL schema when introspection is off, the way an attacker does (clairvoyance):
 * graphql-js, and the servers built on it, validate a query completely and answer every mistake
 * with a message that names what exists — `Cannot query field "produc" on type "Query". Did you
 * mean "product"?`, `Field "me" of type "User" must have a selection of subfields`, `Unknown
 * argument "ids" on field "Query.product". Did you mean "id"?`, `Variable "$v" of type "X" used in
 * position expecting type "ID!"`. Candidate words are sent in batches, one per line, and each error
 * is read by the line it points at.
 *
 * Every probe also selects a field that exists nowhere, on its last line: the operation can never
 * pass validation, so nothing is executed (no mutation runs), and an error for that last line
 * proves the server validated the whole document, so a word without an error is a real name.
 */
import { buildSchema, validateSchema, type GraphQLSchema } from 'graphql';
import type { ScanClient } from '../check.js';
import type { Exchange } from '../model.js';
import { ARG_WORDS, ENUM_WORDS, objectFieldWords, rootFieldWords } from './field-words.js';
import { getRequest, parseJsonText, postRequest } from './transport.js';

export interface RecoverOptions {
  /** Most requests recovery may send (the client's own budget applies too). Default 400. */
  readonly budget?: number;
  /** The user to send as (null: no credentials). */
  readonly as?: string | null;
  /** How deep below the root types object types are followed. Default 3. */
  readonly maxDepth?: number;
  /** Most object types probed. Default 40. */
  readonly maxTypes?: number;
}

type Op = 'query' | 'mutation';

interface Step {
  readonly field: string;
  /** An inline fragment inside the field's selection (union members). */
  readonly cond?: string;
}

/** Where a type's fields can be selected: the operation and the fields leading there. */
interface Site {
  readonly op: Op;
  readonly steps: readonly Step[];
}

interface OutField {
  type?: string;
  /** True: an object, interface or union; false: a scalar or enum; undefined: not known yet. */
  composite?: boolean;
  readonly args: Map<string, string | undefined>;
  argsProbed: boolean;
}

interface OutType {
  readonly name: string;
  readonly site: Site;
  readonly fields: Map<string, OutField>;
  readonly members: Set<string>;
  probed: boolean;
}

/** Where an input value of some type goes: a field's argument, then input fields inside it. */
interface ValueSite {
  readonly site: Site;
  readonly field: string;
  readonly composite: boolean;
  readonly arg: string;
  readonly chain: readonly string[];
}

interface InType {
  readonly name: string;
  readonly at: ValueSite;
  kind?: 'input' | 'enum' | 'scalar';
  readonly fields: Map<string, string | undefined>;
  readonly values: Set<string>;
}

interface WireError {
  readonly message: string;
  readonly line: number | null;
}

interface Answer {
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly errors: readonly WireError[];
}

interface Item {
  readonly line: string;
  readonly name: string;
}

interface ProbeResult {
  /** The last line was reached: items without an error are valid. */
  readonly complete: boolean;
  readonly perItem: readonly (readonly string[])[];
  readonly all: readonly string[];
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
const TYPE_REF = /^\[*[_A-Za-z][_0-9A-Za-z]{0,99}!?(?:\]!?)*$/;
const BUILTIN = new Set(['Int', 'Float', 'String', 'Boolean', 'ID']);
const POISON = 'herdNoSuchField';
/** The type of the variable used to learn argument types: no real argument has it. */
const VAR_TYPE = '[[[Boolean!]!]!]!';
const BATCH = 64;
const MAX_MESSAGES = 300;
const MAX_MESSAGE_CHARS = 2000;
const MAX_NAMES = 300;
const FIELD_MESSAGE = /^Field "[^"]+" (?:of type "[^"]+" must have a selection|must not have a selection|argument "[^"]+" of type "[^"]+" is required)/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A GraphQL answer with each error's line (the last location: where the offending node is). */
function answerOf(exchange: Exchange): Answer | null {
  if (exchange.response === null) return null;
  const json = parseJsonText(exchange.response.body);
  if (!isRecord(json) || !('data' in json || 'errors' in json)) return null;
  const errors: WireError[] = [];
  if (Array.isArray(json.errors)) {
    for (const e of json.errors.slice(0, MAX_MESSAGES)) {
      if (!isRecord(e) || typeof e.message !== 'string') continue;
      const locs = Array.isArray(e.locations) ? e.locations : [];
      const last: unknown = locs[locs.length - 1];
      const line = isRecord(last) && typeof last.line === 'number' && Number.isInteger(last.line) ? last.line : null;
      errors.push({ message: e.message.slice(0, MAX_MESSAGE_CHARS), line });
    }
  }
  return { data: isRecord(json.data) ? json.data : null, errors };
}

/** The quoted names of a `Did you mean "a", "b", or "c"?` tail. */
function quotedNames(tail: string | undefined): string[] {
  if (tail === undefined) return [];
  return [...tail.matchAll(/"([^"]{1,100})"/g)].map((m) => m[1] ?? '').filter((n) => NAME.test(n) && !n.startsWith('__'));
}

export function namedTypeOf(ref: string): string {
  return ref.replace(/[[\]!]/g, '');
}

function validTypeRef(ref: string): boolean {
  if (!TYPE_REF.test(ref)) return false;
  const open = ref.split('[').length - 1;
  return open === ref.split(']').length - 1;
}

function esc(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class Recovery {
  used = 0;
  private usePost = true;
  queryRoot = 'Query';
  mutationRoot: string | null = null;
  readonly out = new Map<string, OutType>();
  readonly inputs = new Map<string, InType>();
  /** Leaf output types that are not built in (scalars or enums). */
  readonly leaves = new Set<string>();

  constructor(
    private readonly client: ScanClient,
    private readonly url: string,
    private readonly budget: number,
    private readonly as: string | null,
    readonly maxDepth: number,
    readonly maxTypes: number,
  ) {}

  canSend(): boolean {
    return this.used < this.budget && this.client.canSend();
  }

  async send(query: string): Promise<Answer | null> {
    if (!this.canSend()) return null;
    let exchange = await this.client.send(this.usePost ? postRequest(this.url, { query }) : getRequest(this.url, { query }), { as: this.as });
    if (exchange.response !== null) this.used++;
    const refusedPost = exchange.response === null ? exchange.error?.startsWith('refused') === true : exchange.response.status === 405 || exchange.response.status === 415;
    if (this.usePost && refusedPost && this.canSend()) {
      const get = await this.client.send(getRequest(this.url, { query }), { as: this.as });
      if (get.response !== null) this.used++;
      if (answerOf(get) !== null) {
        this.usePost = false;
        exchange = get;
      }
    }
    return answerOf(exchange);
  }

  /**
   * Sends `items` (one per line) inside `pre`/`post` at a site, then the poison field, and sorts
   * the errors by item: by line, or by the first quoted name when the server drops locations.
   */
  async probe(site: Site, pre: readonly string[], items: readonly Item[], post: readonly string[], withVar: boolean): Promise<ProbeResult | null> {
    // One variable per item: servers that drop locations still name the variable in the error.
    const vars = withVar ? ` (${items.map((_, i) => `$v${i}: ${VAR_TYPE}`).join(', ')})` : '';
    const lines: string[] = [`${site.op}${vars} {`];
    let depth = 1;
    for (const s of site.steps) {
      lines.push(`${s.field} {`);
      depth++;
      if (s.cond !== undefined) {
        lines.push(`... on ${s.cond} {`);
        depth++;
      }
    }
    lines.push(...pre);
    const first = lines.length + 1;
    lines.push(...items.map((it, i) => (withVar ? it.line.replace('$v', `$v${i}`) : it.line)), ...post);
    const poisonLine = lines.length + 1;
    lines.push(POISON);
    for (let i = 0; i < depth; i++) lines.push('}');
    const answer = await this.send(lines.join('\n'));
    if (answer === null) return null;
    const perItem: string[][] = items.map(() => []);
    let complete = false;
    for (const e of answer.errors) {
      if (e.line !== null) {
        if (e.line === poisonLine) complete = true;
        else if (e.line >= first && e.line < first + items.length) perItem[e.line - first]?.push(e.message);
        continue;
      }
      const variable = /^Variable "\$v(\d+)"/.exec(e.message)?.[1];
      if (variable !== undefined) {
        perItem[Number(variable)]?.push(e.message);
        continue;
      }
      const name = /"([_A-Za-z][_0-9A-Za-z]*)"/.exec(e.message)?.[1];
      if (name === POISON) complete = true;
      else {
        const i = items.findIndex((it) => it.name === name);
        if (i >= 0) perItem[i]?.push(e.message);
      }
    }
    // A server that says nothing about most words is not validating what it was sent.
    const silent = perItem.filter((m) => m.length === 0).length;
    if (items.length >= 16 && silent > items.length / 2) complete = false;
    return { complete, perItem, all: answer.errors.map((e) => e.message) };
  }

  /** Probes in batches; a batch cut short (graphql-js stops at 100 errors) is split once. */
  async probeAll(site: Site, pre: readonly string[], items: readonly Item[], post: readonly string[], withVar: boolean, read: (r: ProbeResult, items: readonly Item[]) => void, batch = BATCH): Promise<void> {
    for (let i = 0; i < items.length && this.canSend(); i += batch) {
      const part = items.slice(i, i + batch);
      const r = await this.probe(site, pre, part, post, withVar);
      if (r === null) continue;
      if (!r.complete && part.length > 8 && r.all.some((m) => /too many/i.test(m))) {
        await this.probeAll(site, pre, part, post, withVar, read, Math.ceil(part.length / 2));
        continue;
      }
      read(r, part);
    }
  }

  addOut(name: string, site: Site): OutType | null {
    const known = this.out.get(name);
    if (known !== undefined) return known;
    if (!NAME.test(name) || BUILTIN.has(name) || this.out.size >= this.maxTypes) return null;
    const t: OutType = { name, site, fields: new Map(), members: new Set(), probed: false };
    this.out.set(name, t);
    return t;
  }

  fieldOf(t: OutType, name: string): OutField | null {
    if (!NAME.test(name) || name.startsWith('__') || name === POISON) return null;
    let f = t.fields.get(name);
    if (f === undefined) {
      if (t.fields.size >= MAX_NAMES) return null;
      f = { args: new Map(), argsProbed: false };
      t.fields.set(name, f);
    }
    return f;
  }

  setFieldType(t: OutType, name: string, ref: string, composite: boolean): void {
    const f = this.fieldOf(t, name);
    if (f === null || !validTypeRef(ref)) return;
    f.type = ref;
    f.composite = composite;
    const named = namedTypeOf(ref);
    if (!composite) {
      if (!BUILTIN.has(named)) this.leaves.add(named);
      return;
    }
    if (t.site.steps.length < this.maxDepth) this.addOut(named, { op: t.site.op, steps: [...t.site.steps, { field: name }] });
  }

  /** Reads what errors say about one field of `t` (found as a word or in a type probe). */
  readFieldMessages(t: OutType, name: string, messages: readonly string[]): void {
    const n = esc(name);
    for (const m of messages) {
      let x = new RegExp(`^Field "${n}" of type "([^"]+)" must have a selection of subfields`).exec(m);
      if (x?.[1] !== undefined) this.setFieldType(t, name, x[1], true);
      x = new RegExp(`^Field "${n}" must not have a selection since type "([^"]+)" has no subfields`).exec(m);
      if (x?.[1] !== undefined) this.setFieldType(t, name, x[1], false);
      x = new RegExp(`^Field "${n}" argument "([^"]+)" of type "([^"]+)" is required`).exec(m);
      if (x?.[1] !== undefined && x[2] !== undefined && NAME.test(x[1]) && validTypeRef(x[2])) {
        const f = this.fieldOf(t, name);
        if (f !== null && f.args.size < 100) f.args.set(x[1], x[2]);
      }
    }
  }

  async probeWords(t: OutType, words: readonly string[]): Promise<void> {
    t.probed = true;
    const items = words.filter((w) => NAME.test(w) && !t.fields.has(w)).map((w) => ({ line: w, name: w }));
    await this.probeAll(t.site, [], items, [], false, (r, part) => {
      part.forEach((item, i) => {
        const ms = r.perItem[i] ?? [];
        const missing = ms.find((m) => m.startsWith(`Cannot query field "${item.name}"`));
        if (missing !== undefined) {
          const tail = /Did you mean (.*)\?/.exec(missing)?.[1];
          if (tail?.startsWith('to use an inline fragment on') === true) {
            for (const member of quotedNames(tail)) if (this.addOut(member, this.memberSite(t, member)) !== null) t.members.add(member);
          } else for (const s of quotedNames(tail)) this.fieldOf(t, s);
          return;
        }
        if (ms.length === 0) {
          const f = r.complete ? this.fieldOf(t, item.name) : null;
          if (f !== null) f.composite = false;
          return;
        }
        // Only messages known to be about an existing field make it one (not any rewritten error).
        if (ms.some((m) => FIELD_MESSAGE.test(m))) this.readFieldMessages(t, item.name, ms);
      });
    });
    await this.probeTypes(t);
  }

  private memberSite(t: OutType, member: string): Site {
    const steps = t.site.steps;
    const last = steps[steps.length - 1];
    if (last === undefined) return t.site;
    return { op: t.site.op, steps: [...steps.slice(0, -1), { field: last.field, cond: member }] };
  }

  /** Fields whose type is not known: selected bare (objects complain) and with a selection (leaves complain). */
  async probeTypes(t: OutType): Promise<void> {
    const todo = [...t.fields].filter(([, f]) => f.type === undefined).map(([name]) => name);
    const items: Item[] = [];
    todo.forEach((name, i) => {
      items.push({ line: name, name }, { line: `herdTy${i}: ${name} { __typename }`, name });
    });
    await this.probeAll(t.site, [], items, [], false, (r, part) => {
      part.forEach((item, i) => this.readFieldMessages(t, item.name, r.perItem[i] ?? []));
    }, 48);
  }

  /** Arguments of one field: every word as `word: $v`; unknown ones are refused with suggestions. */
  async probeArgs(t: OutType, name: string): Promise<void> {
    const f = t.fields.get(name);
    if (f === undefined || f.argsProbed) return;
    f.argsProbed = true;
    const sel = f.composite === true ? ' { __typename }' : '';
    let words = ARG_WORDS.filter((w) => !f.args.has(w));
    for (let round = 0; round < 3 && words.length > 0 && this.canSend(); round++) {
      const suggested = new Set<string>();
      const items = words.map((w) => ({ line: `${w}: $v`, name: w }));
      await this.probeAll(t.site, [`${name}(`], items, [`)${sel}`], true, (r, part) => {
        part.forEach((item, i) => {
          const ms = r.perItem[i] ?? [];
          const unknown = ms.find((m) => m.startsWith(`Unknown argument "${item.name}"`));
          if (unknown !== undefined) {
            for (const s of quotedNames(/Did you mean (.*)\?/.exec(unknown)?.[1])) if (!f.args.has(s)) suggested.add(s);
            return;
          }
          const typed = ms.map((m) => /used in position expecting type "([^"]+)"/.exec(m)?.[1]).find((x) => x !== undefined && validTypeRef(x));
          if (typed !== undefined) f.args.set(item.name, typed);
          else if (ms.length === 0 && r.complete && f.args.size < 100) f.args.set(item.name, f.args.get(item.name));
        });
      });
      words = [...suggested].filter((w) => !f.args.has(w) || f.args.get(w) === undefined);
      // Suggested names are arguments even when their type stays unknown.
      for (const w of words) if (!f.args.has(w) && f.args.size < 100) f.args.set(w, undefined);
    }
    for (const [arg, ref] of f.args) {
      if (ref === undefined) continue;
      this.addInput(namedTypeOf(ref), { site: t.site, field: name, composite: f.composite === true, arg, chain: [] });
    }
  }

  addInput(name: string, at: ValueSite): void {
    if (BUILTIN.has(name) || this.inputs.has(name) || !NAME.test(name) || this.inputs.size >= 60) return;
    this.inputs.set(name, { name, at, fields: new Map(), values: new Set() });
  }

  private valueAround(at: ValueSite): { pre: string[]; post: string[] } {
    return {
      pre: [`${at.field}(`, `${at.arg}: {`, ...at.chain.map((c) => `${c}: {`)],
      post: [...at.chain.map(() => '}'), '}', `)${at.composite ? ' { __typename }' : ''}`],
    };
  }

  /** An input type's kind and fields: an object of `word: $v` where a value of the type goes. */
  async probeInput(t: InType): Promise<void> {
    const { pre, post } = this.valueAround(t.at);
    const n = esc(t.name);
    let words: readonly string[] = ARG_WORDS;
    let sawEnd = false;
    for (let round = 0; round < 3 && words.length > 0 && this.canSend(); round++) {
      const suggested = new Set<string>();
      const items = words.map((w) => ({ line: `${w}: $v`, name: w }));
      await this.probeAll(t.at.site, pre, items, post, true, (r, part) => {
        sawEnd ||= r.complete;
        for (const m of r.all) {
          if (new RegExp(`^Enum "${n}" cannot represent`).test(m) || new RegExp(`^Value "[^"]*" does not exist in "${n}" enum`).test(m)) t.kind ??= 'enum';
          const req = new RegExp(`^Field "${n}\\.([_A-Za-z][_0-9A-Za-z]*)" of required type "([^"]+)" was not provided`).exec(m);
          if (req?.[1] !== undefined && req[2] !== undefined && validTypeRef(req[2])) {
            t.kind = 'input';
            if (t.fields.size < MAX_NAMES) t.fields.set(req[1], req[2]);
          }
        }
        if (t.kind === 'enum') return;
        part.forEach((item, i) => {
          const ms = r.perItem[i] ?? [];
          const undef = ms.find((m) => new RegExp(`^Field "${esc(item.name)}" is not defined by type "${n}"`).test(m));
          if (undef !== undefined) {
            t.kind = 'input';
            for (const s of quotedNames(/Did you mean (.*)\?/.exec(undef)?.[1])) if (!t.fields.has(s)) suggested.add(s);
            return;
          }
          const typed = ms.map((m) => /used in position expecting type "([^"]+)"/.exec(m)?.[1]).find((x) => x !== undefined && validTypeRef(x));
          if (typed !== undefined && t.fields.size < MAX_NAMES) {
            t.kind = 'input';
            t.fields.set(item.name, typed);
          }
        });
      });
      if (t.kind === 'enum' || t.kind === undefined) break;
      words = [...suggested].filter((w) => t.fields.get(w) === undefined);
      for (const w of words) if (!t.fields.has(w) && t.fields.size < MAX_NAMES) t.fields.set(w, undefined);
    }
    if (t.kind === undefined && sawEnd) t.kind = 'scalar';
    if (t.kind === 'enum') await this.probeEnum(t);
    if (t.kind !== 'input') return;
    for (const [field, ref] of t.fields) {
      if (ref !== undefined) this.addInput(namedTypeOf(ref), { ...t.at, chain: [...t.at.chain, field] });
    }
  }

  /** Enum values: one alias per word, each passing the word where the enum goes. */
  async probeEnum(t: InType): Promise<void> {
    const at = t.at;
    const n = esc(t.name);
    const value = (w: string): string => at.chain.reduceRight((inner, c) => `{${c}: ${inner}}`, w);
    const words = [...new Set([...ENUM_WORDS, ...ARG_WORDS])].filter((w) => !['true', 'false', 'null'].includes(w));
    const items = words.map((w, i) => ({ line: `herdEv${i}: ${at.field}(${at.arg}: ${value(w)})${at.composite ? ' { __typename }' : ''}`, name: w }));
    await this.probeAll(at.site, [], items, [], false, (r, part) => {
      part.forEach((item, i) => {
        const ms = r.perItem[i] ?? [];
        const wrong = ms.find((m) => new RegExp(`^Value "${esc(item.name)}" does not exist in "${n}" enum`).test(m) || /cannot represent/.test(m));
        if (wrong !== undefined) {
          for (const s of quotedNames(/Did you mean the enum value (.*)\?/.exec(wrong)?.[1])) if (t.values.size < MAX_NAMES) t.values.add(s);
        } else if (r.complete && t.values.size < MAX_NAMES) t.values.add(item.name);
      });
    });
  }

  /** The root type names; false when the endpoint does not answer as GraphQL at all. */
  async roots(): Promise<boolean> {
    const a = await this.send('query { __typename }');
    const name = a?.data?.__typename;
    if (typeof name === 'string' && NAME.test(name)) this.queryRoot = name;
    const m = await this.send(`mutation {\n__typename\n${POISON}\n}`);
    for (const e of m?.errors ?? []) {
      const x = new RegExp(`^Cannot query field "${POISON}" on type "([_A-Za-z][_0-9A-Za-z]*)"`).exec(e.message);
      if (x?.[1] !== undefined && x[1] !== this.queryRoot) this.mutationRoot = x[1];
    }
    return a !== null || m !== null;
  }

  async run(): Promise<void> {
    if (!(await this.roots())) return;
    const roots: OutType[] = [];
    for (const [name, op] of [[this.queryRoot, 'query'], [this.mutationRoot, 'mutation']] as const) {
      if (name === null) continue;
      const t = this.addOut(name, { op, steps: [] });
      if (t === null) continue;
      roots.push(t);
      await this.probeWords(t, rootFieldWords());
    }
    // Root arguments matter most (mutations take their input there); then the types below.
    for (const t of roots) for (const name of [...t.fields.keys()]) await this.probeArgs(t, name);
    await this.drainInputs();
    for (const t of this.out.values()) {
      if (!this.canSend()) return;
      if (!t.probed) await this.probeWords(t, objectFieldWords());
    }
    for (const t of this.out.values()) for (const name of [...t.fields.keys()]) if (this.canSend()) await this.probeArgs(t, name);
    await this.drainInputs();
  }

  private async drainInputs(): Promise<void> {
    const done = new Set<string>();
    for (let more = true; more && this.canSend(); ) {
      more = false;
      for (const t of [...this.inputs.values()]) {
        if (done.has(t.name)) continue;
        done.add(t.name);
        more = true;
        if (t.kind === undefined) await this.probeInput(t);
      }
    }
  }

  /** The recovered schema as SDL; fields whose object type stayed unknown are left out. */
  sdl(): string | null {
    const objects = new Map<string, OutType>();
    for (const t of this.out.values()) if (t.fields.size > 0) objects.set(t.name, t);
    const unions = new Map<string, string[]>();
    for (const t of this.out.values()) {
      if (t.fields.size > 0) continue;
      const members = [...t.members].filter((m) => objects.has(m));
      if (members.length > 0) unions.set(t.name, members);
    }
    const scalars = new Set<string>();
    const inputs: string[] = [];
    const enums: string[] = [];
    const inputRef = (ref: string | undefined): string => {
      if (ref === undefined) return 'String';
      const named = namedTypeOf(ref);
      if (!BUILTIN.has(named) && !this.inputs.has(named)) scalars.add(named);
      return ref;
    };
    for (const t of this.inputs.values()) {
      if (t.kind === 'input' && t.fields.size > 0) {
        inputs.push(`input ${t.name} {\n${[...t.fields].map(([f, ref]) => `  ${f}: ${inputRef(ref)}`).join('\n')}\n}`);
      } else if (t.kind === 'enum' && t.values.size > 0) enums.push(`enum ${t.name} {\n${[...t.values].map((v) => `  ${v}`).join('\n')}\n}`);
      else scalars.add(t.name);
    }
    const outRef = (f: OutField): string | null => {
      if (f.type === undefined) return f.composite === true ? null : 'String';
      const named = namedTypeOf(f.type);
      if (f.composite === true) return objects.has(named) || unions.has(named) ? f.type : null;
      if (!BUILTIN.has(named) && !enums.some((e) => e.startsWith(`enum ${named} `))) scalars.add(named);
      return f.type;
    };
    const types: string[] = [];
    for (const t of objects.values()) {
      const lines: string[] = [];
      for (const [name, f] of t.fields) {
        const ref = outRef(f);
        if (ref === null) continue;
        const args = [...f.args].map(([a, r]) => `${a}: ${inputRef(r)}`);
        lines.push(`  ${name}${args.length > 0 ? `(${args.join(', ')})` : ''}: ${ref}`);
      }
      if (lines.length > 0) types.push(`type ${t.name} {\n${lines.join('\n')}\n}`);
      else if (t.name === this.queryRoot) return null;
    }
    if (!types.some((s) => s.startsWith(`type ${this.queryRoot} `))) return null;
    const hasMutation = this.mutationRoot !== null && types.some((s) => s.startsWith(`type ${this.mutationRoot} `));
    for (const s of objects.keys()) scalars.delete(s);
    return [
      `schema {\n  query: ${this.queryRoot}${hasMutation ? `\n  mutation: ${this.mutationRoot}` : ''}\n}`,
      ...types,
      ...[...unions].map(([u, ms]) => `union ${u} = ${ms.join(' | ')}`),
      ...inputs,
      ...enums,
      ...[...scalars].map((s) => `scalar ${s}`),
    ].join('\n\n');
  }
}

/**
 * The schema of the GraphQL API at `url` rebuilt from its validation errors, or null when it
 * gives away no Query field (suggestions off and no exact word matched, or not a GraphQL server).
 * Sends at most `budget` requests through the client, and never executes an operation.
 */
export async function recoverSchema(client: ScanClient, url: string, opts: RecoverOptions = {}): Promise<GraphQLSchema | null> {
  const r = new Recovery(client, url, opts.budget ?? 400, opts.as ?? null, opts.maxDepth ?? 3, opts.maxTypes ?? 40);
  await r.run();
  const sdl = r.sdl();
  if (sdl === null) return null;
  try {
    const schema = buildSchema(sdl);
    return validateSchema(schema).length === 0 ? schema : null;
  } catch {
    return null;
  }
}
