/**
 * Compiles reads and calls: member access (`a.b`, `a[k]`, `a?.b`), slices, method calls and calls
 * of functions. `evt.Meta.log_type`, the most common shape in CrowdSec filters, is read by a single
 * closure. Hot path: no closure or array is created per evaluation beyond call arguments. Each
 * closure that the code generator handles has its `emit` twin beside it (larger ones in
 * emit-access.ts).
 */
import type { CallNode, MemberNode, Node, SliceNode } from './ast.js';
import { fold } from './compile-operators.js';
import { CHAIN_NIL, dynamic, type Compiled, type CompilerContext, type Eval, type Frame } from './compile-types.js';
import { emitFetchName, emitMethodCall, emitPath, pathKey } from './emit-access.js';
import { fault, locate } from './errors.js';
import { callMethod, fetch, fetchName, slice } from './member-access.js';
import { goTypeOf, type ExprFunction, type StaticKind } from './values.js';

type Fn = (...args: unknown[]) => unknown;

/** The base of a member access or method call; on a chain's spine it may yield CHAIN_NIL. */
function base(c: CompilerContext, node: Node, spine: boolean): Compiled {
  return c.compile(node, spine && (node.type === 'Member' || node.type === 'Call'));
}

/** `evt.Meta.log_type`: a variable followed by constant names, read by one closure. */
function compilePath(c: CompilerContext, node: MemberNode): Compiled | null {
  const names: string[] = [];
  const positions: number[] = [];
  let cur: Node = node;
  while (cur.type === 'Member') {
    if (cur.optional || cur.method || cur.property.type !== 'String') return null;
    names.unshift(cur.property.value);
    positions.unshift(cur.pos);
    cur = cur.node;
  }
  if (cur.type !== 'Identifier' || !c.isEnvVariable(cur.name)) return null;
  const root = cur.name;
  const direct = c.fieldReader?.(root, names) ?? null;
  if (direct !== null) {
    const key = `reader ${pathKey(root, names)}`;
    const inline = direct.inline;
    if (inline !== undefined) {
      return dynamic((f) => direct(f.env), 'any', (g) =>
        g.reuse(key, () => {
          let o = g.assign(`${g.env}[${g.constant(root)}]`);
          for (const name of inline.names) o = g.assign(`${o}[${g.constant(name)}]`);
          if (inline.missingAsEmpty) g.line(`if (${o} === undefined) ${o} = '';`);
          return o;
        }),
      );
    }
    return dynamic((f) => direct(f.env), 'any', (g) => g.reuse(key, () => g.assign(`${g.constant(direct)}(${g.env})`)));
  }
  const emit = emitPath(root, names, positions);
  const fail = (e: unknown, step: number): never => {
    throw locate(e, positions[step]);
  };
  const readRoot = (f: Frame): unknown => {
    const v = f.env[root];
    return v === undefined ? null : v;
  };
  switch (names.length) {
    case 1: {
      const [a] = names;
      return dynamic((f) => {
        const o = readRoot(f);
        try {
          return fetchName(o, a);
        } catch (e) {
          return fail(e, 0);
        }
      }, 'any', emit);
    }
    case 2: {
      const [a, b] = names;
      return dynamic((f) => {
        const o = readRoot(f);
        let step = 0;
        try {
          const x = fetchName(o, a);
          step = 1;
          return fetchName(x, b);
        } catch (e) {
          return fail(e, step);
        }
      }, 'any', emit);
    }
    case 3: {
      const [a, b, d] = names;
      return dynamic((f) => {
        const o = readRoot(f);
        let step = 0;
        try {
          const x = fetchName(o, a);
          step = 1;
          const y = fetchName(x, b);
          step = 2;
          return fetchName(y, d);
        } catch (e) {
          return fail(e, step);
        }
      }, 'any', emit);
    }
    default:
      return dynamic((f) => {
        let o = readRoot(f);
        let step = 0;
        try {
          for (; step < names.length; step++) o = fetchName(o, names[step]);
          return o;
        } catch (e) {
          return fail(e, step);
        }
      }, 'any', emit);
  }
}

export function compileMember(c: CompilerContext, node: MemberNode, spine: boolean): Compiled {
  if (!spine) {
    const path = compilePath(c, node);
    if (path) return path;
  }
  const target = base(c, node.node, spine);
  const b = target.ev;
  const pos = node.pos;
  const optional = node.optional;
  const prop = c.compile(node.property);
  if (prop.constant && typeof prop.value === 'string') {
    const name = prop.value;
    if (!spine && !optional) {
      return dynamic(
        (f) => {
          const o = b(f);
          try {
            return fetchName(o, name);
          } catch (e) {
            throw locate(e, pos);
          }
        },
        'any',
        (g) => {
          const o = g.value(target);
          return g.located(pos, () => emitFetchName(g, o, name));
        },
      );
    }
    return dynamic((f) => {
      const o = b(f);
      if (o === CHAIN_NIL) return CHAIN_NIL;
      if (optional && (o === null || o === undefined)) return CHAIN_NIL;
      try {
        return fetchName(o, name);
      } catch (e) {
        throw locate(e, pos);
      }
    }, 'any');
  }
  const key = prop.ev;
  return dynamic(
    (f) => {
      const o = b(f);
      if (o === CHAIN_NIL) return CHAIN_NIL;
      if (optional && (o === null || o === undefined)) return CHAIN_NIL;
      const k = key(f);
      try {
        return fetch(o, k);
      } catch (e) {
        throw locate(e, pos);
      }
    },
    'any',
    spine || optional
      ? undefined
      : (g) => {
          const o = g.value(target);
          const chainNil = g.constant(CHAIN_NIL);
          const t = g.temp();
          const read = g.block(() => {
            const k = g.value(prop);
            g.line(`${t} = ${g.located(pos, () => `${g.constant(fetch)}(${o}, ${k})`)};`);
          });
          g.line(`if (${o} === ${chainNil}) ${t} = ${chainNil}; else {${read}}`);
          return t;
        },
  );
}

export function compileSlice(c: CompilerContext, node: SliceNode): Compiled {
  const target = c.compile(node.node);
  const fromC = node.from ? c.compile(node.from) : null;
  const toC = node.to ? c.compile(node.to) : null;
  const from = fromC?.ev ?? null;
  const to = toC?.ev ?? null;
  const b = target.ev;
  const pos = node.pos;
  const kind: StaticKind = target.kind === 'string' || target.kind === 'array' ? target.kind : 'any';
  return dynamic(
    (f) => {
      const o = b(f);
      const end = to === null ? undefined : to(f);
      const start = from === null ? undefined : from(f);
      try {
        return slice(o, start, end);
      } catch (e) {
        throw locate(e, pos);
      }
    },
    kind,
    (g) => {
      const o = g.value(target);
      const end = toC === null ? 'undefined' : g.value(toC);
      const start = fromC === null ? 'undefined' : g.value(fromC);
      return g.located(pos, () => `${g.constant(slice)}(${o}, ${start}, ${end})`);
    },
  );
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * `t.Weekday().String()` and `t.Month().String()`: GoTime returns these Go enums as plain
 * numbers, so their String method is resolved here, from the call that produced the number.
 */
function goEnumNames(node: Node): { text(n: number): string } | null {
  if (node.type !== 'Call' || node.args.length !== 0) return null;
  const callee = node.callee;
  if (callee.type !== 'Member' || callee.property.type !== 'String') return null;
  if (callee.property.value === 'Weekday') return { text: (n) => WEEKDAYS[n] ?? `%!Weekday(${n})` };
  if (callee.property.value === 'Month') return { text: (n) => MONTHS[n - 1] ?? `%!Month(${n})` };
  return null;
}

/** A call of a function of the functions table, specialised by arity. */
function callFunction(fn: ExprFunction, args: Eval[], pos: number): Eval {
  const call = fn as Fn;
  const wrap = (e: unknown): never => {
    throw locate(e, pos);
  };
  switch (args.length) {
    case 0:
      return () => {
        try {
          return call();
        } catch (e) {
          return wrap(e);
        }
      };
    case 1: {
      const [a] = args;
      return (f) => {
        const x = a(f);
        try {
          return call(x);
        } catch (e) {
          return wrap(e);
        }
      };
    }
    case 2: {
      const [a, b] = args;
      return (f) => {
        const x = a(f);
        const y = b(f);
        try {
          return call(x, y);
        } catch (e) {
          return wrap(e);
        }
      };
    }
    default:
      return (f) => {
        const values = args.map((a) => a(f));
        try {
          return call(...values);
        } catch (e) {
          return wrap(e);
        }
      };
  }
}

function callValue(target: Eval, args: Eval[], pos: number): Eval {
  return (f) => {
    const fn = target(f);
    const values = args.map((a) => a(f));
    if (typeof fn !== 'function') throw locate(fault(`${goTypeOf(fn)} is not a function`), pos);
    try {
      const v = (fn as Fn)(...values);
      return v === undefined ? null : v;
    } catch (e) {
      throw locate(e, pos);
    }
  };
}

export function compileCall(c: CompilerContext, node: CallNode, spine: boolean): Compiled {
  const callee = node.callee;
  const argNodes = node.args.map((a) => c.compile(a));
  const args = argNodes.map((a) => a.ev);
  const pos = node.pos;
  if (callee.type === 'Member' && callee.property.type === 'String') {
    const target = base(c, callee.node, spine);
    const b = target.ev;
    const name = callee.property.value;
    const optional = callee.optional;
    const enumNames = name === 'String' && args.length === 0 ? goEnumNames(callee.node) : null;
    return dynamic(
      (f) => {
        const o = b(f);
        if (o === CHAIN_NIL) return CHAIN_NIL;
        if (optional && (o === null || o === undefined)) return CHAIN_NIL;
        if (enumNames !== null && typeof o === 'number') return enumNames.text(o);
        const values = new Array<unknown>(args.length);
        for (let i = 0; i < args.length; i++) values[i] = args[i](f);
        try {
          const v = callMethod(o, name, values);
          return v === undefined ? null : v;
        } catch (e) {
          throw locate(e, pos);
        }
      },
      'any',
      emitMethodCall(target, name, argNodes, optional, enumNames === null ? null : enumNames.text, pos),
    );
  }
  if (callee.type === 'Identifier') {
    const fn = c.functionNamed(callee.name);
    if (fn !== undefined) {
      if (fn.arity !== undefined && argNodes.length !== fn.arity) {
        return c.fail(`${argNodes.length > fn.arity ? 'too many' : 'not enough'} arguments to call ${callee.name}`, node.pos);
      }
      // A pure helper of constant arguments (`Upper('/admin')`) is computed once, here.
      if (fn.pure === true && argNodes.every((a) => a.constant)) {
        const folded = fold(() => (fn as Fn)(...argNodes.map((a) => a.value)), fn.resultKind ?? 'any');
        if (folded) return folded;
      }
      const ev = callFunction(fn, args, pos);
      return dynamic(
        (f) => {
          const v = ev(f);
          return v === undefined ? null : v;
        },
        fn.resultKind ?? 'any',
        (g) => {
          // Arguments first, then the call alone in the try, as callFunction does.
          const values = argNodes.map((a) => g.value(a));
          const v = g.located(pos, () => `${g.constant(fn)}(${values.join(', ')})`);
          g.forget(); // a function may change what it is given
          g.line(`if (${v} === undefined) ${v} = null;`);
          return v;
        },
      );
    }
    // A variable holding a function (Go env funcs).
    return dynamic(callValue(c.identifier(callee.name, callee.pos).ev, args, pos), 'any');
  }
  return dynamic(callValue(c.compile(callee).ev, args, pos), 'any');
}
