import { describe, expect, it } from 'vitest';
import { goMarshalJSON, goUnmarshalJSON } from './go-json.js';
import { GoDuration } from './go-duration.js';
import { GoTime } from './go-time.js';
import { createStringMap } from './values.js';

describe('goMarshalJSON is encoding/json Marshal', () => {
  it('sorts map keys and keeps struct field order', () => {
    expect(goMarshalJSON({ b: 1, a: [1, 'x', null, true] })).toBe('{"a":[1,"x",null,true],"b":1}');
    expect(goMarshalJSON(createStringMap({ z: '1', a: '2' }))).toBe('{"a":"2","z":"1"}');
    class S {
      Zed = 1;
      Alpha = 'a';
    }
    expect(goMarshalJSON(new S())).toBe('{"Zed":1,"Alpha":"a"}');
  });

  it('escapes HTML characters and line separators as Go does', () => {
    expect(goMarshalJSON('<a&b>')).toBe('"\\u003ca\\u0026b\\u003e"');
    expect(goMarshalJSON('\u2028\u2029')).toBe('"\\u2028\\u2029"');
    expect(goMarshalJSON('a\nb\t\u0001"\\')).toBe('"a\\nb\\t\\u0001\\"\\\\"');
    expect(goMarshalJSON('\ud800x')).toBe('"\\ufffdx"');
  });

  it('writes floats like Go and refuses NaN', () => {
    expect(goMarshalJSON(1e21)).toBe('1e+21');
    expect(goMarshalJSON(1e20)).toBe('100000000000000000000');
    expect(goMarshalJSON(1e-7)).toBe('1e-7');
    expect(goMarshalJSON(0.5)).toBe('0.5');
    expect(() => goMarshalJSON(NaN)).toThrow(/unsupported value: NaN/);
  });

  it('indents like MarshalIndent', () => {
    expect(goMarshalJSON({ foo: 1, bar: 2 }, '  ')).toBe('{\n  "bar": 2,\n  "foo": 1\n}');
    expect(goMarshalJSON({ a: [], b: {}, c: [1] }, '  ')).toBe('{\n  "a": [],\n  "b": {},\n  "c": [\n    1\n  ]\n}');
  });

  it('writes durations as nanoseconds and times as RFC 3339', () => {
    expect(goMarshalJSON(new GoDuration(1500))).toBe('1500');
    expect(goMarshalJSON(GoTime.date(2023, 10, 10, 13, 55, 36, 123e6))).toBe('"2023-10-10T13:55:36.123Z"');
  });

  it('reads JSON into plain maps and float numbers', () => {
    expect(goUnmarshalJSON('{"a":[1,2.5,"x",null]}')).toEqual({ a: [1, 2.5, 'x', null] });
    expect(() => goUnmarshalJSON('{')).toThrow();
  });
});
