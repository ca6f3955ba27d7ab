import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
// go-layout.js first: it must load on its own even though it and go-time.js import each other.
import { GO_LAYOUTS, compileGoLayout, formatGoTime, parseGoTime } from './go-layout.js';
import { GoTime } from './go-time.js';

const SEED = 2006_01_02;

/** Mon Jan 2 15:04:05.123456789 MST 2006 (-0700): Go's reference time, with nanoseconds. */
const REF = GoTime.date(2006, 1, 2, 15, 4, 5, 123456789, -7 * 3600, 'MST');

function fields(t: GoTime | null): string {
  if (t === null) return 'null';
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(t.Year(), 4)}-${p(t.Month())}-${p(t.Day())} ${p(t.Hour())}:${p(t.Minute())}:${p(t.Second())}.${p(t.Nanosecond(), 9)} ${t.offsetSec} ${JSON.stringify(t.zoneName)}`;
}

function same(a: GoTime | null, b: GoTime): void {
  expect(a).not.toBeNull();
  expect([a!.epochMs, a!.extraNs, a!.offsetSec, a!.zoneName]).toEqual([b.epochMs, b.extraNs, b.offsetSec, b.zoneName]);
}

describe('layout elements, formatting', () => {
  const utc = GoTime.date(2006, 1, 2, 15, 4, 5, 123456789);
  const morning = GoTime.date(2006, 12, 31, 0, 7, 9, 0, 5 * 3600 + 30 * 60);
  it.each([
    ['2006', REF, '2006'],
    ['06', REF, '06'],
    ['_2006', REF, '_2006'],
    ['01', REF, '01'],
    ['1', REF, '1'],
    ['Jan', REF, 'Jan'],
    ['January', REF, 'January'],
    ['02', REF, '02'],
    ['_2', REF, ' 2'],
    ['2', REF, '2'],
    ['002', REF, '002'],
    ['__2', REF, '  2'],
    ['__2', morning, '365'],
    ['15', REF, '15'],
    ['03', REF, '03'],
    ['3', REF, '3'],
    ['3 PM', morning, '12 AM'],
    ['04', REF, '04'],
    ['4', REF, '4'],
    ['05', REF, '05'],
    ['5', REF, '5'],
    ['PM', REF, 'PM'],
    ['pm', REF, 'pm'],
    ['pm', morning, 'am'],
    ['Mon', REF, 'Mon'],
    ['Monday', REF, 'Monday'],
    ['Monday', morning, 'Sunday'],
    ['MST', REF, 'MST'],
    ['MST', utc, 'UTC'],
    ['MST', morning, '+0530'],
    ['-0700', REF, '-0700'],
    ['-07:00', REF, '-07:00'],
    ['-07', REF, '-07'],
    ['-070000', REF, '-070000'],
    ['-07:00:00', REF, '-07:00:00'],
    ['-07:00', utc, '+00:00'],
    ['Z0700', REF, '-0700'],
    ['Z07:00', REF, '-07:00'],
    ['Z07', REF, '-07'],
    ['Z070000', REF, '-070000'],
    ['Z07:00:00', REF, '-07:00:00'],
    ['Z0700', utc, 'Z'],
    ['Z07:00', utc, 'Z'],
    ['Z07', utc, 'Z'],
    ['Z070000', utc, 'Z'],
    ['Z07:00:00', utc, 'Z'],
    ['Z07:00', morning, '+05:30'],
    ['.000', REF, '.123'],
    ['.999', REF, '.123'],
    [',000', REF, ',123'],
    [',999', REF, ',123'],
    ['.000000000', REF, '.123456789'],
    ['.999999999', REF, '.123456789'],
    ['.000', morning, '.000'],
    ['.999', morning, ''],
    ['05.99', REF, '05.12'],
    ['Janet Month', REF, 'Janet Month'],
    [GO_LAYOUTS.Layout, REF, "01/02 03:04:05PM '06 -0700"],
    [GO_LAYOUTS.ANSIC, REF, 'Mon Jan  2 15:04:05 2006'],
    [GO_LAYOUTS.UnixDate, REF, 'Mon Jan  2 15:04:05 MST 2006'],
    [GO_LAYOUTS.RubyDate, REF, 'Mon Jan 02 15:04:05 -0700 2006'],
    [GO_LAYOUTS.RFC822, REF, '02 Jan 06 15:04 MST'],
    [GO_LAYOUTS.RFC822Z, REF, '02 Jan 06 15:04 -0700'],
    [GO_LAYOUTS.RFC850, REF, 'Monday, 02-Jan-06 15:04:05 MST'],
    [GO_LAYOUTS.RFC1123, REF, 'Mon, 02 Jan 2006 15:04:05 MST'],
    [GO_LAYOUTS.RFC1123Z, REF, 'Mon, 02 Jan 2006 15:04:05 -0700'],
    [GO_LAYOUTS.RFC3339, REF, '2006-01-02T15:04:05-07:00'],
    [GO_LAYOUTS.RFC3339Nano, REF, '2006-01-02T15:04:05.123456789-07:00'],
    [GO_LAYOUTS.Kitchen, REF, '3:04PM'],
    [GO_LAYOUTS.Stamp, REF, 'Jan  2 15:04:05'],
    [GO_LAYOUTS.StampMilli, REF, 'Jan  2 15:04:05.123'],
    [GO_LAYOUTS.StampMicro, REF, 'Jan  2 15:04:05.123456'],
    [GO_LAYOUTS.StampNano, REF, 'Jan  2 15:04:05.123456789'],
    [GO_LAYOUTS.DateTime, REF, '2006-01-02 15:04:05'],
    [GO_LAYOUTS.DateOnly, REF, '2006-01-02'],
    [GO_LAYOUTS.TimeOnly, REF, '15:04:05'],
  ])('formats %j as %#', (layout, t, expected) => {
    expect(formatGoTime(t, layout)).toBe(expected);
    expect(t.Format(layout)).toBe(expected);
  });

  it('formats the examples of Go documentation', () => {
    const t = GoTime.date(2009, 11, 10, 23, 0, 0, 0);
    expect(t.Format('Monday, January 2, 2006')).toBe('Tuesday, November 10, 2009');
    expect(t.Format('2006/01/02')).toBe('2009/11/10');
    expect(t.Format('3PM')).toBe('11PM');
    expect(t.Format('<2>')).toBe('<10>');
    expect(t.Format('<_2>')).toBe('<10>');
    expect(t.Format('<02>')).toBe('<10>');
    expect(t.Format('04:05')).toBe('00:00');
    expect(t.Format(GO_LAYOUTS.UnixDate)).toBe('Tue Nov 10 23:00:00 UTC 2009');
    expect(t.Format(GO_LAYOUTS.RFC1123)).toBe('Tue, 10 Nov 2009 23:00:00 UTC');
    expect(GoTime.date(2009, 11, 10, 23, 5, 0, 0).Format('3:04')).toBe('11:05');
    expect(GoTime.date(2009, 11, 10, 3, 0, 0, 0).Format('<__2>')).toBe('<314>');
    expect(GoTime.date(2009, 2, 10, 3, 0, 0, 0).Format('<__2> <002>')).toBe('< 41> <041>');
  });
});

describe('layout elements, parsing', () => {
  it.each([
    ['2006', '2010', '2010-01-01 00:00:00.000000000 0 "UTC"'],
    ['06', '10', '2010-01-01 00:00:00.000000000 0 "UTC"'],
    ['06', '69', '1969-01-01 00:00:00.000000000 0 "UTC"'],
    ['06', '68', '2068-01-01 00:00:00.000000000 0 "UTC"'],
    ['x_2006', 'x_2010', '2010-01-01 00:00:00.000000000 0 "UTC"'],
    ['2006 01', '2010 02', '2010-02-01 00:00:00.000000000 0 "UTC"'],
    ['2006 1', '2010 2', '2010-02-01 00:00:00.000000000 0 "UTC"'],
    ['2006 1', '2010 12', '2010-12-01 00:00:00.000000000 0 "UTC"'],
    ['2006 Jan', '2010 feb', '2010-02-01 00:00:00.000000000 0 "UTC"'],
    ['2006 January', '2010 FEBRUARY', '2010-02-01 00:00:00.000000000 0 "UTC"'],
    ['2006 Jan 02', '2010 Feb 04', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006 Jan _2', '2010 Feb  4', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006 Jan _2', '2010 Feb 14', '2010-02-14 00:00:00.000000000 0 "UTC"'],
    ['2006 Jan 2', '2010 Feb 4', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006-01-_2', '2010-02- 4', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006-01-_2', '2010-02-4', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006-__2', '2010-  4', '2010-01-04 00:00:00.000000000 0 "UTC"'],
    ['2006 002', '2010 035', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006 __2', '2010  35', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006 002', '2012 060', '2012-02-29 00:00:00.000000000 0 "UTC"'],
    ['2006 002', '2012 366', '2012-12-31 00:00:00.000000000 0 "UTC"'],
    ['2006-01-02 15', '2010-02-04 21', '2010-02-04 21:00:00.000000000 0 "UTC"'],
    ['2006-01-02 03PM', '2010-02-04 09PM', '2010-02-04 21:00:00.000000000 0 "UTC"'],
    ['2006-01-02 3pm', '2010-02-04 9pm', '2010-02-04 21:00:00.000000000 0 "UTC"'],
    ['2006-01-02 3PM', '2010-02-04 12AM', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006-01-02 3PM', '2010-02-04 12PM', '2010-02-04 12:00:00.000000000 0 "UTC"'],
    ['2006-01-02 15:04', '2010-02-04 21:07', '2010-02-04 21:07:00.000000000 0 "UTC"'],
    ['2006-01-02 15:4:5', '2010-02-04 21:7:9', '2010-02-04 21:07:09.000000000 0 "UTC"'],
    ['Mon 2006-01-02', 'THU 2010-02-04', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['Monday 2006-01-02', 'thursday 2010-02-04', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006-01-02 MST', '2010-02-04 PST', '2010-02-04 00:00:00.000000000 0 "PST"'],
    ['2006-01-02 MST', '2010-02-04 UTC', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006-01-02 MST', '2010-02-04 GMT', '2010-02-04 00:00:00.000000000 0 "GMT"'],
    ['2006-01-02 MST', '2010-02-04 GMT-8', '2010-02-04 00:00:00.000000000 -28800 "GMT-8"'],
    ['2006-01-02 MST', '2010-02-04 CEST', '2010-02-04 00:00:00.000000000 0 "CEST"'],
    ['2006-01-02 MST', '2010-02-04 ChST', '2010-02-04 00:00:00.000000000 0 "ChST"'],
    ['2006-01-02 MST', '2010-02-04 WITA', '2010-02-04 00:00:00.000000000 0 "WITA"'],
    ['2006-01-02 MST', '2010-02-04 +03', '2010-02-04 00:00:00.000000000 0 "+03"'],
    ['2006-01-02 -0700', '2010-02-04 -0800', '2010-02-04 00:00:00.000000000 -28800 ""'],
    ['2006-01-02 -0700', '2010-02-04 +0000', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006-01-02 -07:00', '2010-02-04 +05:30', '2010-02-04 00:00:00.000000000 19800 ""'],
    ['2006-01-02 -07', '2010-02-04 +05', '2010-02-04 00:00:00.000000000 18000 ""'],
    ['2006-01-02 -070000', '2010-02-04 +053015', '2010-02-04 00:00:00.000000000 19815 ""'],
    ['2006-01-02 -07:00:00', '2010-02-04 -05:30:15', '2010-02-04 00:00:00.000000000 -19815 ""'],
    ['2006-01-02 Z0700', '2010-02-04 Z', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006-01-02 Z0700', '2010-02-04 +0100', '2010-02-04 00:00:00.000000000 3600 ""'],
    ['2006-01-02 Z07:00', '2010-02-04 -01:00', '2010-02-04 00:00:00.000000000 -3600 ""'],
    ['2006-01-02 Z07', '2010-02-04 +01', '2010-02-04 00:00:00.000000000 3600 ""'],
    ['2006-01-02 Z070000', '2010-02-04 +010001', '2010-02-04 00:00:00.000000000 3601 ""'],
    ['2006-01-02 Z07:00:00', '2010-02-04 Z', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['2006-01-02 -0700 MST', '2010-02-04 +0100 CET', '2010-02-04 00:00:00.000000000 3600 "CET"'],
    ['2006-01-02 -0700 MST', '2010-02-04 +0000 GMT', '2010-02-04 00:00:00.000000000 0 "GMT"'],
    ['2006-01-02 -0700 MST', '2010-02-04 +0100 UTC', '2010-02-04 00:00:00.000000000 0 "UTC"'],
    ['15:04:05.000', '21:00:57.012', '0000-01-01 21:00:57.012000000 0 "UTC"'],
    ['15:04:05,000', '21:00:57,012', '0000-01-01 21:00:57.012000000 0 "UTC"'],
    ['15:04:05.000', '21:00:57,012', '0000-01-01 21:00:57.012000000 0 "UTC"'],
    ['15:04:05.999', '21:00:57', '0000-01-01 21:00:57.000000000 0 "UTC"'],
    ['15:04:05.999', '21:00:57.0123456789', '0000-01-01 21:00:57.012345678 0 "UTC"'],
    ['15:04:05,999', '21:00:57,5', '0000-01-01 21:00:57.500000000 0 "UTC"'],
    ['15:04:05', '21:00:57.0123', '0000-01-01 21:00:57.012300000 0 "UTC"'],
    ['15:04:05', '21:00:57,0123', '0000-01-01 21:00:57.012300000 0 "UTC"'],
    ['15:04:05 2006', '21:00:57.5 2010', '2010-01-01 21:00:57.500000000 0 "UTC"'],
  ])('parses layout %j over %j as %s', (layout, value, expected) => {
    expect(fields(parseGoTime(layout, value))).toBe(expected);
  });

  // Go's own parse tests (format_test.go), with the local zone as UTC.
  it.each([
    [GO_LAYOUTS.ANSIC, 'Thu Feb  4 21:00:57 2010', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    [GO_LAYOUTS.UnixDate, 'Thu Feb  4 21:00:57 PST 2010', '2010-02-04 21:00:57.000000000 0 "PST"'],
    [GO_LAYOUTS.RubyDate, 'Thu Feb 04 21:00:57 -0800 2010', '2010-02-04 21:00:57.000000000 -28800 ""'],
    [GO_LAYOUTS.RFC850, 'Thursday, 04-Feb-10 21:00:57 PST', '2010-02-04 21:00:57.000000000 0 "PST"'],
    [GO_LAYOUTS.RFC1123, 'Thu, 04 Feb 2010 22:00:57 PDT', '2010-02-04 22:00:57.000000000 0 "PDT"'],
    [GO_LAYOUTS.RFC1123Z, 'Thu, 04 Feb 2010 21:00:57 -0800', '2010-02-04 21:00:57.000000000 -28800 ""'],
    [GO_LAYOUTS.RFC3339, '2010-02-04T21:00:57-08:00', '2010-02-04 21:00:57.000000000 -28800 ""'],
    ['2006-01-02 15:04:05-07', '2010-02-04 21:00:57-08', '2010-02-04 21:00:57.000000000 -28800 ""'],
    [GO_LAYOUTS.ANSIC, 'Thu Feb  4 21:00:57.0 2010', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    [GO_LAYOUTS.UnixDate, 'Thu Feb  4 21:00:57.01 PST 2010', '2010-02-04 21:00:57.010000000 0 "PST"'],
    [GO_LAYOUTS.RubyDate, 'Thu Feb 04 21:00:57.012 -0800 2010', '2010-02-04 21:00:57.012000000 -28800 ""'],
    [GO_LAYOUTS.RFC850, 'Thursday, 04-Feb-10 21:00:57.0123 PST', '2010-02-04 21:00:57.012300000 0 "PST"'],
    [GO_LAYOUTS.RFC1123, 'Thu, 04 Feb 2010 21:00:57.01234 PST', '2010-02-04 21:00:57.012340000 0 "PST"'],
    [GO_LAYOUTS.RFC3339, '2010-02-04T21:00:57.012345678-08:00', '2010-02-04 21:00:57.012345678 -28800 ""'],
    [GO_LAYOUTS.ANSIC, 'Thu Feb 4 21:00:57 2010', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    [GO_LAYOUTS.ANSIC, 'Thu      Feb     4     21:00:57     2010', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    [GO_LAYOUTS.ANSIC, 'THU FEB 4 21:00:57 2010', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    [GO_LAYOUTS.ANSIC, 'thu feb 4 21:00:57 2010', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    ['Mon Jan _2 15:04:05,000 2006', 'Thu Feb  4 21:00:57.012 2010', '2010-02-04 21:00:57.012000000 0 "UTC"'],
    ['2006.01.02.15.04.05.0', '2010.02.04.21.00.57.0', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    ['2006.01.02.15.04.05.00', '2010.02.04.21.00.57.01', '2010-02-04 21:00:57.010000000 0 "UTC"'],
    [
      'Hi Janet, the Month is January: Jan _2 15:04:05 2006',
      'Hi Janet, the Month is February: Feb  4 21:00:57 2010',
      '2010-02-04 21:00:57.000000000 0 "UTC"',
    ],
    [GO_LAYOUTS.UnixDate, 'Fri Feb  5 05:00:57 GMT-8 2010', '2010-02-05 05:00:57.000000000 -28800 "GMT-8"'],
    ['2006-01-02 15:04:05.9999 -0700 MST', '2010-02-04 21:00:57 -0800 PST', '2010-02-04 21:00:57.000000000 -28800 "PST"'],
    ['2006-01-02 15:04:05.9999 -0700 MST', '2010-02-04 21:00:57.012345678 -0800 PST', '2010-02-04 21:00:57.012345678 -28800 "PST"'],
    [GO_LAYOUTS.StampNano, 'Feb  4 21:00:57.012345678', '0000-02-04 21:00:57.012345678 0 "UTC"'],
    ['Jan _2 15:04:05.999', 'Feb  4 21:00:57.012300000', '0000-02-04 21:00:57.012300000 0 "UTC"'],
    ['Jan _2 15:04:05.999999999', 'Feb  4 21:00:57.0123', '0000-02-04 21:00:57.012300000 0 "UTC"'],
    ['2006-01-02 002 15:04:05', '2010-02-04 035 21:00:57', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    ['2006-01 002 15:04:05', '2010-02 035 21:00:57', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    ['2006-002 15:04:05', '2010-035 21:00:57', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    ['200600201 15:04:05', '201003502 21:00:57', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    ['200600204 15:04:05', '201003504 21:00:57', '2010-02-04 21:00:57.000000000 0 "UTC"'],
    ['Jan 2, 2006 at 3:04pm (MST)', 'Feb 3, 2013 at 7:54pm (PST)', '2013-02-03 19:54:00.000000000 0 "PST"'],
    ['2006-Jan-02', '2013-Feb-03', '2013-02-03 00:00:00.000000000 0 "UTC"'],
    [GO_LAYOUTS.RFC3339, '2006-01-02T15:04:05Z', '2006-01-02 15:04:05.000000000 0 "UTC"'],
    [GO_LAYOUTS.RFC3339, '2006-01-02T15:04:05+07:00', '2006-01-02 15:04:05.000000000 25200 ""'],
    [GO_LAYOUTS.Kitchen, '3:04PM', '0000-01-01 15:04:00.000000000 0 "UTC"'],
    [GO_LAYOUTS.DateOnly, '2012-02-29', '2012-02-29 00:00:00.000000000 0 "UTC"'],
    [GO_LAYOUTS.RFC822Z, '02 Jan 06 15:04 -0700', '2006-01-02 15:04:00.000000000 -25200 ""'],
  ])('parses %j over %j as Go does', (layout, value, expected) => {
    expect(fields(parseGoTime(layout, value))).toBe(expected);
  });

  it('prints the parse examples of Go documentation', () => {
    expect(parseGoTime('Jan 2, 2006 at 3:04pm (MST)', 'Feb 3, 2013 at 7:54pm (PST)')?.String()).toBe('2013-02-03 19:54:00 +0000 PST');
    expect(parseGoTime('2006-Jan-02', '2013-Feb-03')?.String()).toBe('2013-02-03 00:00:00 +0000 UTC');
    expect(parseGoTime(GO_LAYOUTS.RFC3339, '2006-01-02T15:04:05Z')?.String()).toBe('2006-01-02 15:04:05 +0000 UTC');
    expect(parseGoTime(GO_LAYOUTS.RFC3339, '2006-01-02T15:04:05+07:00')?.String()).toBe('2006-01-02 15:04:05 +0700 +0700');
    expect(parseGoTime(GO_LAYOUTS.RFC3339, '2023-10-10T13:55:36+02:00')?.MarshalText()).toBe('2023-10-10T13:55:36+02:00');
  });

  it.each([
    [GO_LAYOUTS.RFC3339, GO_LAYOUTS.RFC3339],
    [GO_LAYOUTS.ANSIC, 'Feb  4 21:00:60 2010'],
    [GO_LAYOUTS.ANSIC, 'Thu Feb  4 21:00:57 @2010'],
    [GO_LAYOUTS.ANSIC, 'Thu Feb  4 21:00:60 2010'],
    [GO_LAYOUTS.ANSIC, 'Thu Feb  4 21:61:57 2010'],
    [GO_LAYOUTS.ANSIC, 'Thu Feb  4 24:00:60 2010'],
    [GO_LAYOUTS.ANSIC, 'Thu Feb  4 24:00:00 2010'],
    ['Mon Jan _2 15:04:05.000 2006', 'Thu Feb  4 23:00:59x01 2010'],
    ['Mon Jan _2 15:04:05.000 2006', 'Thu Feb  4 23:00:59.xxx 2010'],
    ['Mon Jan _2 15:04:05.000 2006', 'Thu Feb  4 23:00:59.-123 2010'],
    [GO_LAYOUTS.StampNano, 'Dec  7 11:22:01.000000'],
    [GO_LAYOUTS.StampNano, 'Dec  7 11:22:01.0000000000'],
    [GO_LAYOUTS.RFC3339, '2006-01-02T15:04:05Z07:00'],
    [GO_LAYOUTS.RFC3339, '2006-01-02T15:04_abc'],
    [GO_LAYOUTS.RFC3339, '2006-01-02T15:04:05_abc'],
    [GO_LAYOUTS.RFC3339, '2006-01-02T15:04:05Z_abc'],
    [GO_LAYOUTS.RFC3339, '2010-02-04T21:00:67.012345678-08:00'],
    [GO_LAYOUTS.RFC3339, '0000-01-01T00:00:.0+00:00'],
    ['_2 Jan 06 15:04 MST', '4 --- 00 00:00 GMT'],
    ['_2 January 06 15:04 MST', '4 --- 00 00:00 GMT'],
    ['Jan _2 002 2006', 'Feb  4 034 2006'],
    ['Jan _2 002 2006', 'Feb  4 004 2006'],
    ['"2006-01-02T15:04:05Z07:00"', '0'],
    [GO_LAYOUTS.RFC3339, '"'],
    [GO_LAYOUTS.RFC3339, '0000-01-01T00:00:00+00:+0'],
    [GO_LAYOUTS.RFC3339, '0000-01-01T00:00:00+-0:00'],
    [GO_LAYOUTS.DateOnly, '22-10-25'],
    ['06-01-02', 'a2-10-25'],
    ['03:04PM', '12:03pM'],
    ['03:04pm', '12:03pM'],
    ['3:04PM', '13:04PM'],
    [GO_LAYOUTS.DateOnly, '2010-02-31'],
    [GO_LAYOUTS.DateOnly, '2013-02-29'],
    [GO_LAYOUTS.DateOnly, '2010-13-01'],
    [GO_LAYOUTS.DateOnly, '2010-00-01'],
    [GO_LAYOUTS.DateOnly, '2010-01-00'],
    ['2006 002', '2010 366'],
    ['2006 002', '2010 000'],
    ['2006-01-02 -0700', '2010-02-04 +2500'],
    ['2006-01-02 -0700', '2010-02-04 0100'],
    ['2006-01-02 MST', '2010-02-04 ab'],
    ['2006-01-02 MST', '2010-02-04 ABCDEF'],
    ['2006-01-02 MST', '2010-02-04 +24'],
    ['Jan', 'Janu'],
    ['', 'x'],
    [GO_LAYOUTS.RFC3339, ''],
  ])('rejects, with layout %j, the value %j', (layout, value) => {
    expect(parseGoTime(layout, value)).toBeNull();
  });

  it('reads a year-less syslog stamp as year 0, or in the default year when given', () => {
    const layout = compileGoLayout('Jan  2 15:04:05');
    expect(fields(layout.parse('Oct 10 13:55:36'))).toBe('0000-10-10 13:55:36.000000000 0 "UTC"');
    expect(fields(layout.parse('Oct 10 13:55:36', 2023))).toBe('2023-10-10 13:55:36.000000000 0 "UTC"');
    expect(fields(layout.parse('Oct  9 13:55:36', 2023))).toBe('2023-10-09 13:55:36.000000000 0 "UTC"');
    // Year 0 is a leap year in the proleptic calendar; 2023 is not.
    expect(fields(layout.parse('Feb 29 00:00:00'))).toBe('0000-02-29 00:00:00.000000000 0 "UTC"');
    expect(layout.parse('Feb 29 00:00:00', 2023)).toBeNull();
    // A layout with a year ignores the default.
    expect(compileGoLayout(GO_LAYOUTS.DateOnly).parse('2010-02-04', 2023)?.Year()).toBe(2010);
  });

  it('keeps compiled layouts reusable and independent', () => {
    const layout = compileGoLayout(GO_LAYOUTS.RFC3339Nano);
    const a = layout.parse('2023-10-10T13:55:36.5+02:00');
    const b = layout.parse('2023-10-10T13:55:36Z');
    expect(a?.MarshalText()).toBe('2023-10-10T13:55:36.5+02:00');
    expect(b?.MarshalText()).toBe('2023-10-10T13:55:36Z');
    expect(layout.parse('garbage')).toBeNull();
    expect(layout.layout).toBe(GO_LAYOUTS.RFC3339Nano);
  });
});

describe('round trips', () => {
  function daysInMonth(year: number, month: number): number {
    const d = new Date(0);
    d.setUTCFullYear(year, month, 0); // day 0 of the next month: the last day of this one
    return d.getUTCDate();
  }
  const local = fc
    .record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
      hour: fc.integer({ min: 0, max: 23 }),
      min: fc.integer({ min: 0, max: 59 }),
      sec: fc.integer({ min: 0, max: 59 }),
      nsec: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 999 }).map((ms) => ms * 1e6)),
    })
    .map((f) => ({ ...f, day: Math.min(f.day, daysInMonth(f.year, f.month)) }));
  const minuteOffset = fc.integer({ min: -14 * 60, max: 14 * 60 }).map((m) => m * 60);
  const secondOffset = fc.integer({ min: -14 * 3600, max: 14 * 3600 }).filter((s) => s >= 0 || s <= -60);

  function build(f: { year: number; month: number; day: number; hour: number; min: number; sec: number; nsec: number }, off: number): GoTime {
    return GoTime.date(f.year, f.month, f.day, f.hour, f.min, f.sec, f.nsec, off, off === 0 ? 'UTC' : '');
  }

  it('parses back what RFC3339Nano prints (MarshalText)', () => {
    const layout = compileGoLayout(GO_LAYOUTS.RFC3339Nano);
    fc.assert(
      fc.property(local, minuteOffset, (f, off) => {
        const t = build(f, off);
        expect(t.Year()).toBe(f.year);
        same(layout.parse(t.MarshalText()), t);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it.each([
    '2006-01-02 15:04:05.000000000 -07:00:00',
    'Monday, 02-Jan-2006 03:04:05.999999999 PM Z070000',
    '2006 002 15:04:05,000000000Z07:00:00',
    '02 January 2006 15h04m05s.999999999 -070000',
  ])('parses back what the layout %j prints', (text) => {
    const layout = compileGoLayout(text);
    fc.assert(
      fc.property(local, secondOffset, (f, off) => {
        const t = build(f, off);
        same(layout.parse(layout.format(t)), t);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('parses back second-precision layouts and year-less stamps with a default year', () => {
    const rfc1123z = compileGoLayout(GO_LAYOUTS.RFC1123Z);
    const stamp = compileGoLayout(GO_LAYOUTS.StampMicro);
    fc.assert(
      fc.property(local, minuteOffset, (f, off) => {
        const whole = build({ ...f, nsec: 0 }, off);
        same(rfc1123z.parse(rfc1123z.format(whole)), whole);
        const micro = build({ ...f, nsec: Math.floor(f.nsec / 1000) * 1000 }, 0);
        same(stamp.parse(stamp.format(micro), f.year), micro);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
