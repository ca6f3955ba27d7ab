import { describe, expect, it } from 'vitest';
import { formatValue, goQuote } from './go-fmt.js';
import { goSprintf } from './go-sprintf.js';
import { formatFloat, parseGoFloat, parseGoInt } from './go-number.js';
import { GoDuration } from './go-duration.js';
import { createStringMap } from './values.js';

describe('formatFloat prints like strconv.FormatFloat', () => {
  const cases: [number, 'e' | 'E' | 'f' | 'g' | 'G', number, string][] = [
    [1e6, 'g', -1, '1e+06'],
    [123456, 'g', -1, '123456'],
    [123456789, 'g', -1, '1.23456789e+08'],
    [0.0001, 'g', -1, '0.0001'],
    [0.00001, 'g', -1, '1e-05'],
    [1e21, 'g', -1, '1e+21'],
    [1e100, 'g', -1, '1e+100'],
    [3, 'g', -1, '3'],
    [0.1 + 0.2, 'g', -1, '0.30000000000000004'],
    [5e-324, 'g', -1, '5e-324'],
    [1.7976931348623157e308, 'g', -1, '1.7976931348623157e+308'],
    [0, 'g', -1, '0'],
    [-0, 'g', -1, '-0'],
    [NaN, 'g', -1, 'NaN'],
    [Infinity, 'g', -1, '+Inf'],
    [-Infinity, 'f', 2, '-Inf'],
    [3.14159, 'f', 6, '3.141590'],
    [2.675, 'f', 2, '2.67'],
    [0.125, 'f', 2, '0.12'],
    [0.375, 'f', 2, '0.38'],
    [0.5, 'f', 0, '0'],
    [1.5, 'f', 0, '2'],
    [2.5, 'f', 0, '2'],
    [1234.5678, 'e', 6, '1.234568e+03'],
    [0, 'e', 6, '0.000000e+00'],
    [1234.5678, 'g', 3, '1.23e+03'],
    [1234.5678, 'g', -1, '1234.5678'],
    [100000, 'g', 3, '1e+05'],
    [0.000012345, 'g', 2, '1.2e-05'],
    [123.0, 'g', 10, '123'],
    [1e-7, 'e', -1, '1e-07'],
    [12345.678, 'E', 1, '1.2E+04'],
    [1e22, 'f', -1, '10000000000000000000000'],
    [0.1, 'f', 20, '0.10000000000000000555'],
  ];
  for (const [x, fmt, prec, want] of cases) {
    it(`formats ${x} with '${fmt}' and precision ${prec} as ${want}`, () => {
      expect(formatFloat(x, fmt, prec)).toBe(want);
    });
  }
});

describe('Go number parsing', () => {
  it('parses floats as strconv.ParseFloat', () => {
    expect(parseGoFloat('1e3')).toBe(1000);
    expect(parseGoFloat('.5')).toBe(0.5);
    expect(parseGoFloat('5.')).toBe(5);
    expect(parseGoFloat('-Inf')).toBe(-Infinity);
    expect(parseGoFloat('infinity')).toBe(Infinity);
    expect(Number.isNaN(parseGoFloat('NaN'))).toBe(true);
    expect(parseGoFloat('0x1p-2')).toBe(0.25);
    for (const bad of ['', 'abc', ' 1', '1_000', '1e', '.', '1e400', '--1']) expect(parseGoFloat(bad), bad).toBeNull();
  });

  it('parses ints as strconv.Atoi', () => {
    expect(parseGoInt('42')).toBe(42);
    expect(parseGoInt('-7')).toBe(-7);
    expect(parseGoInt('+3')).toBe(3);
    expect(parseGoInt('007')).toBe(7);
    expect(parseGoInt('9223372036854775807')).toBe(9223372036854775807);
    for (const bad of ['1.0', '', ' 1', '0x10', '9223372036854775808']) expect(parseGoInt(bad), bad).toBeNull();
  });
});

describe('formatValue prints like %v', () => {
  it('prints scalars, arrays and maps as Go does', () => {
    expect(formatValue(null)).toBe('<nil>');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(42)).toBe('42');
    expect(formatValue(3, 'float')).toBe('3');
    expect(formatValue(1e6, 'float')).toBe('1e+06');
    expect(formatValue(1e6)).toBe('1000000');
    expect(formatValue(1.5)).toBe('1.5');
    expect(formatValue([1, 'a', null, [true]])).toBe('[1 a <nil> [true]]');
    expect(formatValue({ b: 1, a: 2 })).toBe('map[a:2 b:1]');
    expect(formatValue(createStringMap({ z: 'x', y: 'w' }))).toBe('map[y:w z:x]');
    expect(formatValue(new GoDuration(90e9))).toBe('1m30s');
  });

  it('stops at a value that contains itself', () => {
    const a: unknown[] = [1];
    a.push(a);
    expect(formatValue(a)).toBe('[1 {...}]');
  });

  it('prints struct fields in order, with names for %+v', () => {
    class Point {
      X = 1;
      Y = 'two';
    }
    expect(formatValue(new Point())).toBe('{1 two}');
    expect(formatValue(new Point(), 'any', true)).toBe('{X:1 Y:two}');
  });
});

describe('goSprintf is fmt.Sprintf', () => {
  const cases: [string, unknown[], string][] = [
    ['%v', [1e6 + 0.5], '1.0000005e+06'],
    ['%d', [42], '42'],
    ['%5d|', [42], '   42|'],
    ['%-5d|', [42], '42   |'],
    ['%05d', [42], '00042'],
    ['%05d', [-42], '-0042'],
    ['%+d', [42], '+42'],
    ['%x', [255], 'ff'],
    ['%X', [255], 'FF'],
    ['%#x', [255], '0xff'],
    ['%x', [-255], '-ff'],
    ['%o', [8], '10'],
    ['%b', [5], '101'],
    ['%c', [65], 'A'],
    ['%q', [97], "'a'"],
    ['%U', [0x1f600], 'U+1F600'],
    ['%t', [true], 'true'],
    ['%f', [3.14159], '3.141590'],
    ['%.2f', [3.14159], '3.14'],
    ['%6.2f|', [3.14159], '  3.14|'],
    ['%08.3f', [-3.14159], '-003.142'],
    ['%+.1e', [12345.678], '+1.2e+04'],
    ['%e', [1234.5678], '1.234568e+03'],
    ['%g', [1234.5678], '1234.5678'],
    ['%.3g', [1234.5678], '1.23e+03'],
    ['%g', [1e-7], '1e-07'],
    ['%f', [Infinity], '+Inf'],
    ['%s', ['hello'], 'hello'],
    ['%10s|', ['hi'], '        hi|'],
    ['%-10s|', ['hi'], 'hi        |'],
    ['%.2s', ['hello'], 'he'],
    ['%q', ['hi\n"x"'], '"hi\\n\\"x\\""'],
    ['%q', ['héllo'], '"héllo"'],
    ['%+q', ['héllo'], '"h\\u00e9llo"'],
    ['%#q', ['hi'], '`hi`'],
    ['%x', ['hello'], '68656c6c6f'],
    ['% x', ['hi'], '68 69'],
    ['%X', ['hi'], '6869'],
    ['%v', [[1, 'a']], '[1 a]'],
    ['%d', [[1, 2]], '[1 2]'],
    ['%v', [{ b: 1, a: 2 }], 'map[a:2 b:1]'],
    ['%v', [null], '<nil>'],
    ['%s', [null], '%!s(<nil>)'],
    ['%d', [null], '%!d(<nil>)'],
    ['%d', ['x'], '%!d(string=x)'],
    ['%s', [5], '%!s(int=5)'],
    ['%d', [1.5], '%!d(float64=1.5)'],
    ['%d', [], '%!d(MISSING)'],
    ['%d', [1, 2], '1%!(EXTRA int=2)'],
    ['%d %s', [1, 'a', 'b', null], '1 a%!(EXTRA string=b, <nil>)'],
    ['100%%', [], '100%'],
    ['%', [], '%!(NOVERB)'],
    ['%[2]d %[1]d', [1, 2], '2 1'],
    ['%[3]d', [1, 2], '%!d(BADINDEX)'],
    ['%*d', [5, 42], '   42'],
    ['%-*d|', [5, 42], '42   |'],
    ['%.*f', [2, 3.14159], '3.14'],
    ['%T %T %T %T', ['x', 1, 1.5, null], 'string int float64 <nil>'],
    ['%v', [new GoDuration(1.5e9)], '1.5s'],
    ['%s', [new GoDuration(1.5e9)], '1.5s'],
    ['%z', [1], '%!z(int=1)'],
  ];
  for (const [format, args, want] of cases) {
    it(`formats ${JSON.stringify(format)} with ${JSON.stringify(args)}`, () => {
      expect(goSprintf(format, args)).toBe(want);
    });
  }

  it('quotes like strconv.Quote', () => {
    expect(goQuote('a\tb\u0001\u007f€😀')).toBe('"a\\tb\\x01\\x7f€😀"');
    expect(goQuote('\u00a0')).toBe('"\\u00a0"');
    expect(goQuote('😀', true)).toBe('"\\U0001f600"');
  });
});
