import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { GoDuration, formatGoDuration, parseGoDuration } from './go-duration.js';

const NS = 1;
const US = 1e3;
const MS = 1e6;
const S = 1e9;
const M = 60e9;
const H = 3600e9;

describe('parseGoDuration', () => {
  // Go's own table (time_test.go parseDurationTests) and the documented examples.
  it.each([
    ['0', 0],
    ['5s', 5 * S],
    ['30s', 30 * S],
    ['1478s', 1478 * S],
    ['-5s', -5 * S],
    ['+5s', 5 * S],
    ['-0', 0],
    ['+0', 0],
    ['5.0s', 5 * S],
    ['5.6s', 5 * S + 600 * MS],
    ['5.s', 5 * S],
    ['.5s', 500 * MS],
    ['1.0s', 1 * S],
    ['1.00s', 1 * S],
    ['1.004s', 1 * S + 4 * MS],
    ['1.0040s', 1 * S + 4 * MS],
    ['100.00100s', 100 * S + 1 * MS],
    ['10ns', 10 * NS],
    ['11us', 11 * US],
    ['12µs', 12 * US],
    ['12μs', 12 * US],
    ['13ms', 13 * MS],
    ['14s', 14 * S],
    ['15m', 15 * M],
    ['16h', 16 * H],
    ['3h30m', 3 * H + 30 * M],
    ['10.5s4m', 4 * M + 10 * S + 500 * MS],
    ['-2m3.4s', -(2 * M + 3 * S + 400 * MS)],
    ['1h2m3s4ms5us6ns', 1 * H + 2 * M + 3 * S + 4 * MS + 5 * US + 6 * NS],
    ['39h9m14.425s', 39 * H + 9 * M + 14 * S + 425 * MS],
    ['52763797000ns', 52763797000 * NS],
    ['0.3333333333333333333h', 20 * M],
    ['0.100000000000000000000h', 6 * M],
    ['0.830103483285477580700h', 49 * M + 48 * S + 372539827 * NS],
    ['10h', 10 * H],
    ['1h10m10s', 1 * H + 10 * M + 10 * S],
    ['1h15m30.918273645s', 1 * H + 15 * M + 30 * S + 918273645],
  ])('reads %j as %d ns', (text, ns) => {
    expect(parseGoDuration(text)).toBe(ns);
  });

  it('reads values past 2^53 ns through the exact path, then rounds them to a double', () => {
    expect(parseGoDuration('9007199254740993ns')).toBe(2 ** 53); // the nearest double to 2^53 + 1
    expect(parseGoDuration('9223372036854775807ns')).toBe(2 ** 63);
    expect(parseGoDuration('9223372036s854ms775us807ns')).toBe(2 ** 63);
    expect(parseGoDuration('-9223372036854775808ns')).toBe(-(2 ** 63));
    expect(parseGoDuration('-2562047h47m16.854775808s')).toBe(-(2 ** 63));
  });

  it.each([
    '',
    '3',
    '-',
    's',
    '.',
    '-.',
    '.s',
    '+.s',
    '1d',
    '1 s',
    ' 1s',
    '1s ',
    '1S',
    '1sec',
    '00',
    '1.5.5s',
    '\u0085\u0085',
    'hello world',
    '9223372036854775808ns',
    '9223372036854775810ns',
    '-9223372036854775809ns',
    '3000000h',
  ])('rejects %j', (text) => {
    expect(parseGoDuration(text)).toBeNull();
  });
});

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ns'],
    [1100, '1.1µs'],
    [2200 * US, '2.2ms'],
    [3300 * MS, '3.3s'],
    [4 * M + 5 * S, '4m5s'],
    [4 * M + 5001 * MS, '4m5.001s'],
    [5 * H + 6 * M + 7001 * MS, '5h6m7.001s'],
    [8 * M + 1, '8m0.000000001s'],
    [H, '1h0m0s'],
    [1500 * MS, '1.5s'],
    [100 * MS, '100ms'],
    [US, '1µs'],
    [-(M + 30 * S), '-1m30s'],
    [3 * H + 59 * M + 58 * S + 775545958, '3h59m58.775545958s'],
    [1 * H + 2 * M + 300 * MS, '1h2m0.3s'],
    [300 * MS, '300ms'],
    [-1, '-1ns'],
    [999999999, '999.999999ms'],
    [2 ** 63, '2562047h47m16.854775807s'],
    [-(2 ** 63), '-2562047h47m16.854775808s'],
    [1e30, '2562047h47m16.854775807s'],
  ])('prints %d ns as %j', (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });

  it('reads back what it prints, for every integer nanosecond count up to 2^53', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -1e12, max: 1e12 }),
          fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: -1000, max: 1000 }).map((k) => k * S),
        ),
        (ns) => {
          expect(parseGoDuration(formatGoDuration(ns))).toBe(ns);
        },
      ),
      { seed: 1_000_000_007, numRuns: 1000 },
    );
  });
});

describe('GoDuration', () => {
  const d = GoDuration.parse('1h15m30.918273645s') as GoDuration;

  it('rounds as in Go documentation examples', () => {
    const units = ['1ns', '1µs', '1ms', '1s', '2s', '1m', '10m', '1h'].map((u) => GoDuration.parse(u) as GoDuration);
    expect(units.map((m) => d.Round(m).String())).toEqual([
      '1h15m30.918273645s',
      '1h15m30.918274s',
      '1h15m30.918s',
      '1h15m31s',
      '1h15m30s',
      '1h16m0s',
      '1h20m0s',
      '1h0m0s',
    ]);
    expect(units.map((m) => d.Truncate(m).String())).toEqual([
      '1h15m30.918273645s',
      '1h15m30.918273s',
      '1h15m30.918s',
      '1h15m30s',
      '1h15m30s',
      '1h15m0s',
      '1h10m0s',
      '1h0m0s',
    ]);
    expect(d.Round(new GoDuration(0))).toBe(d);
    expect(new GoDuration(-1500 * MS).Round(new GoDuration(S)).String()).toBe('-2s');
    expect(new GoDuration(-1400 * MS).Truncate(new GoDuration(S)).String()).toBe('-1s');
  });

  it('converts to units as Go does', () => {
    expect((GoDuration.parse('4h30m') as GoDuration).Hours()).toBe(4.5);
    expect(d.Minutes()).toBeCloseTo(75.51530456075, 10);
    expect((GoDuration.parse('1m30s') as GoDuration).Seconds()).toBe(90);
    expect((GoDuration.parse('1s') as GoDuration).Milliseconds()).toBe(1000);
    expect((GoDuration.parse('1µs') as GoDuration).Nanoseconds()).toBe(1000);
    expect((GoDuration.parse('1us') as GoDuration).Seconds()).toBe(1e-6);
    expect(new GoDuration(-1999999).Milliseconds()).toBe(-1);
    expect(new GoDuration(-5).Abs().ns).toBe(5);
  });

  it('compares with < and > through valueOf and prints through String', () => {
    const a = GoDuration.parse('90s') as GoDuration;
    const b = GoDuration.parse('2m') as GoDuration;
    expect(a < b).toBe(true);
    expect(b > a).toBe(true);
    expect(`${a}`).toBe('1m30s');
    expect(JSON.stringify({ a })).toBe('{"a":90000000000}');
    expect(GoDuration.parse('nope')).toBeNull();
  });
});
