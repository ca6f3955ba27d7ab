/**
 * Go's time layouts (`"2006-01-02T15:04:05Z07:00"`, `"Jan _2 15:04:05"`, …): parsing times out of
 * log lines and printing them, as Go's `time.Parse` and `Time.Format` do.
 *
 * Go semantics kept on purpose: a layout without a year gives year 0 (unless a default year is
 * passed), month/day names match case-insensitively, `MST`-style abbreviations other than UTC
 * give offset 0 with the name kept (`GMT+3` gives +3h), numeric fields are range-checked (no
 * 31 February). The local zone is taken to be UTC: a numeric offset of zero reads as UTC, as it
 * does in Go on a host whose local zone is UTC.
 *
 * Hot path: a layout is compiled once (`compileGoLayout`) and `GoLayout.parse` then scans char
 * codes with no regex, no exception and no allocation beyond the result.
 *
 * This module and `go-time.ts` import each other (parse builds a `GoTime`, `GoTime.Format` uses a
 * layout); neither touches the other's exports while it loads, so either may be imported first.
 */
import { GoTime } from './go-time.js';

const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const SHORT_MONTHS = LONG_MONTHS.map((m) => m.slice(0, 3));
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SHORT_DAYS = LONG_DAYS.map((d) => d.slice(0, 3));
/** Days in a non-leap year before the end of month m (1-based); entry 0 is 0. */
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysIn(month: number, year: number): number {
  if (month === 2 && isLeap(year)) return 29;
  return DAYS_BEFORE[month] - DAYS_BEFORE[month - 1];
}

// Elements of a Go layout (the `std*` constants of Go's time/format.go).
const STD_LONG_MONTH = 1; // January
const STD_MONTH = 2; // Jan
const STD_NUM_MONTH = 3; // 1
const STD_ZERO_MONTH = 4; // 01
const STD_LONG_WEEKDAY = 5; // Monday
const STD_WEEKDAY = 6; // Mon
const STD_DAY = 7; // 2
const STD_UNDER_DAY = 8; // _2
const STD_ZERO_DAY = 9; // 02
const STD_UNDER_YEARDAY = 10; // __2
const STD_ZERO_YEARDAY = 11; // 002
const STD_HOUR = 12; // 15
const STD_HOUR12 = 13; // 3
const STD_ZERO_HOUR12 = 14; // 03
const STD_MINUTE = 15; // 4
const STD_ZERO_MINUTE = 16; // 04
const STD_SECOND = 17; // 5
const STD_ZERO_SECOND = 18; // 05
const STD_LONG_YEAR = 19; // 2006
const STD_YEAR = 20; // 06
const STD_PM_UPPER = 21; // PM
const STD_PM_LOWER = 22; // pm
const STD_TZ = 23; // MST
const STD_ISO_TZ = 24; // Z0700
const STD_ISO_SECONDS_TZ = 25; // Z070000
const STD_ISO_SHORT_TZ = 26; // Z07
const STD_ISO_COLON_TZ = 27; // Z07:00
const STD_ISO_COLON_SECONDS_TZ = 28; // Z07:00:00
const STD_NUM_TZ = 29; // -0700
const STD_NUM_SECONDS_TZ = 30; // -070000
const STD_NUM_SHORT_TZ = 31; // -07
const STD_NUM_COLON_TZ = 32; // -07:00
const STD_NUM_COLON_SECONDS_TZ = 33; // -07:00:00
const STD_FRAC0 = 34; // .000 or ,000
const STD_FRAC9 = 35; // .999 or ,999

/** One layout element and the literal text before it. */
interface Chunk {
  prefix: string;
  std: number;
  /** Digits of a fractional-second element. */
  digits: number;
  /** Separator of a fractional-second element (`.` or `,`), as a char code. */
  sep: number;
  /** The next element is a fractional second (so a seconds element leaves the fraction to it). */
  fracNext: boolean;
}

interface StdMatch {
  start: number;
  end: number;
  std: number;
  digits: number;
  sep: number;
}

function startsWithLower(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 97 && c <= 122;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i); // NaN past the end
  return c >= 48 && c <= 57;
}

/** Finds the next layout element at or after `from` (Go's nextStdChunk). */
function nextStd(layout: string, from: number): StdMatch | null {
  const n = layout.length;
  const at = (i: number, std: number, len: number): StdMatch => ({ start: i, end: i + len, std, digits: 0, sep: 0 });
  const has = (i: number, text: string): boolean => layout.startsWith(text, i);
  for (let i = from; i < n; i++) {
    const c = layout[i];
    switch (c) {
      case 'J':
        if (has(i, 'Jan')) {
          if (has(i, 'January')) return at(i, STD_LONG_MONTH, 7);
          if (!startsWithLower(layout, i + 3)) return at(i, STD_MONTH, 3);
        }
        break;
      case 'M':
        if (has(i, 'Mon')) {
          if (has(i, 'Monday')) return at(i, STD_LONG_WEEKDAY, 6);
          if (!startsWithLower(layout, i + 3)) return at(i, STD_WEEKDAY, 3);
        }
        if (has(i, 'MST')) return at(i, STD_TZ, 3);
        break;
      case '0': {
        const d = layout.charCodeAt(i + 1);
        if (d >= 49 && d <= 54) {
          const std = [STD_ZERO_MONTH, STD_ZERO_DAY, STD_ZERO_HOUR12, STD_ZERO_MINUTE, STD_ZERO_SECOND, STD_YEAR][d - 49];
          return at(i, std, 2);
        }
        if (has(i, '002')) return at(i, STD_ZERO_YEARDAY, 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return at(i, STD_HOUR, 2);
        return at(i, STD_NUM_MONTH, 1);
      case '2':
        if (has(i, '2006')) return at(i, STD_LONG_YEAR, 4);
        return at(i, STD_DAY, 1);
      case '_':
        if (layout[i + 1] === '2') {
          // `_2006` is a literal `_` followed by the long year.
          if (has(i + 1, '2006')) return at(i + 1, STD_LONG_YEAR, 4);
          return at(i, STD_UNDER_DAY, 2);
        }
        if (has(i, '__2')) return at(i, STD_UNDER_YEARDAY, 3);
        break;
      case '3':
        return at(i, STD_HOUR12, 1);
      case '4':
        return at(i, STD_MINUTE, 1);
      case '5':
        return at(i, STD_SECOND, 1);
      case 'P':
        if (layout[i + 1] === 'M') return at(i, STD_PM_UPPER, 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return at(i, STD_PM_LOWER, 2);
        break;
      case '-':
        if (has(i, '-070000')) return at(i, STD_NUM_SECONDS_TZ, 7);
        if (has(i, '-07:00:00')) return at(i, STD_NUM_COLON_SECONDS_TZ, 9);
        if (has(i, '-0700')) return at(i, STD_NUM_TZ, 5);
        if (has(i, '-07:00')) return at(i, STD_NUM_COLON_TZ, 6);
        if (has(i, '-07')) return at(i, STD_NUM_SHORT_TZ, 3);
        break;
      case 'Z':
        if (has(i, 'Z070000')) return at(i, STD_ISO_SECONDS_TZ, 7);
        if (has(i, 'Z07:00:00')) return at(i, STD_ISO_COLON_SECONDS_TZ, 9);
        if (has(i, 'Z0700')) return at(i, STD_ISO_TZ, 5);
        if (has(i, 'Z07:00')) return at(i, STD_ISO_COLON_TZ, 6);
        if (has(i, 'Z07')) return at(i, STD_ISO_SHORT_TZ, 3);
        break;
      case '.':
      case ',': {
        const d = layout[i + 1];
        if (d === '0' || d === '9') {
          let j = i + 1;
          while (j < n && layout[j] === d) j++;
          // Only a fractional second if the run of digits ends here.
          if (!isDigitAt(layout, j)) {
            return { start: i, end: j, std: d === '0' ? STD_FRAC0 : STD_FRAC9, digits: j - i - 1, sep: c.charCodeAt(0) };
          }
        }
        break;
      }
    }
  }
  return null;
}

function pad(x: number, width: number): string {
  if (x < 0) return `-${pad(-x, width)}`;
  const s = String(x);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** Go's `atoi` on `s[start, end)`: optional sign, then only digits. NaN when invalid. */
function atoi(s: string, start: number, end: number): number {
  let i = start;
  let neg = false;
  if (i < end) {
    const c = s.charCodeAt(i);
    if (c === 45 || c === 43) {
      neg = c === 45;
      i++;
    }
  }
  let x = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
    x = x * 10 + (c - 48);
  }
  return neg ? -x : x;
}

/**
 * Go's getnum: one or two digits (`fixed`: exactly two) at `p`. Returns `value * 4 + digits`
 * so one number carries both (no allocation), or -1.
 */
function getnum(s: string, p: number, fixed: boolean): number {
  if (!isDigitAt(s, p)) return -1;
  const d0 = s.charCodeAt(p) - 48;
  if (!isDigitAt(s, p + 1)) return fixed ? -1 : d0 * 4 + 1;
  return (d0 * 10 + (s.charCodeAt(p + 1) - 48)) * 4 + 2;
}

/** Go's getnum3: one to three digits (`fixed`: exactly three). Returns `value * 4 + digits` or -1. */
function getnum3(s: string, p: number, fixed: boolean): number {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, p + i); i++) n = n * 10 + (s.charCodeAt(p + i) - 48);
  if (i === 0 || (fixed && i !== 3)) return -1;
  return n * 4 + i;
}

/** Go's parseNanoseconds: `s[p]` is `.` or `,`, then `nbytes - 1` digits. -1 when invalid. */
function parseNanos(s: string, p: number, nbytes: number): number {
  const c = s.charCodeAt(p);
  if (c !== 46 && c !== 44) return -1;
  if (nbytes > 10) nbytes = 10;
  let ns = atoi(s, p + 1, p + nbytes);
  if (!(ns >= 0)) return -1;
  for (let i = 0; i < 10 - nbytes; i++) ns *= 10;
  return ns;
}

/** Matches `prefix` at `p`, a run of spaces standing for any run of spaces. New position or -1. */
function skip(value: string, p: number, prefix: string): number {
  const vn = value.length;
  let i = 0;
  while (i < prefix.length) {
    const c = prefix.charCodeAt(i);
    if (c === 32) {
      if (p < vn && value.charCodeAt(p) !== 32) return -1;
      while (i < prefix.length && prefix.charCodeAt(i) === 32) i++;
      while (p < vn && value.charCodeAt(p) === 32) p++;
      continue;
    }
    if (p >= vn || value.charCodeAt(p) !== c) return -1;
    i++;
    p++;
  }
  return p;
}

/** Index of the name in `tab` found at `p` (ASCII case-insensitive, as Go's lookup), or -1. */
function lookup(tab: readonly string[], value: string, p: number): number {
  outer: for (let t = 0; t < tab.length; t++) {
    const name = tab[t];
    if (value.length - p < name.length) continue;
    for (let i = 0; i < name.length; i++) {
      let c1 = value.charCodeAt(p + i);
      let c2 = name.charCodeAt(i);
      if (c1 !== c2) {
        c1 |= 0x20;
        c2 |= 0x20;
        if (c1 !== c2 || c1 < 97 || c1 > 122) continue outer;
      }
    }
    return t;
  }
  return -1;
}

/** Go's parseSignedOffset: `+h`/`-h` with h <= 23; length consumed, or 0. */
function signedOffsetLen(s: string, p: number): number {
  const c = s.charCodeAt(p);
  if (c !== 43 && c !== 45) return 0;
  let i = p + 1;
  let x = 0;
  while (isDigitAt(s, i)) {
    x = x * 10 + (s.charCodeAt(i) - 48);
    if (x > 1e6) return 0;
    i++;
  }
  if (i === p + 1 || x > 23) return 0;
  return i - p;
}

/** Go's parseTimeZone: length of a zone abbreviation at `p`, or 0. */
function timeZoneLen(s: string, p: number): number {
  const rem = s.length - p;
  if (rem < 3) return 0;
  if (s.startsWith('ChST', p) || s.startsWith('MeST', p)) return 4;
  if (s.startsWith('GMT', p)) return 3 + (rem > 3 ? signedOffsetLen(s, p + 3) : 0);
  const c0 = s.charCodeAt(p);
  if (c0 === 43 || c0 === 45) return signedOffsetLen(s, p);
  let upper = 0;
  while (upper < 6 && p + upper < s.length) {
    const c = s.charCodeAt(p + upper);
    if (c < 65 || c > 90) break;
    upper++;
  }
  switch (upper) {
    case 3:
      return 3;
    case 4:
      return s.charCodeAt(p + 3) === 84 || s.startsWith('WITA', p) ? 4 : 0; // ends in T
    case 5:
      return s.charCodeAt(p + 4) === 84 ? 5 : 0;
    default:
      return 0;
  }
}

function isIsoTz(std: number): boolean {
  return std >= STD_ISO_TZ && std <= STD_ISO_COLON_SECONDS_TZ;
}

function formatOffset(std: number, offset: number): string {
  if (offset === 0 && isIsoTz(std)) return 'Z';
  let zone = Math.trunc(offset / 60); // minutes
  let abs = offset;
  let out: string;
  if (zone < 0) {
    out = '-';
    zone = -zone;
    abs = -abs;
  } else {
    out = '+';
  }
  out += pad(Math.trunc(zone / 60), 2);
  const colon =
    std === STD_ISO_COLON_TZ ||
    std === STD_NUM_COLON_TZ ||
    std === STD_ISO_COLON_SECONDS_TZ ||
    std === STD_NUM_COLON_SECONDS_TZ;
  const seconds =
    std === STD_ISO_SECONDS_TZ ||
    std === STD_NUM_SECONDS_TZ ||
    std === STD_ISO_COLON_SECONDS_TZ ||
    std === STD_NUM_COLON_SECONDS_TZ;
  if (colon) out += ':';
  if (std !== STD_NUM_SHORT_TZ && std !== STD_ISO_SHORT_TZ) out += pad(zone % 60, 2);
  if (seconds) {
    if (colon) out += ':';
    out += pad(abs % 60, 2);
  }
  return out;
}

function formatNanos(nanos: number, digits: number, sep: number, trim: boolean): string {
  if (trim && (digits === 0 || nanos === 0)) return '';
  let frac = pad(nanos, 9);
  if (digits < 9) frac = frac.slice(0, digits);
  if (trim) {
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
    frac = frac.slice(0, end);
    if (frac.length === 0) return '';
  }
  return String.fromCharCode(sep) + frac;
}

/** A Go layout compiled once, to parse and format many times. */
export class GoLayout {
  readonly layout: string;
  private readonly chunks: Chunk[];
  private readonly trailing: string;

  constructor(layout: string) {
    this.layout = layout;
    const chunks: Chunk[] = [];
    let pos = 0;
    for (;;) {
      const m = nextStd(layout, pos);
      if (m === null) break;
      chunks.push({ prefix: layout.slice(pos, m.start), std: m.std, digits: m.digits, sep: m.sep, fracNext: false });
      pos = m.end;
    }
    for (let i = 0; i + 1 < chunks.length; i++) {
      const next = chunks[i + 1].std;
      chunks[i].fracNext = next === STD_FRAC0 || next === STD_FRAC9;
    }
    this.chunks = chunks;
    this.trailing = layout.slice(pos);
  }

  /**
   * Go's `time.Parse(layout, value)`; null when the value does not match. A layout without a
   * year gives year 0, or `defaultYear` when passed (the day is then checked against that year).
   */
  parse(value: string, defaultYear?: number): GoTime | null {
    const vn = value.length;
    let p = 0;
    let year = 0;
    let yearSet = false;
    let month = -1;
    let day = -1;
    let yday = -1;
    let hour = 0;
    let min = 0;
    let sec = 0;
    let nsec = 0;
    let pmSet = false;
    let amSet = false;
    let utc = false;
    let hasOffset = false;
    let zoneOffset = 0;
    let zoneName = '';
    const chunks = this.chunks;
    for (let ci = 0; ci < chunks.length; ci++) {
      const ch = chunks[ci];
      p = skip(value, p, ch.prefix);
      if (p < 0) return null;
      const std = ch.std;
      switch (std) {
        case STD_YEAR: {
          if (vn - p < 2) return null;
          const y = atoi(value, p, p + 2);
          if (Number.isNaN(y)) return null;
          p += 2;
          year = y >= 69 ? y + 1900 : y + 2000;
          yearSet = true;
          break;
        }
        case STD_LONG_YEAR: {
          if (vn - p < 4 || !isDigitAt(value, p)) return null;
          const y = atoi(value, p, p + 4);
          if (Number.isNaN(y)) return null;
          p += 4;
          year = y;
          yearSet = true;
          break;
        }
        case STD_MONTH:
        case STD_LONG_MONTH: {
          const tab = std === STD_MONTH ? SHORT_MONTHS : LONG_MONTHS;
          const i = lookup(tab, value, p);
          if (i < 0) return null;
          p += tab[i].length;
          month = i + 1;
          break;
        }
        case STD_WEEKDAY:
        case STD_LONG_WEEKDAY: {
          // The weekday is checked for form only, as in Go.
          const tab = std === STD_WEEKDAY ? SHORT_DAYS : LONG_DAYS;
          const i = lookup(tab, value, p);
          if (i < 0) return null;
          p += tab[i].length;
          break;
        }
        case STD_NUM_MONTH:
        case STD_ZERO_MONTH: {
          const r = getnum(value, p, std === STD_ZERO_MONTH);
          if (r < 0) return null;
          month = r >> 2;
          p += r & 3;
          if (month <= 0 || month > 12) return null;
          break;
        }
        case STD_DAY:
        case STD_UNDER_DAY:
        case STD_ZERO_DAY: {
          if (std === STD_UNDER_DAY && value.charCodeAt(p) === 32) p++;
          const r = getnum(value, p, std === STD_ZERO_DAY);
          if (r < 0) return null;
          day = r >> 2; // any one or two digits; checked against the month at the end
          p += r & 3;
          break;
        }
        case STD_UNDER_YEARDAY:
        case STD_ZERO_YEARDAY: {
          if (std === STD_UNDER_YEARDAY) {
            if (value.charCodeAt(p) === 32) p++;
            if (value.charCodeAt(p) === 32) p++;
          }
          const r = getnum3(value, p, std === STD_ZERO_YEARDAY);
          if (r < 0) return null;
          yday = r >> 2;
          p += r & 3;
          break;
        }
        case STD_HOUR: {
          const r = getnum(value, p, false);
          if (r < 0) return null;
          hour = r >> 2;
          p += r & 3;
          if (hour >= 24) return null;
          break;
        }
        case STD_HOUR12:
        case STD_ZERO_HOUR12: {
          const r = getnum(value, p, std === STD_ZERO_HOUR12);
          if (r < 0) return null;
          hour = r >> 2;
          p += r & 3;
          if (hour > 12) return null;
          break;
        }
        case STD_MINUTE:
        case STD_ZERO_MINUTE: {
          const r = getnum(value, p, std === STD_ZERO_MINUTE);
          if (r < 0) return null;
          min = r >> 2;
          p += r & 3;
          if (min >= 60) return null;
          break;
        }
        case STD_SECOND:
        case STD_ZERO_SECOND: {
          const r = getnum(value, p, std === STD_ZERO_SECOND);
          if (r < 0) return null;
          sec = r >> 2;
          p += r & 3;
          if (sec >= 60) return null;
          // A fraction after the seconds is read even when the layout has none (as Go does).
          const sep = value.charCodeAt(p);
          if (!ch.fracNext && (sep === 46 || sep === 44) && isDigitAt(value, p + 1)) {
            let n = 2;
            while (isDigitAt(value, p + n)) n++;
            nsec = parseNanos(value, p, n);
            if (nsec < 0) return null;
            p += n;
          }
          break;
        }
        case STD_PM_UPPER:
        case STD_PM_LOWER: {
          if (vn - p < 2) return null;
          const a = value.charCodeAt(p);
          const b = value.charCodeAt(p + 1);
          const m = std === STD_PM_UPPER ? 77 : 109; // M or m
          const P = std === STD_PM_UPPER ? 80 : 112;
          const A = std === STD_PM_UPPER ? 65 : 97;
          if (b !== m) return null;
          if (a === P) pmSet = true;
          else if (a === A) amSet = true;
          else return null;
          p += 2;
          break;
        }
        case STD_TZ: {
          if (value.startsWith('UTC', p)) {
            utc = true;
            p += 3;
            break;
          }
          const n = timeZoneLen(value, p);
          if (n === 0) return null;
          zoneName = value.slice(p, p + n);
          p += n;
          break;
        }
        case STD_FRAC0: {
          const ndigit = 1 + ch.digits;
          if (vn - p < ndigit) return null;
          nsec = parseNanos(value, p, ndigit);
          if (nsec < 0) return null;
          p += ndigit;
          break;
        }
        case STD_FRAC9: {
          if (vn - p < 2 || (value.charCodeAt(p) !== 46 && value.charCodeAt(p) !== 44) || !isDigitAt(value, p + 1)) break;
          let i = 0;
          while (isDigitAt(value, p + i + 1)) i++;
          nsec = parseNanos(value, p, 1 + i);
          if (nsec < 0) return null;
          p += 1 + i;
          break;
        }
        default: {
          // Numeric zone offsets; the ISO 8601 forms also take `Z` for UTC.
          if (isIsoTz(std) && value.charCodeAt(p) === 90) {
            utc = true;
            p++;
            break;
          }
          let mPos: number; // position of the minutes, -1 when absent
          let sPos: number; // position of the seconds, -1 when absent
          let len: number;
          if (std === STD_ISO_COLON_TZ || std === STD_NUM_COLON_TZ) {
            if (vn - p < 6 || value.charCodeAt(p + 3) !== 58) return null;
            mPos = p + 4;
            sPos = -1;
            len = 6;
          } else if (std === STD_NUM_SHORT_TZ || std === STD_ISO_SHORT_TZ) {
            if (vn - p < 3) return null;
            mPos = -1;
            sPos = -1;
            len = 3;
          } else if (std === STD_ISO_COLON_SECONDS_TZ || std === STD_NUM_COLON_SECONDS_TZ) {
            if (vn - p < 9 || value.charCodeAt(p + 3) !== 58 || value.charCodeAt(p + 6) !== 58) return null;
            mPos = p + 4;
            sPos = p + 7;
            len = 9;
          } else if (std === STD_ISO_SECONDS_TZ || std === STD_NUM_SECONDS_TZ) {
            if (vn - p < 7) return null;
            mPos = p + 3;
            sPos = p + 5;
            len = 7;
          } else {
            if (vn - p < 5) return null;
            mPos = p + 3;
            sPos = -1;
            len = 5;
          }
          const hr = getnum(value, p + 1, true);
          const mm = mPos < 0 ? 0 : getnum(value, mPos, true);
          const ss = sPos < 0 ? 0 : getnum(value, sPos, true);
          if (hr < 0 || mm < 0 || ss < 0) return null;
          // `>` rather than `>=`: some write offsets of 24 hours or 60 minutes, and Go allows it.
          if (hr >> 2 > 24 || mm >> 2 > 60 || ss >> 2 > 60) return null;
          const sign = value.charCodeAt(p);
          if (sign !== 43 && sign !== 45) return null;
          const off = ((hr >> 2) * 60 + (mm >> 2)) * 60 + (ss >> 2);
          zoneOffset = sign === 45 ? -off : off;
          hasOffset = true;
          p += len;
          break;
        }
      }
    }
    p = skip(value, p, this.trailing);
    if (p !== vn) return null; // a mismatch (-1) or extra text

    if (!yearSet && defaultYear !== undefined) year = defaultYear;
    if (pmSet && hour < 12) hour += 12;
    else if (amSet && hour === 12) hour = 0;

    if (yday >= 0) {
      let d = 0;
      let m = 0;
      if (isLeap(year)) {
        if (yday === 31 + 29) {
          m = 2;
          d = 29;
        } else if (yday > 31 + 29) {
          yday--;
        }
      }
      if (yday < 1 || yday > 365) return null;
      if (m === 0) {
        m = Math.floor((yday - 1) / 31) + 1;
        if (DAYS_BEFORE[m] < yday) m++;
        d = yday - DAYS_BEFORE[m - 1];
      }
      if (month >= 0 && month !== m) return null;
      month = m;
      if (day >= 0 && day !== d) return null;
      day = d;
    } else {
      if (month < 0) month = 1;
      if (day < 0) day = 1;
    }
    if (day < 1 || day > daysIn(month, year)) return null;

    if (utc) return GoTime.date(year, month, day, hour, min, sec, nsec, 0, 'UTC');
    if (hasOffset) {
      // With the local zone taken as UTC, a zero offset without a name is UTC (Go's local-zone match).
      const name = zoneOffset === 0 && zoneName === '' ? 'UTC' : zoneName;
      return GoTime.date(year, month, day, hour, min, sec, nsec, zoneOffset, name);
    }
    if (zoneName !== '') {
      // Unknown abbreviation: offset 0, name kept; `GMT+h` carries its hours.
      const offset = zoneName.length > 3 && zoneName.startsWith('GMT') ? atoi(zoneName, 3, zoneName.length) * 3600 : 0;
      return GoTime.date(year, month, day, hour, min, sec, nsec, offset, zoneName);
    }
    return GoTime.date(year, month, day, hour, min, sec, nsec, 0, 'UTC');
  }

  /** Go's `Time.Format(layout)`. */
  format(t: GoTime): string {
    let out = '';
    const chunks = this.chunks;
    for (let ci = 0; ci < chunks.length; ci++) {
      const ch = chunks[ci];
      out += ch.prefix;
      switch (ch.std) {
        case STD_YEAR: {
          const y = Math.abs(t.Year());
          out += pad(y % 100, 2);
          break;
        }
        case STD_LONG_YEAR:
          out += pad(t.Year(), 4);
          break;
        case STD_MONTH:
          out += SHORT_MONTHS[t.Month() - 1];
          break;
        case STD_LONG_MONTH:
          out += LONG_MONTHS[t.Month() - 1];
          break;
        case STD_NUM_MONTH:
          out += t.Month();
          break;
        case STD_ZERO_MONTH:
          out += pad(t.Month(), 2);
          break;
        case STD_WEEKDAY:
          out += SHORT_DAYS[t.Weekday()];
          break;
        case STD_LONG_WEEKDAY:
          out += LONG_DAYS[t.Weekday()];
          break;
        case STD_DAY:
          out += t.Day();
          break;
        case STD_UNDER_DAY: {
          const d = t.Day();
          out += d < 10 ? ` ${d}` : String(d);
          break;
        }
        case STD_ZERO_DAY:
          out += pad(t.Day(), 2);
          break;
        case STD_UNDER_YEARDAY: {
          const yd = t.YearDay();
          out += (yd < 10 ? '  ' : yd < 100 ? ' ' : '') + yd;
          break;
        }
        case STD_ZERO_YEARDAY:
          out += pad(t.YearDay(), 3);
          break;
        case STD_HOUR:
          out += pad(t.Hour(), 2);
          break;
        case STD_HOUR12:
        case STD_ZERO_HOUR12: {
          const h = t.Hour() % 12 || 12;
          out += ch.std === STD_HOUR12 ? String(h) : pad(h, 2);
          break;
        }
        case STD_MINUTE:
          out += t.Minute();
          break;
        case STD_ZERO_MINUTE:
          out += pad(t.Minute(), 2);
          break;
        case STD_SECOND:
          out += t.Second();
          break;
        case STD_ZERO_SECOND:
          out += pad(t.Second(), 2);
          break;
        case STD_PM_UPPER:
          out += t.Hour() >= 12 ? 'PM' : 'AM';
          break;
        case STD_PM_LOWER:
          out += t.Hour() >= 12 ? 'pm' : 'am';
          break;
        case STD_TZ:
          out += t.zoneName !== '' ? t.zoneName : formatOffset(STD_NUM_TZ, t.offsetSec);
          break;
        case STD_FRAC0:
        case STD_FRAC9:
          out += formatNanos(t.Nanosecond(), ch.digits, ch.sep, ch.std === STD_FRAC9);
          break;
        default:
          out += formatOffset(ch.std, t.offsetSec);
          break;
      }
    }
    return out + this.trailing;
  }
}

/** Compiles a Go layout (`"2006-01-02T15:04:05Z07:00"`, `"Jan _2 15:04:05"`, …) once. */
export function compileGoLayout(layout: string): GoLayout {
  return new GoLayout(layout);
}

/** `time.Parse(layout, value)` in one call (compiles the layout each time: not for hot paths). */
export function parseGoTime(layout: string, value: string, defaultYear?: number): GoTime | null {
  return new GoLayout(layout).parse(value, defaultYear);
}

/** `t.Format(layout)` in one call. */
export function formatGoTime(t: GoTime, layout: string): string {
  return new GoLayout(layout).format(t);
}

/** The layout constants of Go's `time` package. */
export const GO_LAYOUTS = {
  Layout: '01/02 03:04:05PM \'06 -0700',
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
  Kitchen: '3:04PM',
  Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000',
  StampNano: 'Jan _2 15:04:05.000000000',
  DateTime: '2006-01-02 15:04:05',
  DateOnly: '2006-01-02',
  TimeOnly: '15:04:05',
} as const;

const STRING_LAYOUT = new GoLayout('2006-01-02 15:04:05.999999999 -0700 MST');
const RFC3339NANO_LAYOUT = new GoLayout(GO_LAYOUTS.RFC3339Nano);

/** Go's `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`. */
export function formatGoTimeString(t: GoTime): string {
  return STRING_LAYOUT.format(t);
}

/** Go's `Time.MarshalText()`: RFC 3339 with nanoseconds, trailing zeros trimmed. */
export function formatGoTimeText(t: GoTime): string {
  return RFC3339NANO_LAYOUT.format(t);
}
