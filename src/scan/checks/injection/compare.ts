/**
 * Comparing answers: is a response to an injected request the same answer as the baseline, or a
 * clearly different one? Two baseline responses tell which parts of the answer change on their own
 * (timestamps, request ids, tokens); the injected value, echoed back, is put back to the baseline
 * value before comparing, so that an API that merely reflects its input does not look different.
 */
import type { ScanResponse } from '../../model.js';

/** What an answer is, for comparison. */
export interface Snapshot {
  readonly status: number;
  /** The parsed body, when it is JSON (else undefined). */
  readonly json: unknown;
  readonly text: string;
}

const MAX_FLAT = 20_000;
/** Keys whose values are expected to change between identical requests. */
const VOLATILE_KEY = /(time|date|stamp|nonce|trace|request_?id|correlation|csrf|token|expires|uptime|duration|elapsed|took|latency|_at$|At$)/i;

/**
 * The response with the injected text (raw, JSON-, HTML- and URL-escaped) replaced by the baseline
 * value. `reflections` are [injected, original] pairs.
 */
export function snapshot(response: ScanResponse, reflections: readonly (readonly [string, string])[] = []): Snapshot {
  let text = response.body;
  for (const [from, to] of reflections) {
    if (from.length === 0 || from === to) continue;
    for (const [f, t] of escapedForms(from, to)) if (f.length > 0) text = text.split(f).join(t);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

function escapedForms(from: string, to: string): [string, string][] {
  const js = (s: string): string => JSON.stringify(s).slice(1, -1);
  const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const html2 = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#x27;');
  const forms: [string, string][] = [
    [js(from), js(to)],
    [from, to],
    [html(from), html(to)],
    [html2(from), html2(to)],
    [encodeURIComponent(from), encodeURIComponent(to)],
  ];
  return forms;
}

/** The scalar leaves of a JSON value by path (`items[0].name`), at most MAX_FLAT of them. */
export function flatten(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, path: string, depth: number): void => {
    if (out.size >= MAX_FLAT) return;
    if (depth > 32) {
      out.set(path, '…');
      return;
    }
    if (Array.isArray(v)) {
      out.set(`${path}#`, String(v.length));
      v.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      if (keys.length === 0) out.set(path, '{}');
      for (const k of keys) walk((v as Record<string, unknown>)[k], path.length === 0 ? k : `${path}.${k}`, depth + 1);
    } else out.set(path, JSON.stringify(v) ?? 'undefined');
  };
  walk(value, '', 0);
  return out;
}

/** The length of the longest array in a JSON value (0 when none). */
export function itemCount(value: unknown): number {
  let best = 0;
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      best = Math.max(best, v.length);
      for (const x of v.slice(0, 50)) walk(x, depth + 1);
    } else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(value, 0);
  return best;
}

/** Whether a JSON answer is an empty result: it holds arrays, and all of them are empty (or it is null/empty). */
export function isEmptyResult(s: Snapshot): boolean {
  if (s.text.trim().length === 0 || s.json === null) return true;
  if (s.json === undefined) return false;
  let arrays = 0;
  let nonEmpty = 0;
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) {
      arrays++;
      if (v.length > 0) nonEmpty++;
    } else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(s.json, 0);
  return arrays > 0 && nonEmpty === 0;
}

/** Token multiset similarity (Dice coefficient) of two texts, 1 for equal texts. */
export function textSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const count = (s: string): Map<string, number> => {
    const m = new Map<string, number>();
    for (const t of s.split(/[\s<>"'=,;:{}[\]()/]+/)) if (t.length > 0) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  let na = 0;
  let nb = 0;
  let common = 0;
  for (const v of ca.values()) na += v;
  for (const [k, v] of cb) {
    nb += v;
    common += Math.min(v, ca.get(k) ?? 0);
  }
  return na + nb === 0 ? 1 : (2 * common) / (na + nb);
}

/** The baseline of one input: what the same request answers when nothing is injected. */
export class Reference {
  private readonly status: number;
  private readonly stable: Map<string, string> | null;
  private readonly known: Set<string>;
  private readonly texts: readonly string[];
  private readonly selfSimilarity: number;
  private readonly items: number;

  /** `snapshots`: one or (better) two answers to the baseline request. */
  constructor(readonly snapshots: readonly Snapshot[]) {
    if (snapshots.length === 0) throw new Error('Reference needs at least one baseline response');
    const first = snapshots[0];
    this.status = first.status;
    this.texts = snapshots.map((s) => s.text);
    this.selfSimilarity = Math.min(1, ...snapshots.slice(1).map((s) => textSimilarity(first.text, s.text)));
    this.items = itemCount(first.json);
    if (snapshots.every((s) => s.json !== undefined)) {
      const flats = snapshots.map((s) => flatten(s.json));
      this.known = new Set(flats.flatMap((f) => [...f.keys()]));
      this.stable = new Map();
      for (const [k, v] of flats[0]) if (flats.every((f) => f.get(k) === v) && !VOLATILE_KEY.test(lastKey(k))) this.stable.set(k, v);
    } else {
      this.stable = null;
      this.known = new Set();
    }
  }

  get baselineStatus(): number {
    return this.status;
  }

  get baselineItems(): number {
    return this.items;
  }

  /** Whether `s` is the same answer as the baseline (up to what varies on its own). */
  same(s: Snapshot): boolean {
    if (s.status !== this.status) return false;
    if (this.stable !== null && s.json !== undefined) {
      const flat = flatten(s.json);
      for (const [k, v] of this.stable) if (flat.get(k) !== v) return false;
      for (const k of flat.keys()) if (!this.known.has(k)) return false;
      return true;
    }
    if (this.texts.includes(s.text)) return true;
    return textSimilarity(this.texts[0], s.text) >= Math.min(0.98, this.selfSimilarity - 0.02);
  }

  /** Whether `s` is clearly another answer (status, result size, or non-volatile content). */
  differs(s: Snapshot): boolean {
    if (s.status !== this.status) return true;
    if (this.stable !== null && s.json !== undefined) {
      if (itemCount(s.json) !== this.items) return true;
      const flat = flatten(s.json);
      for (const [k, v] of this.stable) if (flat.get(k) !== v) return true;
      for (const k of flat.keys()) if (!this.known.has(k) && !VOLATILE_KEY.test(lastKey(k))) return true;
      return false;
    }
    if (this.stable !== null || s.json !== undefined) return true;
    return textSimilarity(this.texts[0], s.text) < Math.min(0.9, this.selfSimilarity - 0.1);
  }
}

function lastKey(path: string): string {
  const m = /([^.[\]#]+)[\]#]*$/.exec(path);
  return m === null ? path : m[1];
}

/** Two answers have the same status and the same JSON skeleton (keys, types, array sizes), or similar text. */
export function sameShape(a: Snapshot, b: Snapshot): boolean {
  if (a.status !== b.status) return false;
  if (a.json !== undefined && b.json !== undefined) return skeleton(a.json) === skeleton(b.json);
  if (a.json !== undefined || b.json !== undefined) return false;
  return textSimilarity(a.text, b.text) >= 0.9;
}

/** Keys and types of a JSON value, with array lengths, as a string. */
export function skeleton(value: unknown, depth = 0): string {
  if (depth > 8) return '…';
  if (Array.isArray(value)) return `[${value.length}:${value.length > 0 ? skeleton(value[0], depth + 1) : ''}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${k}:${skeleton((value as Record<string, unknown>)[k], depth + 1)}`).join(',')}}`;
  }
  return value === null ? 'null' : typeof value;
}
