/**
 * A valid value for a JSON schema, the way a careful tester writes one: the description's example
 * or default first, then enum/const, then a value of the type within its constraints (formats,
 * lengths, bounds, required properties). Identifiers learned from earlier responses are used for
 * fields and parameters whose name says they hold one. Deterministic: same schema, same value.
 * Schemas may be cyclic (resolved `$ref`s): nesting is cut at MAX_DEPTH.
 */
import type { JsonSchema } from '../model.js';

const MAX_DEPTH = 6;
/** Names whose learned values fit anywhere: identifiers. */
const IDENTIFIER = /^(id|uuid|ID|UUID)$|[_-](id|uuid|ID|UUID)$|[a-z0-9](Id|ID|Uuid|UUID)$/;
const MAX_ITEMS = 2;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Values known for names (an `id` seen in a response, `orderId`…), by lower-case name. */
export type LearnedValues = ReadonlyMap<string, unknown>;

export interface ValueHints {
  /** The property or parameter name the value is for. */
  readonly name?: string;
  readonly learned?: LearnedValues;
  /** Include optional properties of objects (default true: fuller bodies reach more code). */
  readonly optional?: boolean;
  /**
   * Use a learned value for any name (path parameters: a real `{username}` beats a made-up one);
   * by default only identifier names (`id`, `orderId`, `uuid`) take learned values.
   */
  readonly anyLearned?: boolean;
}

export function valueFor(schema: JsonSchema | undefined, hints: ValueHints = {}, depth = 0): unknown {
  const s: Obj = isObj(schema) ? schema : {};
  const learned = hints.name !== undefined && (hints.anyLearned === true || IDENTIFIER.test(hints.name)) ? learnedFor(hints.name, hints.learned) : undefined;
  if (learned !== undefined && fits(s, learned)) return learned;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum.find((x) => x !== null) ?? s.enum[0];
  if (depth > MAX_DEPTH) return null;
  for (const key of ['allOf'] as const) {
    if (Array.isArray(s[key])) return mergeAllOf(s[key] as unknown[], hints, depth);
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = s[key];
    if (Array.isArray(list) && list.length > 0) {
      const first = list.find((x) => isObj(x) && x.type !== 'null') ?? list[0];
      return valueFor(first as JsonSchema, hints, depth + 1);
    }
  }
  switch (typeOf(s)) {
    case 'object':
      return objectValue(s, hints, depth);
    case 'array': {
      const n = Math.max(typeof s.minItems === 'number' ? s.minItems : 1, 1);
      const item = isObj(s.items) ? s.items : {};
      return Array.from({ length: Math.min(n, MAX_ITEMS) }, () => valueFor(item, { ...hints, name: singular(hints.name) }, depth + 1));
    }
    case 'integer':
      return numberValue(s, true, hints.name);
    case 'number':
      return numberValue(s, false, hints.name);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringValue(s, hints.name);
  }
}

function typeOf(s: Obj): string {
  const t = s.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') as string | undefined) ?? 'null';
  if (isObj(s.properties)) return 'object';
  if (s.items !== undefined) return 'array';
  return 'string';
}

function objectValue(s: Obj, hints: ValueHints, depth: number): Obj {
  const out: Obj = {};
  const props = isObj(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? s.required.filter((x): x is string => typeof x === 'string') : []);
  for (const [name, sub] of Object.entries(props)) {
    const subObj = isObj(sub) ? sub : {};
    // Server-set fields are not sent.
    if (subObj.readOnly === true) continue;
    if (!required.has(name) && hints.optional === false) continue;
    out[name] = valueFor(subObj, { ...hints, name }, depth + 1);
  }
  return out;
}

function mergeAllOf(parts: unknown[], hints: ValueHints, depth: number): unknown {
  let merged: Obj | undefined;
  for (const p of parts) {
    const v = valueFor(p as JsonSchema, hints, depth + 1);
    if (isObj(v)) merged = { ...(merged ?? {}), ...v };
    else if (merged === undefined) return v;
  }
  return merged ?? {};
}

function numberValue(s: Obj, integer: boolean, name: string | undefined): number {
  let lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + (integer ? 1 : 0.5) : undefined;
  const hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - (integer ? 1 : 0.5) : undefined;
  if (lo === undefined && s.exclusiveMinimum === true && typeof s.minimum === 'number') lo = s.minimum + 1;
  // Pagination-like names get small, ordinary values; others 1 (an id, a quantity).
  let v = name !== undefined && /^(limit|size|per_?page|page_?size|count|top|first)$/i.test(name) ? 10 : name !== undefined && /^(offset|skip|start)$/i.test(name) ? 0 : 1;
  if (lo !== undefined && v < lo) v = lo;
  if (hi !== undefined && v > hi) v = hi;
  return integer ? Math.ceil(v) : v;
}

const FORMAT_VALUES: Readonly<Record<string, string>> = {
  email: 'herd.scan@example.com',
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  'date-time': '2026-01-15T10:00:00Z',
  date: '2026-01-15',
  time: '10:00:00Z',
  uri: 'https://example.com/herd',
  url: 'https://example.com/herd',
  hostname: 'example.com',
  ipv4: '192.0.2.10',
  ipv6: '2001:db8::10',
  password: 'Herd-scan-Passw0rd!',
  byte: 'aGVyZA==',
  binary: 'herd',
};

/** Plausible strings for common field names when the schema says only "string". */
const NAME_VALUES: readonly [RegExp, string][] = [
  [/e-?mail/i, 'herd.scan@example.com'],
  [/(^|_)(url|uri|link|website|homepage|callback|webhook)$/i, 'https://example.com/herd'],
  [/phone/i, '+15555550100'],
  [/(first|given)_?name/i, 'Herd'],
  [/(last|family|sur)_?name/i, 'Scanner'],
  [/^user$|user_?name|login/i, 'herdscan'],
  [/password|passwd|secret/i, 'Herd-scan-Passw0rd!'],
  [/country/i, 'FR'],
  [/currency/i, 'EUR'],
  [/(^|_)lang(uage)?$|locale/i, 'en'],
  [/date/i, '2026-01-15'],
  [/(^|_)(ip|address_ip)$/i, '192.0.2.10'],
  [/host/i, 'example.com'],
  [/color|colour/i, 'blue'],
  [/(^|_)zip|postal/i, '75001'],
  [/city/i, 'Paris'],
];

function stringValue(s: Obj, name: string | undefined): string {
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
  let v: string | undefined = typeof s.format === 'string' ? FORMAT_VALUES[s.format] : undefined;
  if (v === undefined && name !== undefined) v = NAME_VALUES.find(([re]) => re.test(name))?.[1];
  if (v === undefined && typeof s.pattern === 'string') v = patternValue(s.pattern);
  v ??= 'herd';
  if (v.length < min) v = v.padEnd(min, 'x');
  if (v.length > max) v = v.slice(0, Math.max(max, 0));
  return v;
}

/** A string for a few simple anchored patterns (digits, letters); undefined for anything else. */
function patternValue(pattern: string): string | undefined {
  const m = /^\^?\[([a-zA-Z0-9-]+)\](\{(\d+)(,\d*)?\}|\+|\*)?\$?$/.exec(pattern);
  if (m === null) return undefined;
  const cls = m[1]!;
  const ch = cls.includes('a-z') ? 'a' : cls.includes('A-Z') ? 'A' : cls.includes('0-9') ? '1' : cls[0]!;
  const n = m[3] !== undefined ? Number(m[3]) : 1;
  return ch.repeat(Math.min(Math.max(n, 1), 64));
}

function singular(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  return name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.endsWith('s') ? name.slice(0, -1) : name;
}

/** A learned value for a name: `orderId` / `order_id` → the id learned for orders; `id` → any id. */
function learnedFor(name: string, learned: LearnedValues | undefined): unknown {
  if (learned === undefined) return undefined;
  const key = name.toLowerCase().replace(/[-_]/g, '');
  return learned.get(key);
}

function fits(s: Obj, v: unknown): boolean {
  const t = typeOf(s);
  if (t === 'integer') return typeof v === 'number' ? Number.isInteger(v) : typeof v === 'string' && /^-?\d{1,15}$/.test(v);
  if (t === 'number') return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
  if (t === 'string') return typeof v === 'string' || typeof v === 'number';
  return false;
}
