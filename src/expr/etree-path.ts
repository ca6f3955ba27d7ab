/**
 * etree paths (github.com/beevik/etree v1.4, path.go), the XPath-like subset CrowdSec's
 * XMLGetNodeValue and XMLGetAttributeValue take: `/Event/System[1]/Provider`,
 * `/Event/EventData[1]/Data[@Name='ProcessId']`. Selectors `.`, `..`, `*`, `tag`, `prefix:tag`, a
 * leading `/` (the document) and `//` (descendants); filters `[n]` (1-based, negative from the end),
 * `[@attr]`, `[@attr='v']`, `[tag]`, `[tag='v']`, `[text()]`, `[text()='v']`, `[local-name()='v']`,
 * `[name()='v']`, `[namespace-prefix()='v']`, `[namespace-uri()='v']`; values in single or double
 * quotes. The search follows etree's breadth-first walk, so "the first match" is etree's.
 */
import type { XmlElement } from './xml-tree.js';

type Selector = 'self' | 'parent' | 'children' | 'descendants' | 'root' | { space: string; tag: string };

type Filter =
  | { kind: 'pos'; index: number }
  | { kind: 'attr'; space: string; key: string }
  | { kind: 'attrVal'; space: string; key: string; value: string }
  | { kind: 'fn'; fn: (e: XmlElement) => boolean }
  | { kind: 'fnVal'; fn: (e: XmlElement) => string; value: string }
  | { kind: 'child'; space: string; tag: string }
  | { kind: 'childText'; space: string; tag: string; value: string };

interface Segment {
  sel: Selector;
  filters: Filter[];
}

export interface EtreePath {
  readonly segments: readonly Segment[];
}

/**
 * Elements a search may visit before it gives up: `//` segments can make a search quadratic in the
 * size of the document; a hostile line must not buy that much work.
 */
export const MAX_PATH_VISITS = 1_000_000;

function spaceDecompose(s: string): { space: string; local: string } {
  const colon = s.indexOf(':');
  return colon < 0 ? { space: '', local: s } : { space: s.slice(0, colon), local: s.slice(colon + 1) };
}

function spaceMatch(want: string, have: string): boolean {
  return want === '' || want === have;
}

const VALUE_FNS = new Map<string, (e: XmlElement) => string>([
  ['local-name', (e) => e.tag],
  ['name', (e) => e.fullTag()],
  ['namespace-prefix', (e) => e.space],
  ['namespace-uri', (e) => e.namespaceURI()],
  ['text', (e) => e.text()],
]);

/** Functions usable alone (`[text()]`); the others only with a value. */
const HAS_FNS = new Map<string, (e: XmlElement) => boolean>([['text', (e) => e.hasText()]]);

/** etree's isInteger: digits, with an optional leading `-`. */
function isInteger(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x30 || c > 0x39) && !(i === 0 && c === 0x2d)) return false;
  }
  return true;
}

/** Splits on `/` outside quoted values. */
function splitPath(path: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let quote = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (quote === '') {
      if (c === "'" || c === '"') quote = c;
      else if (c === '/') {
        pieces.push(path.slice(start, i));
        start = i + 1;
      }
    } else if (c === quote) {
      quote = '';
    }
  }
  pieces.push(path.slice(start));
  return pieces;
}

function parseSelector(s: string): Selector {
  switch (s) {
    case '.':
      return 'self';
    case '..':
      return 'parent';
    case '*':
      return 'children';
    case '':
      return 'descendants';
    default: {
      const { space, local } = spaceDecompose(s);
      return { space, tag: local };
    }
  }
}

function parseFilter(f: string): Filter | null {
  if (f.length === 0) return null;
  const eq = f.indexOf('=');
  if (eq >= 0 && eq + 1 < f.length) {
    const quote = f[eq + 1]!;
    if (quote === "'" || quote === '"') {
      const end = f.indexOf(quote, eq + 2);
      if (end !== f.length - 1) return null;
      const key = f.slice(0, eq);
      const value = f.slice(eq + 2, end);
      if (key === '') return null;
      if (key[0] === '@') {
        const { space, local } = spaceDecompose(key.slice(1));
        return { kind: 'attrVal', space, key: local, value };
      }
      if (key.endsWith('()')) {
        const fn = VALUE_FNS.get(key.slice(0, -2));
        return fn ? { kind: 'fnVal', fn, value } : null;
      }
      const { space, local } = spaceDecompose(key);
      return { kind: 'childText', space, tag: local, value };
    }
  }
  if (f[0] === '@') {
    const { space, local } = spaceDecompose(f.slice(1));
    return { kind: 'attr', space, key: local };
  }
  if (f.endsWith('()')) {
    const fn = HAS_FNS.get(f.slice(0, -2));
    return fn ? { kind: 'fn', fn } : null;
  }
  if (isInteger(f)) {
    // strconv.Atoi fails on "-" and beyond int64: etree then uses 0.
    const parsed = /^-?[0-9]+$/.test(f) ? Number(f) : 0;
    const n = Math.abs(parsed) <= 9223372036854775807 ? parsed : 0;
    return { kind: 'pos', index: n > 0 ? n - 1 : n };
  }
  const { space, local } = spaceDecompose(f);
  return { kind: 'child', space, tag: local };
}

/** etree.CompilePath; null when the path is invalid (CrowdSec then answers ""). */
export function compileEtreePath(path: string): EtreePath | null {
  let p = path;
  if (p.endsWith('//')) p += '*';
  const segments: Segment[] = [];
  if (p.startsWith('/')) {
    segments.push({ sel: 'root', filters: [] });
    p = p.slice(1);
  }
  for (const piece of splitPath(p)) {
    const parts = piece.split('[');
    const seg: Segment = { sel: parseSelector(parts[0]!), filters: [] };
    for (let i = 1; i < parts.length; i++) {
      const fp = parts[i]!;
      if (fp.length === 0 || fp[fp.length - 1] !== ']') return null;
      const filter = parseFilter(fp.slice(0, -1));
      if (filter === null) return null;
      seg.filters.push(filter);
    }
    segments.push(seg);
  }
  return { segments };
}

/** Work left for one search; shared by the steps of that search. */
interface Budget {
  visits: number;
}

function select(sel: Selector, e: XmlElement, out: XmlElement[], budget: Budget): void {
  if (sel === 'self') out.push(e);
  else if (sel === 'root') {
    let root = e;
    while (root.parent !== null) root = root.parent;
    out.push(root);
  } else if (sel === 'parent') {
    if (e.parent !== null) out.push(e.parent);
  } else if (sel === 'children') {
    for (const c of e.children) if (c.kind === 'element') out.push(c);
    budget.visits -= e.children.length;
  } else if (sel === 'descendants') {
    // Breadth-first, the element itself first.
    const queue: XmlElement[] = [e];
    for (let q = 0; q < queue.length; q++) {
      if (--budget.visits < 0) return;
      const x = queue[q]!;
      out.push(x);
      for (const c of x.children) if (c.kind === 'element') queue.push(c);
    }
  } else {
    for (const c of e.children) if (c.kind === 'element' && spaceMatch(sel.space, c.space) && sel.tag === c.tag) out.push(c);
    budget.visits -= e.children.length;
  }
}

function keep(f: Filter, c: XmlElement): boolean {
  switch (f.kind) {
    case 'attr':
      return c.attrs.some((a) => spaceMatch(f.space, a.space) && f.key === a.key);
    case 'attrVal':
      return c.attrs.some((a) => spaceMatch(f.space, a.space) && f.key === a.key && f.value === a.value);
    case 'fn':
      return f.fn(c);
    case 'fnVal':
      return f.fn(c) === f.value;
    default:
      return false;
  }
}

function applyFilter(f: Filter, candidates: XmlElement[], budget: Budget): XmlElement[] {
  budget.visits -= candidates.length;
  switch (f.kind) {
    case 'pos': {
      const i = f.index >= 0 ? f.index : candidates.length + f.index;
      return i >= 0 && i < candidates.length ? [candidates[i]!] : [];
    }
    case 'child':
    case 'childText': {
      // etree adds the candidate once per matching child.
      const out: XmlElement[] = [];
      for (const c of candidates) {
        budget.visits -= c.children.length;
        for (const cc of c.children) {
          if (cc.kind === 'element' && spaceMatch(f.space, cc.space) && f.tag === cc.tag && (f.kind === 'child' || cc.text() === f.value)) out.push(c);
        }
      }
      return out;
    }
    default:
      return candidates.filter((c) => keep(f, c));
  }
}

/**
 * etree's FindElementPath from `root`: the first element the breadth-first walk yields, or null
 * (also when the search would visit more than MAX_PATH_VISITS elements).
 */
export function findElement(root: XmlElement, path: EtreePath): XmlElement | null {
  const segments = path.segments;
  if (segments.length === 0) return null;
  const budget: Budget = { visits: MAX_PATH_VISITS };
  const queue: { e: XmlElement; at: number }[] = [{ e: root, at: 0 }];
  for (let q = 0; q < queue.length; q++) {
    const { e, at } = queue[q]!;
    const seg = segments[at]!;
    let candidates: XmlElement[] = [];
    select(seg.sel, e, candidates, budget);
    for (const f of seg.filters) candidates = applyFilter(f, candidates, budget);
    if (budget.visits < 0) return null;
    if (at + 1 === segments.length) {
      if (candidates.length > 0) return candidates[0]!;
    } else {
      for (const c of candidates) queue.push({ e: c, at: at + 1 });
    }
    if (queue.length > MAX_PATH_VISITS) return null;
  }
  return null;
}
