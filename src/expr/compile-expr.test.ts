import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr, type CompiledExpr } from './compile-expr.js';
import type { RegexCompiler } from './compile-types.js';
import { ExprRuntimeError, ExprSyntaxError } from './errors.js';
import { GoDuration } from './go-duration.js';
import { GoTime } from './go-time.js';
import { createStringMap } from './values.js';

const regex: RegexCompiler = (src) => new RE2(src);

class Foo {
  Value: string;
  Bar: { Baz: string };
  constructor(value: string) {
    this.Value = value;
    this.Bar = { Baz: 'baz' };
  }
  Method(): { Baz: string } {
    return { Baz: 'baz (from Foo.Method)' };
  }
  MethodWithArgs(prefix: string): string {
    return prefix + this.Value;
  }
}

const date = GoTime.date(2017, 10, 23, 18, 30);
const oneDay = new GoDuration(24 * 3600e9);

const env: Record<string, unknown> = {
  Int: 0,
  One: 1,
  Two: 2,
  Float64: 0.0,
  Bool: true,
  String: 'string',
  Foo: new Foo('foo'),
  ArrayOfInt: [1, 2, 3, 4, 5],
  ArrayOfAny: [1, '2', 3, true],
  ArrayOfFoo: [new Foo('foo'), new Foo('bar'), new Foo('baz')],
  NilAny: null,
  Time: date,
  TimePlusDay: date.Add(oneDay),
  Duration: oneDay,
  Meta: createStringMap({ log_type: 'ssh_failed-auth', service: 'ssh' }),
  Map: { a: 1, b: 'x' },
};

function compile(src: string, backend: 'auto' | 'closures' = 'auto'): CompiledExpr {
  return compileExpr(src, {
    variables: Object.keys(env),
    functions: { Add: (a, b) => (a as number) + (b as number), GetInt: () => 0 },
    regex,
    clock: new ManualClock(Date.UTC(2024, 0, 2, 3, 4, 5)),
    backend,
  });
}

function run(src: string, backend: 'auto' | 'closures' = 'auto'): unknown {
  return compile(src, backend).run(env);
}

const BACKENDS = ['auto', 'closures'] as const;

describe('compileExpr evaluates expr-lang like Go does', () => {
  const cases: [string, unknown][] = [
    ['1', 1],
    ['-.5', -0.5],
    ['true && false || false', false],
    ['Int == 0 && Float64 == 0 && Bool && String == "string"', true],
    ['"a" != "b" || 1 == 2', true],
    ['2 + 2 == 4', true],
    ['8 % 3', 2],
    ['-8 % 3', -2],
    ['8 % -3', 2],
    ['2 ** 8', 256],
    ['2 ^ 8', 256],
    ['-(2-5)**3-2/(+4-3)+-2', 23],
    ['"hello" + " " + "world"', 'hello world'],
    ['0 in -1..1 and 1 in 1..1', true],
    ['1 in [1, 2, 3] && "foo" in {foo: 0, bar: 1} && "Bar" in Foo', true],
    ['1 in [1.5] || 1 not in [1]', false],
    ['One in 0..1 && Two not in 0..1', true],
    ['Two not    in 0..1', true],
    ['-1 not in [1]', true],
    ['String matches "s.+"', true],
    ['String matches ("^" + String + "$")', true],
    ["'foo' + 'bar' not matches 'foobar'", false],
    ['"foobar" contains "bar"', true],
    ['"foobar" startsWith "foo"', true],
    ['"foobar" endsWith "bar"', true],
    ['"foobar" not endsWith "bar"', false],
    ['(0..10)[5]', 5],
    ['Foo.Bar.Baz', 'baz'],
    ['Add(10, 5) + GetInt()', 15],
    ['Foo.Method().Baz', 'baz (from Foo.Method)'],
    ['Foo.MethodWithArgs("prefix ")', 'prefix foo'],
    ['len([1, Two, 3])', 3],
    ['len("hello, world")', 12],
    ["len('北京')", 2],
    ["len('👍🏻')", 2],
    ['"北京"[0]', 0xe5],
    ['"é!"[1:]', '\ufffd!'],
    ['len({a: 1, b: 2, c: 2})', 3],
    ['(true ? 0+1 : 2+3) + (false ? -1 : -2)', -1],
    ['filter(1..9, {# > 7})', [8, 9]],
    ['map(1..3, {# * #})', [1, 4, 9]],
    ['all(1..3, {# > 0})', true],
    ['count(1..30, {# % 3 == 0})', 10],
    ['count([true, true, false])', 2],
    ['"a" < "b"', true],
    ['Time.Sub(Time).String() == "0s"', true],
    ['Time.Weekday().String()', 'Monday'],
    ['Time.Month().String()', 'October'],
    ['Time.Weekday() == 1 && Time.Hour() == 18', true],
    ['(One * Two) * 3 == One * (Two * 3)', true],
    ['ArrayOfInt[-1]', 5],
    ['ArrayOfInt[1:4]', [2, 3, 4]],
    ['ArrayOfInt[-4:-1]', [2, 3, 4]],
    ['ArrayOfInt[:3]', [1, 2, 3]],
    ['ArrayOfInt[3:]', [4, 5]],
    ['ArrayOfInt[:] == ArrayOfInt', true],
    ['4 in 5..1', false],
    ['4..0', []],
    ['NilAny == nil && nil == NilAny && nil == nil', true],
    ['0 == nil || "str" == nil || true == nil', false],
    ['String[:3]', 'str'],
    ['String[3:9]', 'ing'],
    ['String[7:9]', ''],
    ['map(filter(ArrayOfInt, # >= 3), # + 1)', [4, 5, 6]],
    ['Time < Time + Duration', true],
    ['Time + Duration > Time', true],
    ['Time == Time', true],
    ['Time == Time + Duration', false],
    ['TimePlusDay - Time >= duration("24h")', true],
    ['duration("1h") > duration("1m")', true],
    ['(duration("1h") + duration("1m")).String()', '1h1m0s'],
    ['(7 * duration("1h")).String()', '7h0m0s'],
    ['duration("1s") * .5', 5e8],
    ['1 /* one */ + 2 // two', 3],
    ['let x = 1; x + 2', 3],
    ['map(1..3, let x = #; let y = x * x; y * y)', [1, 16, 81]],
    ['map(1..2, let x = #; map(2..3, let y = #; x + y))', [[3, 4], [4, 5]]],
    ['len(filter(1..99, # % 7 == 0))', 14],
    ['find(ArrayOfFoo, .Value == "baz").Value', 'baz'],
    ['findIndex(ArrayOfFoo, .Value == "baz")', 2],
    ['findIndex(ArrayOfFoo, .Value == "nope")', null],
    ['first(filter(ArrayOfFoo, false))', null],
    ['findLast(1..9, # % 2 == 0)', 8],
    ['findLastIndex(1..9, # % 2 == 0)', 7],
    ['filter(1..9, # % 2 == 0)[-1]', 8],
    ['2^3 == 8', true],
    ['4/2 == 2', true],
    ['.5 in 0..1', false],
    ['bitnot(10)', -11],
    ['bitxor(15, 32)', 47],
    ['bitand(90, 34)', 2],
    ['bitnand(35, 9)', 34],
    ['bitshl(7, 2)', 28],
    ['bitushr(-100, 5)', 576460752303423484],
    ['"hello"[1:3]', 'el'],
    ['"hello"[1]', 101],
    ['[1, 2, 3]?.[0]', 1],
    ['[[1, 2], 3, 4]?.[0]?.[1]', 2],
    ['[nil, 3, 4]?.[0]?.[1]', null],
    ['1 > 2 < 3', false],
    ['1 < 2 < 3', true],
    ['1 < 2 < 3 > 4', false],
    ['1 < 2 < 3 > 2', true],
    ['1 < 2 < 3 == true', true],
    ['if 1 > 2 { 333 * 2 + 1 } else { 444 }', 444],
    ['let a = 3; let b = 2; if a>b {let c = Add(a, b); c+1} else {Add(10, b)}', 6],
    ['if "a" < "b" {let x = "a"; x} else {"abc"}', 'a'],
    ['if false { 1 } else if true { 2 } else { 3 }', 2],
    ['1; 2; 3', 3],
    ['let a = 1; Add(2, 2); let b = 2; a + b', 3],
    ['NilAny ?? "default"', 'default'],
    ['NilAny?.foo', null],
    ['NilAny?.foo.bar', null],
    ['NilAny?.foo() ?? 42', 42],
    ['Meta.log_type == "ssh_failed-auth"', true],
    ['Meta.missing', ''],
    ['Meta.missing ?? "x"', ''],
    ['Meta["service"]', 'ssh'],
    ['Map.missing', null],
    ['Map.a', 1],
    ['$env.One + 1', 2],
    ['"One" in $env', true],
    ['"Nope" in $env', false],
    ['true ?: false', true],
    ['{a: 1, "b c": 2, 3: "x"}["b c"]', 2],
    ['[1, 2,]', [1, 2]],
    ['`raw\\n`', 'raw\\n'],
    ['`with ``backtick```', 'with `backtick`'],
    ['"\\u00e9\\x41\\101\\t"', 'éAA\t'],
    ['0x2A + 0o52 + 0b101010 + 1_000', 1126],
    ['1e3', 1000],
    ['[1, 2, 3] | map(# * 2) | sum()', 12],
    ['"a,b" | split(",") | join("-")', 'a-b'],
    ['::len("abc")', 3],
    ['not true == false', true],
    ['!true', false],
    ['-2 ** 2', -4],
    ['1 + 2 * 3', 7],
    ['reduce(1..9, # + #acc)', 45],
    ['reduce(1..9, #acc + #index, 100)', 136],
    ['sum(1..3, # * 10)', 60],
    ['groupBy(1..9, # % 2)[0]', [2, 4, 6, 8]],
    ['groupBy(1..3, # > 1)[true]', [2, 3]],
    ['sortBy([{v: 3}, {v: 1}, {v: 2}], .v) | map(.v)', [1, 2, 3]],
    ['sortBy([{v: 3}, {v: 1}, {v: 2}], .v, "desc") | map(.v)', [3, 2, 1]],
    ['one([1, 2, 3], # == 2)', true],
    ['none([1, 2, 3], # > 5)', true],
    ['any([1, 2, 3], # > 2)', true],
    ['false or 5', 5],
    ['true and "x"', 'x'],
  ];
  for (const [src, want] of cases) {
    it(`evaluates ${src}`, () => {
      for (const backend of BACKENDS) expect(run(src, backend), backend).toEqual(want);
    });
  }
});

describe('compileExpr rejects what expr-lang rejects', () => {
  it('reports unknown names when compiling', () => {
    expect(() => compile('foo + 1')).toThrow(ExprSyntaxError);
    expect(() => compile('foo + 1')).toThrow(/unknown name foo/);
    expect(() => compile('Nope(1)')).toThrow(/unknown name Nope/);
  });

  it('points at the column of a syntax error with a caret', () => {
    try {
      compile('Int + )');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExprSyntaxError);
      const e = err as ExprSyntaxError;
      expect(e.code).toBe('HERD_EXPR_SYNTAX');
      expect(e.line).toBe(1);
      expect(e.column).toBe(7);
      expect(e.message).toContain('unexpected token Bracket(")") (1:7)\n | Int + )\n | ......^');
    }
  });

  it('counts lines and columns in multi-line expressions', () => {
    try {
      compile('Int == 1 &&\n  String ==');
      expect.unreachable();
    } catch (err) {
      const e = err as ExprSyntaxError;
      expect([e.line, e.column]).toEqual([2, 12]);
      expect(e.detail).toBe('unexpected token EOF');
    }
  });

  it('checks the arity of builtins when compiling', () => {
    expect(() => compile('len()')).toThrow(/invalid number of arguments \(expected 1, got 0\)/);
    expect(() => compile('trim()')).toThrow(/not enough arguments to call trim/);
    expect(() => compile('string(1, 2)')).toThrow(/too many arguments to call string/);
    expect(() => compile('max()')).toThrow(/not enough arguments to call max/);
  });

  it('refuses to mix ?? with other operators without parentheses', () => {
    expect(() => compile('NilAny ?? 1 + 2')).toThrow(/cannot be mixed/);
    expect(run('(NilAny ?? 1) + 2')).toBe(3);
  });

  it('turns trees too deep to compile into a syntax error', () => {
    expect(() => compileExpr(Array(4000).fill('x').join(' + '), { variables: ['x'], regex })).toThrow(ExprSyntaxError);
  });

  it('rejects an invalid constant regex when compiling', () => {
    expect(() => compile('String matches "(("')).toThrow(ExprSyntaxError);
  });

  it('fails at run time with a located ExprRuntimeError', () => {
    const cases: [string, RegExp][] = [
      ['NilAny.foo', /cannot fetch foo from <nil>/],
      ['1 % 0', /integer divide by zero/],
      ['ArrayOfAny[-7]', /index out of range: -3 \(array length is 4\)/],
      ['"a" + 1', /invalid operation: string \+ int/],
      ['1.5 % 2', /invalid operation: float64 % int/],
      ['nil and true', /interface conversion: interface \{\} is <nil>, not bool/],
      ['not "x"', /not bool/],
      ['NilAny contains "a"', /not string/],
      ['Foo.Nope', /cannot fetch Nope from Foo/],
      ['Foo.Nope()', /has no method Nope/],
      ['len(1)', /invalid argument for len \(type int\)/],
      ['int("abc")', /invalid operation: int\(abc\)/],
    ];
    for (const [src, message] of cases) {
      for (const backend of BACKENDS) {
        const expr = compile(src, backend);
        expect(() => expr.run(env), `${src} (${backend})`).toThrow(ExprRuntimeError);
        expect(() => expr.run(env), `${src} (${backend})`).toThrow(message);
      }
    }
  });

  it('places the caret of a run-time error under the failing node', () => {
    for (const backend of BACKENDS) {
      try {
        run('ArrayOfAny[-7]', backend);
        expect.unreachable();
      } catch (err) {
        expect((err as ExprRuntimeError).message).toContain(
          'index out of range: -3 (array length is 4) (1:11)\n | ArrayOfAny[-7]\n | ..........^',
        );
      }
    }
  });
});

describe('compiled expressions are reusable', () => {
  it('gives the same results over many runs with different environments', () => {
    const expr = compile('Meta.log_type == "ssh_failed-auth" && len(ArrayOfInt) > One');
    for (let i = 0; i < 100; i++) {
      const meta = createStringMap({ log_type: i % 2 === 0 ? 'ssh_failed-auth' : 'other' });
      expect(expr.run({ ...env, Meta: meta })).toBe(i % 2 === 0);
    }
  });

  it('reports the static kind of the result', () => {
    for (const backend of BACKENDS) {
      expect(compile('1 + 2', backend).resultKind).toBe('int');
      expect(compile('1 / 2', backend).resultKind).toBe('float');
      expect(compile('One / Two', backend).resultKind).toBe('float');
      expect(compile('String + "x"', backend).resultKind).toBe('any');
      expect(compile('string(One)', backend).resultKind).toBe('string');
    }
  });

  it('keeps its state apart when a run re-enters the same expression through a helper', () => {
    const holder: { expr?: CompiledExpr } = {};
    const expr = compileExpr('let x = n * 10; again(n) + x + sum(1..n, # * x)', {
      variables: ['n'],
      functions: { again: (n) => ((n as number) > 0 ? holder.expr!.run({ n: (n as number) - 1 }) : 0) },
      regex,
    });
    holder.expr = expr;
    const model = (n: number): number => (n > 0 ? model(n - 1) : 0) + n * 10 + (n * (n + 1) * n * 10) / 2;
    expect(expr.run({ n: 3 })).toBe(model(3));
  });

  it('names the origin of the expression in run-time errors', () => {
    const expr = compileExpr('x.y', { variables: ['x'], regex, origin: 'scenarios/ssh-bf.yaml:4 filter' });
    expect(() => expr.run({ x: null })).toThrow(/^scenarios\/ssh-bf.yaml:4 filter: cannot fetch y from <nil> \(1:3\)/);
  });

  it('keeps inherited names out of StringMaps', () => {
    const meta = createStringMap({ a: '1' });
    meta['__proto__'] = 'p';
    const run1 = (src: string) => compileExpr(src, { variables: ['m'], regex }).run({ m: meta });
    expect(run1('m.constructor')).toBe('');
    expect(run1('m.toString')).toBe('');
    expect(run1('m["__proto__"]')).toBe('p');
    expect(run1('"constructor" in m')).toBe(false);
    expect(run1('keys(m)')).toEqual(['a', '__proto__']);
  });

  it('reads now() from the injected clock', () => {
    expect(run('now().Year()')).toBe(2024);
    expect(run('now().Format("2006-01-02T15:04:05Z07:00")')).toBe('2024-01-02T03:04:05Z');
  });
});
