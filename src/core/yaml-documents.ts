import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { z } from 'zod';
import { HerdError, fileLine } from './errors.js';

/**
 * YAML as CrowdSec reads it (Go's yaml.v2, YAML 1.1): `yes`/`on` are booleans, and a scalar decoded
 * into a string field keeps its text as written (`value: 1.0` is the string "1.0", not "1").
 * Documents are converted to plain values in which every non-string scalar is a `YamlScalar` carrying
 * both its resolved value and its source text; schemas built with the helpers below pick the one
 * the field needs. Errors name the file, the line and the key.
 */

/** A plain (unquoted) scalar that YAML 1.1 resolved to a number, boolean or null. */
export class YamlScalar {
  constructor(
    readonly value: number | boolean | null,
    readonly source: string,
  ) {}
}

export interface YamlDoc {
  /** Position of the document in its file (0-based). */
  index: number;
  /** The document's content, with `YamlScalar` for non-string scalars. */
  value: unknown;
  /** 1-based line where the document starts. */
  line: number;
  /** 1-based line of the node at `path` (or of its nearest existing ancestor). */
  lineOf(path: readonly PropertyKey[]): number;
}

export function parseYamlDocuments(text: string, file: string): YamlDoc[] {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: YamlDoc[] = [];
  list.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const line = counter.linePos(err.pos[0]).line;
      throw new HerdError('HERD_YAML_SYNTAX', `invalid YAML: ${firstLine(err.message)}. Fix the syntax at this line.`, {
        where: fileLine(file, line),
      });
    }
    // An empty document (e.g. after a trailing `---`) holds nothing, or a null scalar.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && !doc.contents.source)) return;
    const line = doc.contents.range ? counter.linePos(doc.contents.range[0]).line : 1;
    out.push({
      index,
      value: toValue(doc.contents),
      line,
      lineOf: (path) => lineOfPath(doc, counter, path, line),
    });
  });
  return out;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

function toValue(node: unknown): unknown {
  if (isAlias(node)) return null; // anchors are rare in content; an alias reads as null rather than a crash
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return v;
    if (v === null || typeof v === 'number' || typeof v === 'boolean') {
      const src = typeof node.source === 'string' ? node.source : v === null ? '' : String(v);
      return new YamlScalar(v, src);
    }
    if (typeof v === 'bigint') return new YamlScalar(Number(v), String(v));
    return v === undefined ? null : String(v);
  }
  if (isSeq(node)) return node.items.map(toValue);
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = toValue(pair.key);
      const key = k instanceof YamlScalar ? k.source : String(k);
      obj[key] = toValue(pair.value);
    }
    return obj;
  }
  return null;
}

function lineOfPath(doc: Document, counter: LineCounter, path: readonly PropertyKey[], fallback: number): number {
  // The line of the key itself when the path ends at a key of a map (an unknown key, say).
  if (path.length > 0) {
    const parentKeys = path.slice(0, -1).map((k) => (typeof k === 'symbol' ? String(k) : k));
    const parent = (parentKeys.length === 0 ? doc.contents : doc.getIn(parentKeys, true)) as unknown;
    const last = path[path.length - 1];
    if (isMap(parent)) {
      for (const pair of parent.items) {
        const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
        if (key && String(key.value) === String(last) && key.range) return counter.linePos(key.range[0]).line;
      }
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const keys = path.slice(0, n).map((k) => (typeof k === 'symbol' ? String(k) : k));
    const node = (keys.length === 0 ? doc.contents : doc.getIn(keys, true)) as Node | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) {
      return counter.linePos(node.range[0]).line;
    }
  }
  return fallback;
}

/** Validates a document with a zod schema; the error names file:line, the key path and the reason. */
export function validateYamlDoc<T>(schema: z.ZodType<T>, doc: YamlDoc, file: string, what: string): T {
  const r = schema.safeParse(doc.value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  let path = issue.path as PropertyKey[];
  let reason = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    path = [...path, key];
    reason = `unknown key '${key}'`;
  }
  const keyPath = path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') : '(document)';
  throw new HerdError('HERD_CONFIG_INVALID', `${what}: ${keyPath}: ${reason}`, { where: fileLine(file, doc.lineOf(path)) });
}

// --- zod helpers for YAML 1.1 values -------------------------------------------------------------

const unwrapNull = (v: unknown): unknown => (v instanceof YamlScalar && v.value === null ? undefined : v);

/** A string field: numbers/booleans keep their source text, as yaml.v2 does for string targets. */
export function yString() {
  return z.preprocess((v) => {
    v = unwrapNull(v);
    return v instanceof YamlScalar ? v.source : v;
  }, z.string());
}

export function yOptString() {
  return z.preprocess((v) => {
    v = unwrapNull(v);
    return v instanceof YamlScalar ? v.source : v;
  }, z.string().optional());
}

export function yNumber() {
  return z.preprocess((v) => {
    v = unwrapNull(v);
    return v instanceof YamlScalar ? v.value : v;
  }, z.number());
}

export function yOptNumber() {
  return z.preprocess((v) => {
    v = unwrapNull(v);
    return v instanceof YamlScalar ? v.value : v;
  }, z.number().optional());
}

export function yOptInt() {
  return z.preprocess((v) => {
    v = unwrapNull(v);
    return v instanceof YamlScalar ? v.value : v;
  }, z.number().int().optional());
}

export function yOptBool() {
  return z.preprocess((v) => {
    v = unwrapNull(v);
    return v instanceof YamlScalar ? v.value : v;
  }, z.boolean().optional());
}

/** A list of strings; a null (empty key) reads as absent. */
export function yOptStringList() {
  return z.preprocess((v) => unwrapNull(v), z.array(yString()).optional());
}

/** Any value, with YAML scalars resolved (maps of labels and other untyped content). */
export function yAny() {
  return z.preprocess((v) => plain(v), z.unknown());
}

/** Resolves every `YamlScalar` inside a value to its YAML 1.1 value. */
export function plain(v: unknown): unknown {
  if (v instanceof YamlScalar) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}
