/**
 * `any(File("list.txt"), { Upper(evt.Meta.http_path) contains Upper(#) })` — the shape hub scenarios
 * use to test an event against a list of entries — compiled into one lookup instead of a loop: the
 * side without `#` is evaluated once, the list (through the pure function around `#`, if any) becomes
 * a matcher built once per list and kept while the list is the same array: `contains` → an index of
 * the entries' first two characters, `==` → a hash set, `startsWith`/`endsWith` → an index of their
 * first/last two characters. Results are exactly the loop's; whenever the values are not the
 * expected strings, the loop itself runs (same results and errors).
 */
import type { BinaryNode, BuiltinNode, Node } from './ast.js';
import { LiteralAutomaton } from '../grok/index.js';
import { compilePredicateBuiltin } from './compile-predicates.js';
import { isPureNode } from './pure-nodes.js';
import { dynamic, type Compiled, type CompilerContext, type Eval, type Frame } from './compile-types.js';
import type { ExprFunction } from './values.js';

type Op = 'contains' | '==' | 'startsWith' | 'endsWith';

interface Shape {
  op: Op;
  subject: Node;
  /** The pure function applied to `#` (Upper, Lower…), or null for `#` itself. */
  itemFn: ExprFunction | null;
}


function isItem(c: CompilerContext, n: Node): { fn: ExprFunction | null } | null {
  if (n.type === 'Pointer' && n.name === '') return { fn: null };
  if (n.type === 'Call' && n.callee.type === 'Identifier' && n.args.length === 1 && n.args[0]!.type === 'Pointer' && (n.args[0] as { name: string }).name === '') {
    const fn = c.functionNamed(n.callee.name);
    if (fn !== undefined && fn.pure === true) return { fn };
  }
  return null;
}

function shapeOf(c: CompilerContext, node: BuiltinNode): Shape | null {
  if (node.name !== 'any' || node.args.length !== 2) return null;
  const pred = node.args[1]!;
  const body = pred.type === 'Predicate' ? pred.node : pred;
  if (body.type !== 'Binary') return null;
  const b = body as BinaryNode;
  const op = b.op;
  if (op !== 'contains' && op !== '==' && op !== 'startsWith' && op !== 'endsWith') return null;
  const right = isItem(c, b.right);
  if (right !== null && isPureNode(c, b.left, false)) return { op, subject: b.left, itemFn: right.fn };
  if (op === '==') {
    const left = isItem(c, b.left);
    if (left !== null && isPureNode(c, b.right, false)) return { op, subject: b.right, itemFn: left.fn };
  }
  return null;
}

type Matcher = (subject: string) => boolean;

/** A list matcher, and for `contains` the same test on an ASCII string before Upper/Lower maps it. */
interface ListMatcher {
  readonly test: Matcher;
  /** Undefined answer: the string is not ASCII (map it, then call `test`). */
  readonly caseTest: ((unmapped: string) => boolean | undefined) | undefined;
}

/** `Upper(x)` / `Lower(x)` as a subject: the case and x. */
function asciiCaseOf(c: CompilerContext, subject: Node): { kind: 'upper' | 'lower'; arg: Node } | undefined {
  if (subject.type !== 'Call' || subject.callee.type !== 'Identifier' || subject.args.length !== 1) return undefined;
  const kind = c.functionNamed(subject.callee.name)?.asciiCase;
  return kind === undefined ? undefined : { kind, arg: subject.args[0]! };
}

function buildMatcher(op: Op, items: readonly string[], asciiCase: 'upper' | 'lower' | undefined): ListMatcher {
  switch (op) {
    case '==': {
      const set = new Set(items);
      return { test: (s) => set.has(s), caseTest: undefined };
    }
    case 'startsWith':
    case 'endsWith':
      return { test: affix(items, op === 'startsWith'), caseTest: undefined };
    case 'contains':
      return literalContains(items, asciiCase);
  }
}

/**
 * Whether `s` starts (or ends) with any of `items`: entries indexed by their first (last) two UTF-16
 * units, so one lookup finds the few entries to compare; one-unit entries in a set.
 */
function affix(items: readonly string[], prefix: boolean): Matcher {
  if (items.includes('')) return () => true;
  const singles = new Set<number>();
  const byPair = new Map<number, string[]>();
  for (const x of items) {
    if (x.length === 1) {
      singles.add(x.charCodeAt(0));
      continue;
    }
    const key = prefix ? x.charCodeAt(0) * 0x10000 + x.charCodeAt(1) : x.charCodeAt(x.length - 2) * 0x10000 + x.charCodeAt(x.length - 1);
    const list = byPair.get(key);
    if (list === undefined) byPair.set(key, [x]);
    else list.push(x);
  }
  return (s) => {
    const n = s.length;
    if (n === 0) return false;
    if (singles.size > 0 && singles.has(prefix ? s.charCodeAt(0) : s.charCodeAt(n - 1))) return true;
    if (n < 2) return false;
    const list = byPair.get(prefix ? s.charCodeAt(0) * 0x10000 + s.charCodeAt(1) : s.charCodeAt(n - 2) * 0x10000 + s.charCodeAt(n - 1));
    if (list === undefined) return false;
    for (let k = 0; k < list.length; k++) if (prefix ? s.startsWith(list[k]!) : s.endsWith(list[k]!)) return true;
    return false;
  };
}

/**
 * Whether `s` contains any of `items`: an Aho–Corasick automaton (src/grok), or, when it would be too
 * large, one pass over `s` looking up each pair of UTF-16 units in an index of the entries' first two units (entries of one unit in a set), then comparing only those
 * entries in place. Linear in `s` for the lists hub content uses (tens to hundreds of entries).
 */
function literalContains(items: readonly string[], asciiCase: 'upper' | 'lower' | undefined): ListMatcher {
  if (items.includes('')) return { test: () => true, caseTest: () => true };
  // A dense automaton over the entries (one table step per character), when its size allows.
  const automaton = LiteralAutomaton.build(items.map((text) => ({ text, caseInsensitive: false })));
  if (automaton !== undefined) {
    return { test: (s) => automaton.test(s), caseTest: asciiCase === undefined ? undefined : automaton.asciiCaseTest(asciiCase) };
  }
  let shortest = Infinity;
  const singles = new Set<number>();
  const byPair = new Map<number, string[]>();
  for (const x of items) {
    if (x.length < shortest) shortest = x.length;
    if (x.length === 1) {
      singles.add(x.charCodeAt(0));
      continue;
    }
    const key = x.charCodeAt(0) * 0x10000 + x.charCodeAt(1);
    const list = byPair.get(key);
    if (list === undefined) byPair.set(key, [x]);
    else list.push(x);
  }
  const hasSingles = singles.size > 0;
  const test: Matcher = (s) => {
    const n = s.length;
    if (n < shortest) return false;
    let c = s.charCodeAt(0);
    for (let i = 0; i < n; i++) {
      if (hasSingles && singles.has(c)) return true;
      if (i + 1 >= n) break;
      const d = s.charCodeAt(i + 1);
      const list = byPair.get(c * 0x10000 + d);
      if (list !== undefined) for (let k = 0; k < list.length; k++) if (s.startsWith(list[k]!, i)) return true;
      c = d;
    }
    return false;
  };
  return { test, caseTest: undefined };
}

/** The matcher of one list, or null when an entry is not a string (the loop then runs). */
function matcherFor(op: Op, fn: ExprFunction | null, list: readonly unknown[], asciiCase: 'upper' | 'lower' | undefined): ListMatcher | null {
  const items: string[] = [];
  for (const x of list) {
    if (typeof x !== 'string') return null;
    let v: unknown = x;
    if (fn !== null) {
      try {
        v = fn(x);
      } catch {
        return null;
      }
    }
    if (typeof v !== 'string') return null;
    items.push(v);
  }
  try {
    return buildMatcher(op, items, asciiCase);
  } catch {
    return null;
  }
}

export function compileAnyMatch(c: CompilerContext, node: BuiltinNode): Compiled | null {
  const shape = shapeOf(c, node);
  if (shape === null) return null;
  const loop = compilePredicateBuiltin(c, node).ev;
  const arr: Eval = c.compile(node.args[0]!).ev;
  const subject: Eval = c.compile(shape.subject).ev;
  // `Upper(x) contains …`: an ASCII x is tested as it is, without building Upper(x).
  const cased = shape.op === 'contains' ? asciiCaseOf(c, shape.subject) : undefined;
  const unmapped: Eval | undefined = cased === undefined ? undefined : c.compile(cased.arg).ev;
  // One matcher per list object (File() hands out the same frozen array while the file is loaded).
  const matchers = new WeakMap<object, ListMatcher | null>();
  return dynamic((f: Frame) => {
    const a = arr(f);
    if (!Array.isArray(a)) return loop(f);
    let m = matchers.get(a);
    if (m === undefined) {
      m = matcherFor(shape.op, shape.itemFn, a, cased?.kind);
      matchers.set(a, m);
    }
    if (m === null) return loop(f);
    if (a.length === 0) return false;
    if (unmapped !== undefined && m.caseTest !== undefined) {
      let x: unknown;
      try {
        x = unmapped(f);
      } catch {
        return loop(f);
      }
      if (typeof x === 'string') {
        const found = m.caseTest(x);
        if (found !== undefined) return found;
      }
    }
    let s: unknown;
    try {
      s = subject(f);
    } catch {
      return loop(f); // the loop raises the same error, located as it locates it
    }
    if (typeof s !== 'string') return loop(f);
    return m.test(s);
  }, 'bool');
}
