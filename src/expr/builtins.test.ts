import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr } from './compile-expr.js';
import { ExprRuntimeError } from './errors.js';
import { GoDuration } from './go-duration.js';
import { GoTime } from './go-time.js';

const env: Record<string, unknown> = {
  ArrayOfString: ['foo', 'bar', 'baz'],
  ArrayOfInt: [1, 2, 3],
  ArrayOfAny: [1, '2', true],
  ArrayOfFoo: [{ Value: 'a' }, { Value: 'b' }, { Value: 'c' }],
  Nil: null,
};

function run(src: string): unknown {
  return compileExpr(src, {
    variables: Object.keys(env),
    regex: (s) => new RE2(s),
    clock: new ManualClock(Date.UTC(2024, 4, 6, 7, 8, 9)),
  }).run(env);
}

describe('expr-lang builtins', () => {
  const cases: [string, unknown][] = [
    ['len(1..10)', 10],
    ['len({foo: 1, bar: 2})', 2],
    ['len("hello")', 5],
    ['len("héllo")', 5],
    ['abs(-5)', 5],
    ['abs(.5)', 0.5],
    ['abs(-.5)', 0.5],
    ['ceil(5.5)', 6],
    ['ceil(5)', 5],
    ['floor(5.5)', 5],
    ['round(5.5)', 6],
    ['round(-2.5)', -3],
    ['round(5.49)', 5],
    ['int(5.5)', 5],
    ['int(-5.5)', -5],
    ['int("5")', 5],
    ['float(5)', 5],
    ['float("5.5")', 5.5],
    ['string(5)', '5'],
    ['string(5.5)', '5.5'],
    ['string(1000000.0)', '1e+06'],
    ['string(1000000)', '1000000'],
    ['string(ceil(1000000))', '1e+06'],
    ['string(float(1000000))', '1e+06'],
    ['string(nil)', '<nil>'],
    ['string([1, "a", true])', '[1 a true]'],
    ['string({b: 1, a: 2})', 'map[a:2 b:1]'],
    ['string(duration("90m"))', '1h30m0s'],
    ['type(1)', 'int'],
    ['type(1.0)', 'float'],
    ['type(ceil(2))', 'float'],
    ['type(max(1.5, 2))', 'int'],
    ['type("a")', 'string'],
    ['type(nil)', 'nil'],
    ['type([1])', 'array'],
    ['type({a: 1})', 'map'],
    ['type(true)', 'bool'],
    ['type(duration("1s"))', 'time.Duration'],
    ['type(now())', 'time.Time'],
    ['trim("  foo  ")', 'foo'],
    ['trim("__foo___", "_")', 'foo'],
    ['trimPrefix("prefix_foo", "prefix_")', 'foo'],
    ['trimPrefix(" foo")', 'foo'],
    ['trimSuffix("foo_suffix", "_suffix")', 'foo'],
    ['upper("foo")', 'FOO'],
    ['lower("FOO")', 'foo'],
    ['split("foo,bar,baz", ",")', ['foo', 'bar', 'baz']],
    ['split("foo,bar,baz", ",", 2)', ['foo', 'bar,baz']],
    ['splitAfter("foo,bar,baz", ",")', ['foo,', 'bar,', 'baz']],
    ['splitAfter("foo,bar,baz", ",", 2)', ['foo,', 'bar,baz']],
    ['replace("foo,bar,baz", ",", ";")', 'foo;bar;baz'],
    ['replace("foo,bar,baz,goo", ",", ";", 2)', 'foo;bar;baz,goo'],
    ['repeat("foo", 3)', 'foofoofoo'],
    ['join(ArrayOfString, ",")', 'foo,bar,baz'],
    ['join(ArrayOfString)', 'foobarbaz'],
    ['join(["foo", "bar", "baz"], ",")', 'foo,bar,baz'],
    ['indexOf("foo,bar,baz", ",")', 3],
    ['indexOf("héllo", "l")', 3],
    ['lastIndexOf("foo,bar,baz", ",")', 7],
    ['hasPrefix("foo,bar,baz", "foo")', true],
    ['hasSuffix("foo,bar,baz", "baz")', true],
    ['max(1, 2, 3)', 3],
    ['max(1.5, 2.5, 3.5)', 3.5],
    ['max([1, 2, 3])', 3],
    ['max([1, 2, 4, 10], 20, [29, 23, -19])', 29],
    ['min([1, 2, 4, 10], 20, [29, 23, -19])', -19],
    ['min(-1, [1.5, 2.5, 3.5])', -1],
    ['sum(1..9)', 45],
    ['sum([.5, 1.5, 2.5])', 4.5],
    ['sum([])', 0],
    ['sum([1, 2, 3.0, 4])', 10],
    ['mean(1..9)', 5],
    ['mean([])', 0],
    ['mean([1, 2, 3.0, 4])', 2.5],
    ['mean(10, [1, 2, 3], 1..9)', 4.6923076923076925],
    ['mean(-10, [1, 2, 3, 4])', 0],
    ['mean(10.9, 1..9)', 5.59],
    ['median(1..9)', 5],
    ['median([])', 0],
    ['median([1, 2, 3, 4])', 2.5],
    ['median(10, [1, 2, 3], 1..9)', 4],
    ['median(-10, [1, 2, 3, 4])', 2],
    ['median(1..5, 4.9)', 3.5],
    ['toJSON({foo: 1, bar: 2})', '{\n  "bar": 2,\n  "foo": 1\n}'],
    ['fromJSON("[1, 2, 3]")', [1, 2, 3]],
    ['toBase64("hello")', 'aGVsbG8='],
    ['fromBase64("aGVsbG8=")', 'hello'],
    ['duration("1h").Seconds()', 3600],
    ['date("2006-01-02T15:04:05Z").Unix()', 1136214245],
    ['date("2006.01.02", "2006.01.02").Format("2006-01-02 15:04")', '2006-01-02 00:00'],
    ['date("2023-04-23T00:30:00", "2006-01-02T15:04:05", "America/Chicago").Format("2006-01-02")', '2023-04-23'],
    ['date("2023-04-23T00:30:00", "2006-01-02T15:04:05", "America/Chicago").Unix()', 1682227800],
    ['date("2023-04-23", "2006-01-02", "America/Chicago").Format("2006-01-02")', '2023-04-23'],
    ['timezone("UTC").String()', 'UTC'],
    ['date(timezone("America/Chicago"), "2023-04-23T00:30:00", "2006-01-02T15:04:05").Unix()', 1682227800],
    ['now(timezone("Asia/Tokyo")).Hour()', 16],
    ['now(timezone("Asia/Tokyo")).Format("-07:00")', '+09:00'],
    ['timezone("Europe/Moscow").String()', 'Europe/Moscow'],
    ['now().Format("2006-01-02T15:04:05Z07:00")', '2024-05-06T07:08:09Z'],
    ['now() - duration("1h") < now()', true],
    ['first(ArrayOfString)', 'foo'],
    ['first(ArrayOfAny)', 1],
    ['first([])', null],
    ['first(Nil)', null],
    ['last(ArrayOfAny)', true],
    ['last([])', null],
    ['get(ArrayOfString, 1)', 'bar'],
    ['get(ArrayOfString, 99)', null],
    ['get(ArrayOfInt, -1)', 3],
    ['get({foo: 1, bar: 2}, "foo")', 1],
    ['get({foo: 1, bar: 2}, "unknown")', null],
    ['take(ArrayOfString, 2)', ['foo', 'bar']],
    ['take(ArrayOfString, 99)', ['foo', 'bar', 'baz']],
    ['"foo" in keys({foo: 1, bar: 2})', true],
    ['1 in values({foo: 1, bar: 2})', true],
    ['len(toPairs({foo: 1, bar: 2}))', 2],
    ['len(toPairs({}))', 0],
    ['fromPairs([["foo", 1], ["bar", 2]])', { foo: 1, bar: 2 }],
    ['fromPairs(toPairs({foo: 1, bar: 2})).bar', 2],
    ['groupBy(1..9, # % 2)[1]', [1, 3, 5, 7, 9]],
    ['groupBy(1..3, # > 1 ? nil : "")[nil]', [2, 3]],
    ['groupBy(ArrayOfFoo, .Value).a', [{ Value: 'a' }]],
    ['reduce(1..9, # + #acc, 0)', 45],
    ['reduce([.5, 1.5, 2.5], # + #acc, 0)', 4.5],
    ['reduce([], 5, 0)', 0],
    ['concat(ArrayOfString, ArrayOfInt)', ['foo', 'bar', 'baz', 1, 2, 3]],
    ['concat([1], [nil])', [1, null]],
    ['flatten([["a", "b"], [1, 2, [3, [[[["c", "d"], "e"]]], 4]]])', ['a', 'b', 1, 2, 3, 'c', 'd', 'e', 4]],
    ['uniq([1, 15, "a", 2, 3, 5, 2, "a", 2, "b"])', [1, 15, 'a', 2, 3, 5, 'b']],
    ['uniq([[1, 2], "a", 2, 3, [1, 2], [1, 3]])', [[1, 2], 'a', 2, 3, [1, 3]]],
    ['reverse([1, 2, 3])', [3, 2, 1]],
    ['sort([3, 1, 4])', [1, 3, 4]],
    ['sort([3, 1, 4], "desc")', [4, 3, 1]],
    ['sort(["b", "a"])', ['a', 'b']],
    ['bitor(10, 5)', 15],
    ['bitshr(7, 2)', 1],
    ['bitshr(-5, 1)', -3],
  ];
  for (const [src, want] of cases) {
    it(`evaluates ${src}`, () => {
      expect(run(src)).toEqual(want);
    });
  }

  it('returns Go values for time builtins', () => {
    expect(run('duration("1h30m")')).toEqual(new GoDuration(5400e9));
    const t = run('date("2006-01-02 15:04:05")');
    expect(t).toBeInstanceOf(GoTime);
    expect((t as GoTime).Equal(GoTime.date(2006, 1, 2, 15, 4, 5))).toBe(true);
  });

  it('fails at run time the way expr-lang does', () => {
    const cases: [string, RegExp][] = [
      ['max(1, "2")', /invalid argument for max \(type string\)/],
      ['max([1, "2"])', /invalid argument for max \(type string\)/],
      ['min([1, "2"])', /invalid argument for min \(type string\)/],
      ['median(1..9, "t")', /invalid argument for median \(type string\)/],
      ['mean("s", 1..9)', /invalid argument for mean \(type string\)/],
      ['duration("error")', /invalid duration/],
      ['date("error")', /invalid date/],
      ['date(Nil)', /is <nil>, not string/],
      ['bitnot("1")', /cannot use string as argument \(type int\) to call bitnot/],
      ['bitand("1", 1)', /cannot use string as argument \(type int\) to call bitand/],
      ['bitshr(-5, -2)', /negative shift count -2/],
      ['flatten(1)', /cannot flatten int/],
      ['timezone(Nil)', /cannot use <nil> as argument/],
      ['timezone("Nope/Nowhere")', /unknown time zone Nope\/Nowhere/],
      ['repeat("x", -1)', /expected positive integer/],
      ['repeat("x", 10000000)', /memory budget exceeded/],
      ['fromBase64("!!")', /illegal base64 data/],
      ['sort([1, "a"])', /invalid operation/],
      ['reduce([], # + #acc)', /out of range/],
      ['all(1, # > 0)', /cannot iterate over int/],
      ['filter([1, 2], # + 1)', /not bool/],
      ['0..1000000', /memory budget exceeded/],
      ['upper(1)', /not string/],
      ['sortBy([1], #, "up")', /unknown order/],
    ];
    for (const [src, message] of cases) {
      expect(() => run(src), src).toThrow(ExprRuntimeError);
      expect(() => run(src), src).toThrow(message);
    }
  });

  it('iterates nil as an empty array in predicates', () => {
    expect(run('all(Nil, # > 0)')).toBe(true);
    expect(run('count(Nil, true)')).toBe(0);
  });
});
