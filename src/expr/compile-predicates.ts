/**
 * The predicate builtins (all, any, none, one, filter, map, count, sum, find, findIndex, findLast,
 * findLastIndex, groupBy, sortBy, reduce) compile into loops: `#`, `#index` and `#acc` live in frame
 * slots chosen at compile time, so a predicate runs with no closure created per element.
 */
import type { BuiltinNode, Node } from './ast.js';
import { dynamic, type Compiled, type CompilerContext, type Eval, type Frame } from './compile-types.js';
import { fault, locate } from './errors.js';
import { isPureNode } from './pure-nodes.js';
import { add, asBool, asString, compare } from './value-ops.js';
import { goTypeOf, isGoMap, type StaticKind } from './values.js';

/** The array a predicate iterates: nil iterates as empty (a nil slice), other values fail. */
function items(v: unknown): readonly unknown[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return [];
  throw fault(`cannot iterate over ${goTypeOf(v)}`);
}

function predicateResult(v: unknown): boolean {
  if (v === true) return true;
  if (v === false) return false;
  return asBool(v);
}

interface Loop {
  arr: Eval;
  body: Eval | null;
  extra: Compiled | null;
  item: number;
  index: number;
  acc: number;
}

function compileLoop(c: CompilerContext, node: BuiltinNode): Loop {
  const arr = c.compile(node.args[0]).ev;
  const base = c.allocSlots(3);
  const item = base;
  const index = base + 1;
  const acc = base + 2;
  let body: Eval | null = null;
  const pred = node.args[1] as Node | undefined;
  if (pred !== undefined) {
    const bodyNode = pred.type === 'Predicate' ? pred.node : pred;
    c.pushPredicate(item, index, acc);
    try {
      body = c.compile(bodyNode).ev;
    } finally {
      c.popPredicate();
    }
    // A body that reads only `#` and the environment, with no side effect, gives the same answer for
    // the same element: conditional buckets test their whole queue on every event, so each queued
    // event's answer is remembered instead of recomputed (per compiled predicate, weakly held).
    if (isPureNode(c, bodyNode, true) && readsOnlyPointer(bodyNode)) body = rememberPerElement(body, item);
  }
  const extraNode = node.args[2] as Node | undefined;
  const extra = extraNode === undefined ? null : c.compile(extraNode);
  return { arr, body, extra, item, index, acc };
}

/** Whether the body reads nothing of the environment but `#` (its answer then depends on `#` alone). */
function readsOnlyPointer(n: Node): boolean {
  switch (n.type) {
    case 'Identifier':
      return false;
    case 'Member':
      return readsOnlyPointer(n.node) && (n.property.type === 'String' || readsOnlyPointer(n.property));
    case 'Chain':
    case 'Unary':
      return readsOnlyPointer(n.node);
    case 'Binary':
      return readsOnlyPointer(n.left) && readsOnlyPointer(n.right);
    case 'Array':
      return n.nodes.every(readsOnlyPointer);
    case 'Call':
      return n.args.every(readsOnlyPointer);
    case 'Builtin':
      return n.args.every(readsOnlyPointer);
    default:
      return true;
  }
}

function rememberPerElement(body: Eval, item: number): Eval {
  const answers = new WeakMap<object, unknown>();
  return (f) => {
    const x = f.slots[item];
    if (typeof x !== 'object' || x === null) return body(f);
    if (answers.has(x)) return answers.get(x);
    const v = body(f);
    answers.set(x, v);
    return v;
  };
}

function guard(ev: Eval, pos: number): Eval {
  return (f) => {
    try {
      return ev(f);
    } catch (e) {
      throw locate(e, pos);
    }
  };
}

export function compilePredicateBuiltin(c: CompilerContext, node: BuiltinNode): Compiled {
  const { arr, body, extra, item, index, acc } = compileLoop(c, node);
  const pred: Eval = body ?? ((f: Frame) => f.slots[item]);
  let ev: Eval;
  let kind: StaticKind = 'any';
  switch (node.name) {
    case 'all':
    case 'none':
    case 'any': {
      // all: stop at the first false; none: at the first true; any: at the first true.
      const stopOn = node.name !== 'all';
      const result = node.name === 'any';
      ev = (f) => {
        const a = items(arr(f));
        const s = f.slots;
        for (let i = 0; i < a.length; i++) {
          s[item] = a[i];
          s[index] = i;
          if (predicateResult(pred(f)) === stopOn) return result;
        }
        return !result;
      };
      kind = 'bool';
      break;
    }
    case 'one':
    case 'count': {
      const one = node.name === 'one';
      ev = (f) => {
        const a = items(arr(f));
        const s = f.slots;
        let n = 0;
        for (let i = 0; i < a.length; i++) {
          s[item] = a[i];
          s[index] = i;
          if (predicateResult(pred(f))) n++;
        }
        return one ? n === 1 : n;
      };
      kind = one ? 'bool' : 'int';
      break;
    }
    case 'filter':
      ev = (f) => {
        const a = items(arr(f));
        const s = f.slots;
        const out: unknown[] = [];
        for (let i = 0; i < a.length; i++) {
          s[item] = a[i];
          s[index] = i;
          if (predicateResult(pred(f))) out.push(a[i]);
        }
        return out;
      };
      kind = 'array';
      break;
    case 'map':
      ev = (f) => {
        const a = items(arr(f));
        const s = f.slots;
        const out = new Array<unknown>(a.length);
        for (let i = 0; i < a.length; i++) {
          s[item] = a[i];
          s[index] = i;
          const v = pred(f);
          out[i] = v === undefined ? null : v;
        }
        return out;
      };
      kind = 'array';
      break;
    case 'sum':
      ev = (f) => {
        const a = items(arr(f));
        const s = f.slots;
        let total: unknown = 0;
        for (let i = 0; i < a.length; i++) {
          s[item] = a[i];
          s[index] = i;
          total = add(pred(f), total);
        }
        return total;
      };
      break;
    case 'find':
    case 'findIndex':
    case 'findLast':
    case 'findLastIndex': {
      const backwards = node.name.startsWith('findLast');
      const wantIndex = node.name.endsWith('Index');
      ev = (f) => {
        const a = items(arr(f));
        const s = f.slots;
        for (let k = 0; k < a.length; k++) {
          const i = backwards ? a.length - 1 - k : k;
          s[item] = a[i];
          s[index] = i;
          if (predicateResult(pred(f))) return wantIndex ? i : a[i] === undefined ? null : a[i];
        }
        return null;
      };
      break;
    }
    case 'groupBy':
      ev = (f) => {
        const a = items(arr(f));
        const s = f.slots;
        const groups = new Map<unknown, unknown[]>();
        for (let i = 0; i < a.length; i++) {
          s[item] = a[i];
          s[index] = i;
          let key = pred(f);
          if (key === undefined) key = null;
          if (Array.isArray(key) || isGoMap(key)) {
            throw fault(`cannot use ${goTypeOf(key)} as a key for groupBy: type is not comparable`);
          }
          const group = groups.get(key);
          if (group) group.push(a[i]);
          else groups.set(key, [a[i]]);
        }
        return groups;
      };
      kind = 'map';
      break;
    case 'sortBy': {
      const order = extra?.ev ?? null;
      ev = (f) => {
        const a = items(arr(f));
        let desc = false;
        if (order !== null) {
          const o = order(f);
          if (typeof o !== 'string') throw fault('sortBy order argument must be a string');
          if (o === 'desc') desc = true;
          else if (asString(o) !== 'asc') throw fault('unknown order, use asc or desc');
        }
        const s = f.slots;
        const keyed = new Array<{ v: unknown; k: unknown }>(a.length);
        for (let i = 0; i < a.length; i++) {
          s[item] = a[i];
          s[index] = i;
          keyed[i] = { v: a[i], k: pred(f) };
        }
        const sign = desc ? -1 : 1;
        keyed.sort((x, y) => sign * compare(x.k, y.k, '<'));
        return keyed.map((e) => e.v);
      };
      kind = 'array';
      break;
    }
    case 'reduce': {
      const initial = extra?.ev ?? null;
      ev = (f) => {
        const a = items(arr(f));
        const s = f.slots;
        let start = 0;
        if (initial !== null) s[acc] = initial(f);
        else {
          if (a.length === 0) throw fault('reflect: slice index out of range');
          s[acc] = a[0];
          start = 1;
        }
        for (let i = start; i < a.length; i++) {
          s[item] = a[i];
          s[index] = i;
          s[acc] = pred(f);
        }
        const out = s[acc];
        return out === undefined ? null : out;
      };
      break;
    }
    default:
      return c.fail(`unknown builtin ${node.name}`, node.pos);
  }
  return dynamic(guard(ev, node.pos), kind);
}
