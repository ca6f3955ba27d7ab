import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { compileExpr } from './compile-expr.js';
import { BINARY, UNARY } from './operator-table.js';
import { createStringMap } from './values.js';

const regex = (s: string) => new RE2(s);

// ---------------------------------------------------------------------------------------------
// A tiny independent model of expr-lang on ints, floats, bools and nil, with Go's rules.

type Val = { k: 'int' | 'float'; v: number } | { k: 'bool'; v: boolean } | { k: 'nil'; v: null };
type Outcome = { ok: true; value: number | boolean | string | null } | { ok: false };

type Tree =
  | { t: 'lit'; text: string; val: Val }
  | { t: 'un'; op: string; x: Tree }
  | { t: 'bin'; op: string; l: Tree; r: Tree };

const LEAVES: { text: string; val: Val }[] = [
  ...[0, 1, 2, 3, 7].map((n) => ({ text: String(n), val: { k: 'int', v: n } as Val })),
  { text: '2.5', val: { k: 'float', v: 2.5 } },
  { text: 'true', val: { k: 'bool', v: true } },
  { text: 'false', val: { k: 'bool', v: false } },
  { text: 'nil', val: { k: 'nil', v: null } },
  { text: 'x', val: { k: 'int', v: 5 } },
  { text: 'y', val: { k: 'float', v: -1.5 } },
  { text: 'flag', val: { k: 'bool', v: true } },
  { text: 'none', val: { k: 'nil', v: null } },
];
const ENV = { x: 5, y: -1.5, flag: true, none: null };
const BIN_OPS = ['or', '||', 'and', '&&', '==', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', '**', '^', '??'];
const UN_OPS = ['not', '!', '-'];

class Fail extends Error {}

function num(a: Val): number {
  if (a.k === 'int' || a.k === 'float') return a.v;
  throw new Fail();
}

function model(tree: Tree): Val {
  switch (tree.t) {
    case 'lit':
      return tree.val;
    case 'un': {
      const a = model(tree.x);
      if (tree.op === '-') {
        if (a.k === 'int' || a.k === 'float') return { k: a.k, v: -a.v + 0 };
        throw new Fail();
      }
      if (a.k !== 'bool') throw new Fail();
      return { k: 'bool', v: !a.v };
    }
    case 'bin': {
      const { op } = tree;
      const a = model(tree.l);
      if (op === 'or' || op === '||' || op === 'and' || op === '&&') {
        if (a.k !== 'bool') throw new Fail();
        const isOr = op === 'or' || op === '||';
        if (a.v === isOr) return a;
        return model(tree.r);
      }
      if (op === '??') return a.k === 'nil' ? model(tree.r) : a;
      const b = model(tree.r);
      switch (op) {
        case '==':
        case '!=': {
          let eq: boolean;
          if ((a.k === 'int' || a.k === 'float') && (b.k === 'int' || b.k === 'float')) eq = a.v === b.v;
          else eq = a.k === b.k && a.v === b.v;
          return { k: 'bool', v: op === '==' ? eq : !eq };
        }
        case '<':
          return { k: 'bool', v: num(a) < num(b) };
        case '>':
          return { k: 'bool', v: num(a) > num(b) };
        case '<=':
          return { k: 'bool', v: num(a) <= num(b) };
        case '>=':
          return { k: 'bool', v: num(a) >= num(b) };
        case '+':
        case '-':
        case '*': {
          const x = num(a);
          const y = num(b);
          const v = op === '+' ? x + y : op === '-' ? x - y : x * y;
          return { k: a.k === 'int' && b.k === 'int' ? 'int' : 'float', v };
        }
        case '/':
          return { k: 'float', v: num(a) / num(b) };
        case '%': {
          if (a.k !== 'int' || b.k !== 'int' || b.v === 0) throw new Fail();
          return { k: 'int', v: Number(BigInt(a.v) % BigInt(b.v)) };
        }
        default:
          return { k: 'float', v: Math.pow(num(a), num(b)) };
      }
    }
  }
}

function outcome(f: () => Val | unknown): Outcome {
  try {
    const r = f();
    if (r !== null && typeof r === 'object' && 'k' in (r as Val)) return { ok: true, value: (r as Val).v };
    return { ok: true, value: r as number | boolean | string | null };
  } catch {
    return { ok: false };
  }
}

// ---------------------------------------------------------------------------------------------
// Printers: fully parenthesised, and with as few parentheses as expr-lang's grammar allows.

function full(tree: Tree): string {
  switch (tree.t) {
    case 'lit':
      return tree.text;
    case 'un':
      return `(${tree.op} ${full(tree.x)})`;
    case 'bin':
      return `(${full(tree.l)} ${tree.op} ${full(tree.r)})`;
  }
}

const ORDERING = new Set(['<', '>', '<=', '>=']);

function minimal(tree: Tree): string {
  switch (tree.t) {
    case 'lit':
      return tree.text;
    case 'un': {
      const p = UNARY[tree.op].precedence;
      const x = tree.x;
      const inner = minimal(x);
      const wrap = x.t === 'bin' && BINARY[x.op].precedence < p;
      return `${tree.op} ${wrap ? `(${inner})` : inner}`;
    }
    case 'bin': {
      const info = BINARY[tree.op];
      const p = info.precedence;
      const side = (child: Tree, left: boolean): string => {
        const text = minimal(child);
        let wrap = false;
        if (child.t === 'un') wrap = UNARY[child.op].precedence <= p;
        if (child.t === 'bin') {
          const cp = BINARY[child.op].precedence;
          if (cp < p) wrap = true;
          else if (cp === p) wrap = left ? info.rightAssoc : !info.rightAssoc;
          // `a < b < c` chains; `a ?? b + c` is refused: both need parentheses.
          if (ORDERING.has(tree.op) && ORDERING.has(child.op)) wrap = true;
          if (left && child.op === '??' && tree.op !== '??') wrap = true;
        }
        return wrap ? `(${text})` : text;
      };
      return `${side(tree.l, true)} ${tree.op} ${side(tree.r, false)}`;
    }
  }
}

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...LEAVES).map((l): Tree => ({ t: 'lit', ...l })),
    fc.record({ t: fc.constant('un' as const), op: fc.constantFrom(...UN_OPS), x: tie('tree') }),
    fc.record({ t: fc.constant('bin' as const), op: fc.constantFrom(...BIN_OPS), l: tie('tree'), r: tie('tree') }),
  ),
})).tree;

function evaluate(src: string): Outcome {
  return outcome(() => compileExpr(src, { variables: Object.keys(ENV), regex }).run(ENV));
}

function same(a: Outcome, b: Outcome): boolean {
  if (a.ok !== b.ok) return false;
  if (!a.ok || !b.ok) return true;
  if (typeof a.value === 'number' && typeof b.value === 'number') {
    return a.value === b.value || (Number.isNaN(a.value) && Number.isNaN(b.value));
  }
  return a.value === b.value;
}

describe('operator precedence and evaluation match a reference model', () => {
  it('evaluates fully parenthesised and minimally parenthesised forms alike, as the model does', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        const want = outcome(() => model(tree));
        const a = evaluate(full(tree));
        const b = evaluate(minimal(tree));
        expect(same(a, want), `${full(tree)} => ${JSON.stringify(a)} want ${JSON.stringify(want)}`).toBe(true);
        expect(same(b, want), `${minimal(tree)} => ${JSON.stringify(b)} want ${JSON.stringify(want)}`).toBe(true);
      }),
      { seed: 20240601, numRuns: 1500 },
    );
  });

  it('parses known precedence cases as expr-lang does', () => {
    const cases: [string, unknown][] = [
      ['not true == false', true],
      ['-2 ** 2', -4],
      ['2 ** 3 ** 2', 512],
      ['1 + 2 * 3 ** 2', 19],
      ['true or false and false', true],
      ['(true or false) and false', false],
      ['1 < 2 == true', true],
      ['nil ?? 1 ?? 2', 1],
      ['1 + nil ?? 2', 3],
      ['10 - 2 - 3', 5],
      ['2 * 3 % 4', 2],
      ['1..3 == [1, 2, 3]', true],
    ];
    for (const [src, want] of cases) expect(evaluate(src), src).toEqual({ ok: true, value: want });
  });
});

// ---------------------------------------------------------------------------------------------

type Json = null | number | string | { [k: string]: Json };
const KEYS = ['a', 'b', 'c'];
const jsonArb: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom('s', ''),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 }),
  ),
})).v;

describe('nil handling', () => {
  it('follows ?. chains and ?? like expr-lang on random nested maps', () => {
    fc.assert(
      fc.property(
        jsonArb,
        fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        (m, path, optional) => {
          const src = `m${path.map((k, i) => `${optional[i] ? '?.' : '.'}${k}`).join('')}`;
          const env = { m };
          const got = outcome(() => {
            const v = compileExpr(src, { variables: ['m'], regex }).run(env);
            return v !== null && typeof v === 'object' ? -999 : v;
          });
          // Once a ?. meets nil, the whole chain is nil, including later plain `.` steps.
          let cur: Json | undefined = m;
          let want: Outcome = { ok: true, value: null };
          let done = false;
          for (let i = 0; i < path.length && !done; i++) {
            if (cur === null || cur === undefined) {
              want = optional[i] ? { ok: true, value: null } : { ok: false };
              done = true;
            } else if (typeof cur !== 'object') {
              want = { ok: false };
              done = true;
            } else cur = Object.prototype.hasOwnProperty.call(cur, path[i]) ? cur[path[i]] : null;
          }
          if (!done) want = { ok: true, value: cur !== null && typeof cur === 'object' ? -999 : (cur ?? null) };
          expect(got, src).toEqual(want);

          const coalesced = outcome(() => {
            const v = compileExpr(`(${src}) ?? "d"`, { variables: ['m'], regex }).run(env);
            return v !== null && typeof v === 'object' ? -999 : v;
          });
          if (want.ok) expect(coalesced).toEqual({ ok: true, value: want.value === null ? 'd' : want.value });
        },
      ),
      { seed: 99, numRuns: 800 },
    );
  });

  it('reads missing StringMap keys as "" and missing map keys as nil', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z_]{1,6}$/), fc.string(), { maxKeys: 5 }),
        fc.stringMatching(/^[a-z_]{1,6}$/),
        (entries, key) => {
          const sm = createStringMap(entries);
          const plain = { ...entries };
          const env = { sm, plain, key };
          const has = Object.prototype.hasOwnProperty.call(entries, key);
          const run = (src: string) => compileExpr(src, { variables: ['sm', 'plain', 'key'], regex }).run(env);
          expect(run('sm[key]')).toBe(has ? entries[key] : '');
          expect(run(`sm.${key}`)).toBe(has ? entries[key] : '');
          expect(run('plain[key]')).toBe(has ? entries[key] : null);
          expect(run('key in sm')).toBe(has);
          expect(run('sm[key] ?? "x"')).toBe(has ? entries[key] : '');
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe('numeric semantics', () => {
  it('keeps Go int and float rules for random operands, folded or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -50, max: 50 }), (a, b) => {
        const env = { a, b };
        const run = (src: string) => compileExpr(src, { variables: ['a', 'b'], regex }).run(env);
        const lit = (src: string) => compileExpr(src.replace(/\ba\b/g, `(${a})`).replace(/\bb\b/g, `(${b})`), { variables: [], regex }).run({});
        for (const ev of [run, lit]) {
          if (b === 0) expect(() => ev('a % b')).toThrow(/integer divide by zero/);
          else expect(ev('a % b')).toBe(Number(BigInt(a) % BigInt(b)));
          expect(ev('a / b')).toBe(a / b);
          expect(ev('a + b')).toBe(a + b);
          expect(ev('a * b')).toBe(a * b);
        }
        expect(lit('type(a / b)')).toBe('float');
        expect(lit('type(a + b)')).toBe('int');
        expect(lit('type(a + 0.5)')).toBe('float');
        expect(lit('type(a ** 2)')).toBe('float');
        expect(lit('type(-a)')).toBe('int');
        expect(() => lit('a % 2.0')).toThrow(/float64/);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
