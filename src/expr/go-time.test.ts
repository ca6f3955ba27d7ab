import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { GoDuration } from './go-duration.js';
// go-time.js first: it must load on its own even though it and go-layout.js import each other.
import { GO_LAYOUTS, GoLayout, GoTime, compileGoLayout, formatGoTime, parseGoTime } from './go-time.js';
import * as layoutModule from './go-layout.js';

const SEED = 2006_01_02;

/** Mon Jan 2 15:04:05.123456789 MST 2006 (-0700): Go's reference time, with nanoseconds. */
const REF = GoTime.date(2006, 1, 2, 15, 4, 5, 123456789, -7 * 3600, 'MST');

describe('GoTime', () => {
  it('reads its calendar fields in the stored offset', () => {
    expect(REF.Year()).toBe(2006);
    expect(REF.Month()).toBe(1);
    expect(REF.Day()).toBe(2);
    expect(REF.Hour()).toBe(15);
    expect(REF.Minute()).toBe(4);
    expect(REF.Second()).toBe(5);
    expect(REF.Nanosecond()).toBe(123456789);
    expect(REF.Weekday()).toBe(1);
    expect(REF.YearDay()).toBe(2);
    expect(REF.Unix()).toBe(1136239445);
    expect(REF.UnixMilli()).toBe(1136239445123);
    expect(REF.UTC().Hour()).toBe(22);
  });

  it('agrees with JS Date on every calendar field, in any offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -8.6e15, max: 8.6e15 }),
        fc.integer({ min: -14 * 3600, max: 14 * 3600 }),
        (ms, off) => {
          const t = GoTime.fromMillis(ms, off);
          const d = new Date(ms + off * 1000);
          expect([t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Weekday()]).toEqual([
            d.getUTCFullYear(),
            d.getUTCMonth() + 1,
            d.getUTCDate(),
            d.getUTCHours(),
            d.getUTCMinutes(),
            d.getUTCSeconds(),
            d.getUTCDay(),
          ]);
          const startOfYear = new Date(0);
          startOfYear.setUTCFullYear(d.getUTCFullYear(), 0, 1);
          startOfYear.setUTCHours(0, 0, 0, 0);
          const dayStart = new Date(d.getTime());
          dayStart.setUTCHours(0, 0, 0, 0);
          expect(t.YearDay()).toBe(Math.round((dayStart.getTime() - startOfYear.getTime()) / 86_400_000) + 1);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('adds and subtracts durations to the nanosecond', () => {
    const t = GoTime.date(2023, 10, 10, 13, 55, 36, 999_999_999, 7200);
    const later = t.Add(GoDuration.parse('1ns') as GoDuration);
    expect(later.MarshalText()).toBe('2023-10-10T13:55:37+02:00');
    expect(later.Sub(t).String()).toBe('1ns');
    expect(t.Add(-1.5e9).MarshalText()).toBe('2023-10-10T13:55:35.499999999+02:00');
    expect(t.Sub(later).ns).toBe(-1);
    expect(later.After(t)).toBe(true);
    expect(t.Before(later)).toBe(true);
    expect(t.Compare(later)).toBe(-1);
    expect(later.Compare(t)).toBe(1);
    expect(t.Equal(t.UTC())).toBe(true);
    expect(t.Compare(t.UTC())).toBe(0);
    expect(t.AddDate(0, 4, 0).MarshalText()).toBe('2024-02-10T13:55:36.999999999+02:00');
    expect(GoTime.date(2023, 1, 31).AddDate(0, 1, 0).MarshalText()).toBe('2023-03-03T00:00:00Z');
  });

  it('knows the zero time', () => {
    const z = GoTime.zero();
    expect(z.IsZero()).toBe(true);
    expect(z.String()).toBe('0001-01-01 00:00:00 +0000 UTC');
    expect(z.MarshalText()).toBe('0001-01-01T00:00:00Z');
    expect(GoTime.fromMillis(0).IsZero()).toBe(false);
  });

  it('prints itself as Go does: String and MarshalText', () => {
    expect(GoTime.date(2009, 11, 10, 23, 0, 0, 0).String()).toBe('2009-11-10 23:00:00 +0000 UTC');
    expect(GoTime.date(2023, 10, 10, 13, 55, 36, 0, 7200).String()).toBe('2023-10-10 13:55:36 +0200 +0200');
    expect(GoTime.date(2023, 10, 10, 13, 55, 36, 5000, -5 * 3600, 'EST').String()).toBe('2023-10-10 13:55:36.000005 -0500 EST');
    expect(GoTime.date(2023, 10, 10, 13, 55, 36, 0, 7200).MarshalText()).toBe('2023-10-10T13:55:36+02:00');
    expect(GoTime.date(2023, 10, 10, 13, 55, 36, 123_000_000).MarshalText()).toBe('2023-10-10T13:55:36.123Z');
    expect(GoTime.date(2023, 10, 10, 13, 55, 36, 100_200_000, -9000).MarshalText()).toBe('2023-10-10T13:55:36.1002-02:30');
    expect(GoTime.date(2023, 10, 10, 13, 55, 36, 1).MarshalText()).toBe('2023-10-10T13:55:36.000000001Z');
    expect(GoTime.date(2023, 10, 10, 13, 55, 36, 0, 0, 'GMT').MarshalText()).toBe('2023-10-10T13:55:36Z');
    expect(JSON.stringify({ t: GoTime.fromMillis(1696946136123) })).toBe('{"t":"2023-10-10T13:55:36.123Z"}');
    expect(`${GoTime.fromMillis(0)}`).toBe('1970-01-01 00:00:00 +0000 UTC');
    expect(GoTime.fromMillis(1.5).extraNs).toBe(500000);
  });

  it('still exports the layout engine, which lives in go-layout.ts', () => {
    expect(GO_LAYOUTS).toBe(layoutModule.GO_LAYOUTS);
    expect(GoLayout).toBe(layoutModule.GoLayout);
    expect(compileGoLayout).toBe(layoutModule.compileGoLayout);
    expect(formatGoTime).toBe(layoutModule.formatGoTime);
    expect(parseGoTime).toBe(layoutModule.parseGoTime);
    expect(parseGoTime(GO_LAYOUTS.DateOnly, '2010-02-04')?.Format(GO_LAYOUTS.RFC1123)).toBe('Thu, 04 Feb 2010 00:00:00 UTC');
  });
});
