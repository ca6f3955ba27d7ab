/**
 * Compiles unary and binary operators into closures. Constant operands are folded at compile time;
 * known kinds pick a specialised closure (`x == 'const'` is one `===`, `x in ['a', 'b']` a Set).
 * Hot path: each closure calls its operands and one statically known function; errors are located
 * in the catch, which costs nothing when nothing is thrown. Each closure the code generator handles
 * has its `emit` twin beside it, written to evaluate exactly as the closure does.
 */
import type { BinaryNode, UnaryNode } from './ast.js';
import {
  constantOf,
  dynamic,
  type Compiled,
  type CompilerContext,
  type Emit,
  type Eval,
  type Frame,
  type RegexLike,
} from './compile-types.js';
import { locate } from './errors.js';
import { GoDuration } from './go-duration.js';
import { GoTime } from './go-time.js';
import {
  add,
  asBool,
  asString,
  divide,
  equal,
  exponent,
  inOp,
  less,
  lessOrEqual,
  makeRange,
  modulo,
  more,
  moreOrEqual,
  multiply,
  negate,
  subtract,
} from './value-ops.js';
import type { StaticKind } from './values.js';

/** Values that may be shared between runs (arrays and maps are rebuilt each run). */
export function isImmutable(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    v instanceof GoDuration ||
    v instanceof GoTime
  );
}

/** Evaluates a constant operation now; null when it fails (the error then happens at run time). */
export function fold(compute: () => unknown, kind: StaticKind): Compiled | null {
  try {
    const v = compute();
    return isImmutable(v) ? constantOf(v === undefined ? null : v, kind) : null;
  } catch {
    return null;
  }
}

type Binary = (a: unknown, b: unknown) => unknown;

function located(fn: Binary, l: Eval, r: Eval, pos: number): Eval {
  // One closure per operator function keeps each call site monomorphic.
  switch (fn) {
    case add:
      return (f) => {
        try {
          return add(l(f), r(f));
        } catch (e) {
          throw locate(e, pos);
        }
      };
    case subtract:
      return (f) => {
        try {
          return subtract(l(f), r(f));
        } catch (e) {
          throw locate(e, pos);
        }
      };
    case multiply:
      return (f) => {
        try {
          return multiply(l(f), r(f));
        } catch (e) {
          throw locate(e, pos);
        }
      };
    case less:
      return (f) => {
        try {
          return less(l(f), r(f));
        } catch (e) {
          throw locate(e, pos);
        }
      };
    case more:
      return (f) => {
        try {
          return more(l(f), r(f));
        } catch (e) {
          throw locate(e, pos);
        }
      };
    case lessOrEqual:
      return (f) => {
        try {
          return lessOrEqual(l(f), r(f));
        } catch (e) {
          throw locate(e, pos);
        }
      };
    case moreOrEqual:
      return (f) => {
        try {
          return moreOrEqual(l(f), r(f));
        } catch (e) {
          throw locate(e, pos);
        }
      };
    default:
      return (f) => {
        try {
          return fn(l(f), r(f));
        } catch (e) {
          throw locate(e, pos);
        }
      };
  }
}

/** The twin of `located`: both operands and the call inside one try. */
function emitLocated(fn: Binary, l: Compiled, r: Compiled, pos: number): Emit {
  return (g) =>
    g.located(pos, () => {
      const a = g.value(l);
      const b = g.value(r);
      return `${g.constant(fn)}(${a}, ${b})`;
    });
}

/** An operator on operands known to be numbers (or strings for +): the JS operator itself. */
function emitInfix(op: string, l: Compiled, r: Compiled): Emit {
  return (g) => {
    const a = g.value(l);
    const b = g.value(r);
    return g.assign(`${a} ${op} ${b}`);
  };
}

function arithmeticKind(op: string, a: StaticKind, b: StaticKind): StaticKind {
  const numeric = (k: StaticKind): boolean => k === 'int' || k === 'float';
  switch (op) {
    case '/':
    case '**':
    case '^':
      return 'float';
    case '%':
      return 'int';
    case '+':
      if (a === 'string' && b === 'string') return 'string';
      if ((a === 'time' && b === 'duration') || (a === 'duration' && b === 'time')) return 'time';
      if (a === 'duration' && b === 'duration') return 'duration';
      break;
    case '-':
      if (a === 'time' && b === 'time') return 'duration';
      if (a === 'time' && b === 'duration') return 'time';
      if (a === 'duration' && b === 'duration') return 'duration';
      break;
    case '*':
      if ((a === 'duration' && b === 'int') || (a === 'int' && b === 'duration')) return 'duration';
      if (a === 'duration' && b === 'duration') return 'duration';
      break;
    default:
      break;
  }
  if (numeric(a) && numeric(b)) return a === 'int' && b === 'int' ? 'int' : 'float';
  return 'any';
}

const ARITHMETIC: Readonly<Record<string, Binary>> = {
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': modulo,
  '**': exponent,
  '^': exponent,
  '<': less,
  '>': more,
  '<=': lessOrEqual,
  '>=': moreOrEqual,
  '..': makeRange,
  contains: (a, b) => asString(a).includes(asString(b)),
  startsWith: (a, b) => asString(a).startsWith(asString(b)),
  endsWith: (a, b) => asString(a).endsWith(asString(b)),
};

export function compileUnary(c: CompilerContext, node: UnaryNode): Compiled {
  const x = c.compile(node.node);
  const pos = node.pos;
  const v = x.ev;
  switch (node.op) {
    case 'not':
    case '!': {
      if (x.constant) {
        const folded = fold(() => !asBool(x.value), 'bool');
        if (folded) return folded;
      }
      return dynamic(
        (f) => {
          const b = v(f);
          if (b === true) return false;
          if (b === false) return true;
          try {
            return !asBool(b);
          } catch (e) {
            throw locate(e, pos);
          }
        },
        'bool',
        (g) => {
          const b = g.value(x);
          const t = g.temp();
          const slow = g.block(() => g.line(`${t} = ${g.located(pos, () => `!${g.constant(asBool)}(${b})`)};`));
          g.line(`if (${b} === true) ${t} = false; else if (${b} === false) ${t} = true; else {${slow}}`);
          return t;
        },
      );
    }
    case '-': {
      const kind: StaticKind = x.kind === 'int' || x.kind === 'float' ? x.kind : 'any';
      if (x.constant) {
        const folded = fold(() => negate(x.value), kind);
        if (folded) return folded;
      }
      return dynamic(
        (f) => {
          const n = v(f);
          if (typeof n === 'number') return -n;
          try {
            return negate(n);
          } catch (e) {
            throw locate(e, pos);
          }
        },
        kind,
        (g) => {
          const n = g.value(x);
          const t = g.temp();
          const slow = g.block(() => g.line(`${t} = ${g.located(pos, () => `${g.constant(negate)}(${n})`)};`));
          g.line(`if (typeof ${n} === 'number') ${t} = -${n}; else {${slow}}`);
          return t;
        },
      );
    }
    default:
      // Unary `+` changes nothing, as in expr-lang's VM.
      return x;
  }
}

/** `and` / `or` check their left operand is a bool and return the right one as it is. */
function compileLogical(c: CompilerContext, node: BinaryNode, isOr: boolean): Compiled {
  const l = c.compile(node.left);
  const r = c.compile(node.right);
  const pos = node.pos;
  if (l.constant && typeof l.value === 'boolean') {
    if (l.value === isOr) return constantOf(isOr, 'bool');
    return r;
  }
  const le = l.ev;
  const re = r.ev;
  const kind: StaticKind = r.kind === 'bool' ? 'bool' : 'any';
  const emit: Emit = (g) => {
    const a = g.value(l);
    const t = g.temp();
    const check = g.block(() => g.located(pos, () => `${g.constant(asBool)}(${a})`));
    const right = g.block(() => g.line(`${t} = ${g.value(r)};`));
    // or: true stops; and: false stops. Any other non-bool fails the check.
    const stop = isOr ? 'true' : 'false';
    const go = isOr ? 'false' : 'true';
    g.line(`if (${a} === ${stop}) ${t} = ${stop}; else {\nif (${a} !== ${go}) {${check}}${right}}`);
    return t;
  };
  if (isOr) {
    return dynamic((f) => {
      const a = le(f);
      if (a === true) return true;
      if (a !== false) {
        try {
          asBool(a);
        } catch (e) {
          throw locate(e, pos);
        }
      }
      return re(f);
    }, kind, emit);
  }
  return dynamic((f) => {
    const a = le(f);
    if (a === false) return false;
    if (a !== true) {
      try {
        asBool(a);
      } catch (e) {
        throw locate(e, pos);
      }
    }
    return re(f);
  }, kind, emit);
}

function compileEquality(l: Compiled, r: Compiled, negateResult: boolean): Compiled {
  if (l.constant && r.constant) return constantOf(equal(l.value, r.value) !== negateResult, 'bool');
  // A constant string on either side: Go's == is then exactly ===.
  const [dyn, k] = r.constant ? [l, r] : l.constant ? [r, l] : [null, null];
  const le = l.ev;
  const re = r.ev;
  if (dyn && k && typeof k.value === 'string') {
    const value = k.value;
    const d = dyn.ev;
    return dynamic(negateResult ? (f) => d(f) !== value : (f) => d(f) === value, 'bool', (g) => {
      const v = g.value(dyn);
      return g.assign(`${v} ${negateResult ? '!==' : '==='} ${g.constant(value)}`);
    });
  }
  if (dyn && k && (k.value === null || k.value === undefined)) {
    const d = dyn.ev;
    return dynamic(
      negateResult
        ? (f) => {
            const v = d(f);
            return v !== null && v !== undefined;
          }
        : (f) => {
            const v = d(f);
            return v === null || v === undefined;
          },
      'bool',
      (g) => {
        const v = g.value(dyn);
        return g.assign(negateResult ? `${v} !== null && ${v} !== undefined` : `${v} === null || ${v} === undefined`);
      },
    );
  }
  return dynamic(negateResult ? (f) => !equal(le(f), re(f)) : (f) => equal(le(f), re(f)), 'bool', (g) => {
    const a = g.value(l);
    const b = g.value(r);
    // equal() starts with the same identity test.
    const eq = `${a} === ${b} || ${g.constant(equal)}(${a}, ${b})`;
    return g.assign(negateResult ? `!(${eq})` : eq);
  });
}

function compileIn(c: CompilerContext, node: BinaryNode): Compiled {
  const l = c.compile(node.left);
  const pos = node.pos;
  // `x in ['a', 'b', ...]` with constant primitive elements: a Set lookup.
  let r: Compiled | null = null;
  if (node.right.type === 'Array') {
    const items = node.right.nodes.map((n) => c.compile(n));
    const primitive = items.every(
      (it) =>
        it.constant &&
        (it.value === null || typeof it.value === 'string' || typeof it.value === 'boolean' || typeof it.value === 'number') &&
        !Number.isNaN(it.value),
    );
    if (primitive) {
      const set = new Set(items.map((it) => it.value));
      if (l.constant) return constantOf(set.has(l.value === undefined ? null : l.value), 'bool');
      const le = l.ev;
      // A few strings (`evt.Meta.log_type in ['http_access-log', 'http_error-log']`, in nearly every
      // hub filter): compared one by one, cheaper than hashing the value for the Set.
      const strings = [...set];
      if (strings.length <= 6 && strings.every((x) => typeof x === 'string')) {
        return dynamic(
          (f) => {
            const v = le(f);
            if (typeof v === 'string') {
              for (let i = 0; i < strings.length; i++) if (v === strings[i]) return true;
              return false;
            }
            if (typeof v === 'object' && v !== null) return inOp(v, strings);
            return false;
          },
          'bool',
          (g) => {
            const v = g.value(l);
            const eqs = strings.map((x) => `${v} === ${g.constant(x)}`).join(' || ');
            const slow = `${g.constant(inOp)}(${v}, ${g.constant(strings)})`;
            return g.assign(`typeof ${v} === 'string' ? (${eqs}) : typeof ${v} === 'object' && ${v} !== null ? ${slow} : false`);
          },
        );
      }
      return dynamic(
        (f) => {
          const v = le(f);
          if (typeof v === 'object' && v !== null) return inOp(v, [...set]); // e.g. a duration against ints
          return set.has(v === undefined ? null : v);
        },
        'bool',
        (g) => {
          const v = g.value(l);
          const s = g.constant(set);
          const slow = `${g.constant(inOp)}(${v}, ${g.constant([...set])})`;
          return g.assign(`typeof ${v} === 'object' && ${v} !== null ? ${slow} : ${s}.has(${v} === undefined ? null : ${v})`);
        },
      );
    }
    const evs = items.map((it) => it.ev);
    r = dynamic((f) => evs.map((e) => e(f)), 'array', (g) => {
      const values = items.map((it) => g.value(it));
      return g.assign(`[${values.join(', ')}]`);
    });
  }
  r ??= c.compile(node.right);
  if (l.constant && r.constant) {
    const folded = fold(() => inOp(l.value, r.value), 'bool');
    if (folded) return folded;
  }
  return dynamic(located(inOp, l.ev, r.ev, pos), 'bool', emitLocated(inOp, l, r, pos));
}

function compileMatches(c: CompilerContext, node: BinaryNode): Compiled {
  const l = c.compile(node.left);
  const pos = node.pos;
  if (node.right.type === 'String') {
    let re: RegexLike;
    try {
      re = c.regex(node.right.value);
    } catch (err) {
      return c.fail(err instanceof Error ? err.message : String(err), node.right.pos);
    }
    const le = l.ev;
    return dynamic(
      (f) => {
        const s = le(f);
        if (typeof s === 'string') return re.test(s);
        try {
          return re.test(asString(s));
        } catch (e) {
          throw locate(e, pos);
        }
      },
      'bool',
      (g) => {
        const s = g.value(l);
        const k = g.constant(re);
        const t = g.temp();
        const slow = g.block(() => g.line(`${t} = ${g.located(pos, () => `${k}.test(${g.constant(asString)}(${s}))`)};`));
        g.line(`if (typeof ${s} === 'string') ${t} = ${k}.test(${s}); else {${slow}}`);
        return t;
      },
    );
  }
  const r = c.compile(node.right);
  const cache = new Map<string, RegexLike>();
  const regex = c.regex;
  const matches = (s: unknown, pattern: unknown): boolean => {
    const src = asString(pattern);
    let re = cache.get(src);
    if (re === undefined) {
      re = regex(src);
      if (cache.size >= 32) cache.clear();
      cache.set(src, re);
    }
    return re.test(asString(s));
  };
  return dynamic(located(matches, l.ev, r.ev, pos), 'bool', emitLocated(matches, l, r, pos));
}

function compileCoalesce(c: CompilerContext, node: BinaryNode): Compiled {
  const l = c.compile(node.left);
  const r = c.compile(node.right);
  if (l.constant) return l.value === null || l.value === undefined ? r : l;
  const le = l.ev;
  const re = r.ev;
  return dynamic(
    (f: Frame) => {
      const v = le(f);
      return v === null || v === undefined ? re(f) : v;
    },
    l.kind === r.kind ? l.kind : 'any',
    (g) => {
      const v = g.value(l);
      const t = g.temp();
      const other = g.block(() => g.line(`${t} = ${g.value(r)};`));
      g.line(`if (${v} === null || ${v} === undefined) {${other}} else ${t} = ${v};`);
      return t;
    },
  );
}

export function compileBinary(c: CompilerContext, node: BinaryNode): Compiled {
  switch (node.op) {
    case 'and':
    case '&&':
      return compileLogical(c, node, false);
    case 'or':
    case '||':
      return compileLogical(c, node, true);
    case '??':
      return compileCoalesce(c, node);
    case 'in':
      return compileIn(c, node);
    case 'matches':
      return compileMatches(c, node);
    case '==':
    case '!=':
      return compileEquality(c.compile(node.left), c.compile(node.right), node.op === '!=');
    default:
      break;
  }
  const fn = ARITHMETIC[node.op];
  if (fn === undefined) return c.fail(`unknown operator (${node.op})`, node.pos);
  const l = c.compile(node.left);
  const r = c.compile(node.right);
  const op = node.op;
  const kind: StaticKind =
    op === '<' || op === '>' || op === '<=' || op === '>=' || op === 'contains' || op === 'startsWith' || op === 'endsWith'
      ? 'bool'
      : op === '..'
        ? 'array'
        : arithmeticKind(op, l.kind, r.kind);
  if (op === '%' && (l.kind === 'float' || r.kind === 'float')) {
    // Go rejects % on float64 even when the value is integral (4.0 % 2).
    const message = `invalid operation: ${l.kind === 'float' ? 'float64' : 'int'} % ${r.kind === 'float' ? 'float64' : 'int'}`;
    const pos = node.pos;
    return dynamic((f) => {
      l.ev(f);
      r.ev(f);
      throw locate(new Error(message), pos);
    }, kind);
  }
  if (l.constant && r.constant) {
    const folded = fold(() => fn(l.value, r.value), kind);
    if (folded) return folded;
  }
  const le = l.ev;
  const re = r.ev;
  // Both sides known to be numbers (or strings for +): no dispatch needed.
  const numbers = (l.kind === 'int' || l.kind === 'float') && (r.kind === 'int' || r.kind === 'float');
  if (numbers) {
    switch (op) {
      case '+':
        return dynamic((f) => (le(f) as number) + (re(f) as number), kind, emitInfix('+', l, r));
      case '-':
        return dynamic((f) => (le(f) as number) - (re(f) as number), kind, emitInfix('-', l, r));
      case '*':
        return dynamic((f) => (le(f) as number) * (re(f) as number), kind, emitInfix('*', l, r));
      case '/':
        return dynamic((f) => (le(f) as number) / (re(f) as number), kind, emitInfix('/', l, r));
      case '<':
        return dynamic((f) => (le(f) as number) < (re(f) as number), kind, emitInfix('<', l, r));
      case '>':
        return dynamic((f) => (le(f) as number) > (re(f) as number), kind, emitInfix('>', l, r));
      case '<=':
        return dynamic((f) => (le(f) as number) <= (re(f) as number), kind, emitInfix('<=', l, r));
      case '>=':
        return dynamic((f) => (le(f) as number) >= (re(f) as number), kind, emitInfix('>=', l, r));
      default:
        break;
    }
  }
  if (op === '+' && l.kind === 'string' && r.kind === 'string') {
    return dynamic((f) => (le(f) as string) + (re(f) as string), kind, emitInfix('+', l, r));
  }
  if (op === 'contains' && r.constant && typeof r.value === 'string') {
    const needle = r.value;
    const pos = node.pos;
    return dynamic(
      (f) => {
        const s = le(f);
        if (typeof s === 'string') return s.includes(needle);
        try {
          return asString(s).includes(needle);
        } catch (e) {
          throw locate(e, pos);
        }
      },
      kind,
      (g) => {
        const s = g.value(l);
        const k = g.constant(needle);
        const t = g.temp();
        const slow = g.block(() => g.line(`${t} = ${g.located(pos, () => `${g.constant(asString)}(${s}).includes(${k})`)};`));
        g.line(`if (typeof ${s} === 'string') ${t} = ${s}.includes(${k}); else {${slow}}`);
        return t;
      },
    );
  }
  if ((op === 'startsWith' || op === 'endsWith') && r.constant && typeof r.value === 'string') {
    // The same as `located(fn, ...)` below, with the string case written out.
    const needle = r.value;
    const pos = node.pos;
    return dynamic(located(fn, le, re, pos), kind, (g) =>
      g.located(pos, () => {
        const s = g.value(l);
        const k = g.constant(needle);
        return `typeof ${s} === 'string' ? ${s}.${op}(${k}) : ${g.constant(fn)}(${s}, ${k})`;
      }),
    );
  }
  return dynamic(located(fn, le, re, node.pos), kind, emitLocated(fn, l, r, node.pos));
}
