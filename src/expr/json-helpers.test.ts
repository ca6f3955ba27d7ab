import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { compileExpr } from './compile-expr.js';
import { jsonHelpers, jsonPath } from './json-helpers.js';
import { unescapeJson } from './json-parser.js';

const functions = jsonHelpers();

function run(src: string, env: Record<string, unknown> = {}): unknown {
  return compileExpr(src, { variables: Object.keys(env), functions, regex: (s) => new RE2(s) }).run(env);
}

const extract = (blob: string, target: string): unknown => functions.JsonExtract!(blob, target);

describe('JsonExtract (jsonparser Get on a dotted path)', () => {
  it("gives CrowdSec's answers for its own tests", () => {
    expect(extract('{"test" : "1234"}', 'test')).toBe('1234');
    expect(extract('{"test" : "1234"}', 'non_existing_field')).toBe('');
    expect(extract('{"test" : {"a": "b"}}', 'test.a')).toBe('b');
  });

  it('gives the raw text of any value: numbers as written, null, booleans, objects and arrays', () => {
    const blob = '{"n": 1.50, "z": null, "t": true, "o": {"x": [1, 2]}, "a": ["s", {"k": "v"}], "e": ""}';
    expect(extract(blob, 'n')).toBe('1.50');
    expect(extract(blob, 'z')).toBe('null');
    expect(extract(blob, 't')).toBe('true');
    expect(extract(blob, 'o')).toBe('{"x": [1, 2]}');
    expect(extract(blob, 'o.x')).toBe('[1, 2]');
    expect(extract(blob, 'o.x[1]')).toBe('2');
    expect(extract(blob, 'a[0]')).toBe('s');
    expect(extract(blob, 'a[1].k')).toBe('v');
    expect(extract(blob, 'a[2]')).toBe('');
    expect(extract(blob, 'a[-1]')).toBe('');
    expect(extract(blob, 'e')).toBe('');
    expect(extract('[{"a": 1}, {"a": 2}]', '[1].a')).toBe('2');
  });

  it('keeps string escapes (JsonExtractUnescape decodes them)', () => {
    const blob = String.raw`{"a": "x\"y\\z\u00e9\n", "b\"c": 1}`;
    expect(extract(blob, 'a')).toBe(String.raw`x\"y\\z\u00e9\n`);
    expect(functions.JsonExtractUnescape!(blob, 'a')).toBe('x"y\\zé\n');
    // Keys are compared unescaped.
    expect(extract(blob, 'b"c')).toBe('1');
  });

  it('finds keys only at their level, skipping other objects and arrays', () => {
    expect(extract('{"x": {"a": 1}, "a": 2}', 'a')).toBe('2');
    expect(extract('{"a": {"x": {"b": 1}, "b": 2}}', 'a.b')).toBe('2');
    expect(extract('{"a": {"c": 1}, "x": {"b": 2}}', 'a.b')).toBe('');
    expect(extract('{"a": [{"b": 1}], "b": 3}', 'b')).toBe('3');
    expect(extract('{"a": [{"b": 1}]}', 'a.b')).toBe('');
  });

  it('answers like jsonparser on broken JSON: what it can slice, else ""', () => {
    expect(extract('{"a": "b"', 'a')).toBe('b');
    expect(extract('{"a": 1', 'a')).toBe('1');
    expect(extract('{"test: "11234"}', 'foo')).toBe('');
    expect(extract('{"a": "unterminated', 'a')).toBe('');
    expect(extract('{"a": {"b": 1}', 'a')).toBe('{"b": 1}');
    expect(extract('{"a": {"b": 1', 'a')).toBe('');
    expect(extract('{"a": undefined}', 'a')).toBe('');
    expect(extract('{"a": nul}', 'a')).toBe('');
    expect(extract('{"a": -x}', 'a')).toBe('-x');
    expect(extract('not json at all', 'a')).toBe('');
    expect(extract('', 'a')).toBe('');
    expect(extract('"a": 1', 'a')).toBe('');
    expect(extract('{"a": [1, : 2], "b": 3}', 'b')).toBe('3');
  });

  it('fails the expression where Go panics (an empty path component before an array)', () => {
    expect(() => run('JsonExtract(\'{"a": [1]}\', "a.")')).toThrow(/index out of range \[0\] with length 0/);
  });

  it('splits paths as CrowdSec does', () => {
    expect(jsonPath('a.b[0].c')).toEqual(['a', 'b', '[0]', 'c']);
    expect(jsonPath('[0].a')).toEqual(['[0]', 'a']);
    expect(jsonPath('[0][1]')).toEqual(['[0][1]']);
    expect(jsonPath('')).toEqual(['']);
  });

  type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
  const key = fc.constantFrom('a', 'b', 'c', 'é', 'x y', 'q"', 'bs\\');
  const { tree } = fc.letrec<{ tree: Json; leaf: Json }>((tie) => ({
    leaf: fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ unit: 'binary', maxLength: 6 })),
    tree: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(key, tie('tree'), { maxKeys: 4 })),
  }));

  /** Every path to a value: [steps, value]. */
  function paths(v: Json, prefix: string[] = []): [string[], Json][] {
    const out: [string[], Json][] = [];
    if (Array.isArray(v)) v.forEach((x, i) => out.push([[...prefix, `[${i}]`], x], ...paths(x, [...prefix, `[${i}]`])));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([[...prefix, k], x], ...paths(x, [...prefix, k]));
    return out;
  }

  it('finds every value of valid JSON by its path, as its JSON text (property)', () => {
    fc.assert(
      fc.property(tree, (doc) => {
        const blob = JSON.stringify(doc);
        for (const [steps, value] of paths(doc)) {
          const text = JSON.stringify(value);
          const r = functions.JsonExtractLib!(blob, steps);
          expect(r).toBe(typeof value === 'string' ? text.slice(1, -1) : text);
          if (typeof value === 'string' && steps.length === 1) expect(functions.JsonExtractUnescape!(blob, steps[0])).toBe(value);
        }
      }),
      { seed: 11, numRuns: 600 },
    );
  });
});

describe('JsonExtractUnescape and JsonExtractLib', () => {
  it("gives CrowdSec's answers for its own tests", () => {
    const blob = String.raw`{"log" : "\"GET /JBNwtQ6i.blt HTTP/1.1\" 200 13 \"-\" \"Craftbot\""}`;
    expect(run('JsonExtractUnescape(blob, "log")', { blob })).toBe('"GET /JBNwtQ6i.blt HTTP/1.1" 200 13 "-" "Craftbot"');
    expect(run('JsonExtractUnescape(\'{"test" : "1234"}\', "non_existing_field")')).toBe('');
  });

  it('uses only its first key, as CrowdSec reads params[1] only', () => {
    expect(run('JsonExtractUnescape(\'{"a": {"b": "x"}, "b": "y"}\', "a", "b")')).toBe('');
    expect(run('JsonExtractUnescape(\'{"a": "x"}\', "a", "zzz")')).toBe('x');
    expect(() => run('JsonExtractUnescape(\'{"a": "x"}\')')).toThrow(/index out of range \[1\] with length 1/);
  });

  it('answers "" for a value that is not a string or holds a bad escape', () => {
    expect(run('JsonExtractUnescape(\'{"a": 1}\', "a")')).toBe('');
    expect(run(String.raw`JsonExtractUnescape('{"a": "\\q"}', "a")`)).toBe('');
    expect(run(String.raw`JsonExtractUnescape('{"a": "\\ud83d"}', "a")`)).toBe('');
    expect(run(String.raw`JsonExtractUnescape('{"a": "\\ud83d\\ude00"}', "a")`)).toBe('😀');
  });

  it('fails JsonExtractLib called with key strings, as its []string assertion does in CrowdSec', () => {
    expect(() => run('JsonExtractLib(\'{"a": 1}\', "a")')).toThrow(/interface conversion: interface \{\} is string, not \[\]string/);
    expect(run('JsonExtractLib(\'{"a": {"b": 2}}\', ["a", "b"])')).toBe('2');
  });

  it("decodes escapes as jsonparser's Unescape", () => {
    expect(unescapeJson(String.raw`a\/b\b\f\n\r\t\"\\`)).toBe('a/b\b\f\n\r\t"\\');
    expect(unescapeJson(String.raw`\u0041\u00E9\u20ac`)).toBe('Aé€');
    expect(unescapeJson(String.raw`\uD83D\uDE00`)).toBe('😀');
    // The second `\u` of a pair is not checked, and a pair past U+10FFFF becomes U+FFFD.
    expect(unescapeJson(String.raw`\uD83DxxDE00`)).toBe('😀');
    expect(unescapeJson(String.raw`\uDC00\uDC00`)).toBe('\ufffd');
    expect(unescapeJson(String.raw`\uD800\u0041`)).toBeNull();
    expect(unescapeJson('trailing\\')).toBeNull();
    expect(unescapeJson(String.raw`\x41`)).toBeNull();
  });
});

describe('JsonExtractSlice and JsonExtractObject', () => {
  it("give CrowdSec's answers for its own tests", () => {
    expect(run('JsonExtractSlice(\'{"test" : "1234"}\', "test")')).toBeNull();
    expect(run('JsonExtractSlice(\'{"test" : ["1234"]}\', "test")')).toEqual(['1234']);
    expect(run('JsonExtractSlice(\'{"test": {"foo": [{"a":"b"}]}}\', "test.foo")')).toEqual([{ a: 'b' }]);
    expect(run('JsonExtractSlice(\'{"test: "11234"}\', "foo")')).toBeNull();
    expect(run('JsonExtractObject(\'{"test" : "1234"}\', "test")')).toBeNull();
    expect(run('JsonExtractObject(\'{"test" : {"1234": {"foo": "bar"}}}\', "test")')).toEqual({ 1234: { foo: 'bar' } });
    expect(run('JsonExtractObject(\'{"test": {"foo": [{"a":"b"}]}}\', "test.foo[0]")')).toEqual({ a: 'b' });
  });

  it('decode with Go typing (numbers are float64) and give nil for text jsonparser slices but JSON refuses', () => {
    expect(run('JsonExtractSlice(\'{"r": [1, 2.5, "x", null, {"k": true}]}\', "r")')).toEqual([1, 2.5, 'x', null, { k: true }]);
    expect(run('JsonExtractSlice(\'{"r": [1, 2,]}\', "r")')).toBeNull();
    expect(run('JsonExtractSlice(\'{"r": []}\', "r")')).toEqual([]);
    expect(run('JsonExtractObject(\'{"o": {"k": 1,}}\', "o")')).toBeNull();
  });
});

describe('UnmarshalJSON', () => {
  const cases: [string, unknown][] = [
    ['42', 42],
    ['["foo","bar"]', ['foo', 'bar']],
    ['{"foo":"bar"}', { foo: 'bar' }],
    ['{"Foo":"bar","Bar":{"Baz":"baz"},"Bla":["foo","bar"]}', { Foo: 'bar', Bar: { Baz: 'baz' }, Bla: ['foo', 'bar'] }],
  ];
  for (const [json, want] of cases) {
    it(`writes ${json} into the target map under the key`, () => {
      const out = Object.create(null) as Record<string, unknown>;
      expect(run("UnmarshalJSON(json, out, 'a')", { json, out })).toBeNull();
      expect(out.a).toEqual(want);
    });
  }

  it('lets later expressions read what it decoded', () => {
    const evt = { Unmarshaled: Object.create(null) as Record<string, unknown> };
    run('UnmarshalJSON(\'{"request": {"method": "GET", "size": 10}}\', evt.Unmarshaled, "caddy")', { evt });
    expect(run('evt.Unmarshaled.caddy.request.method + string(evt.Unmarshaled.caddy.request.size)', { evt })).toBe('GET10');
  });

  it('fails the expression on invalid JSON, and on a target that is not a map', () => {
    const out = Object.create(null) as Record<string, unknown>;
    expect(() => run("UnmarshalJSON('{nope', out, 'a')", { out })).toThrow();
    expect(out).toEqual({});
    expect(() => run("UnmarshalJSON('1', 'text', 'a')")).toThrow(/not map\[string\]interface \{\}/);
  });
});
