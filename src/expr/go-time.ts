/**
 * Go's `time.Time` as the log pipeline and expressions need it: an instant kept with the zone
 * offset it was written in (times parsed from log lines keep the offset of the line), with Go's
 * calendar accessors and arithmetic, printed as Go prints it.
 *
 * Go's zero time and out-of-range `time.Date` fields behave as in Go. Zone databases
 * (`time.LoadLocation`) are not here. Layouts (parsing and `Format`) live in `go-layout.ts`, whose
 * names are re-exported here.
 */
import { GoDuration } from './go-duration.js';
import { compileGoLayout, formatGoTimeString, formatGoTimeText } from './go-layout.js';

export { GO_LAYOUTS, GoLayout, compileGoLayout, formatGoTime, parseGoTime } from './go-layout.js';

const MS_PER_DAY = 86_400_000;

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12; day may overflow). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = floorDiv(153 * mp + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Go's zero time, January 1, year 1, 00:00:00 UTC, in ms since the epoch. */
const ZERO_MS = daysFromCivil(1, 1, 1) * MS_PER_DAY;

export class GoTime {
  /** Milliseconds since the Unix epoch (an integer). */
  readonly epochMs: number;
  /** Nanoseconds past `epochMs`, 0..999999. */
  readonly extraNs: number;
  /** Offset of the zone east of UTC, in seconds. */
  readonly offsetSec: number;
  /** `"UTC"`, `""` for a fixed offset without a name, or the abbreviation that was parsed. */
  readonly zoneName: string;

  // Calendar fields of the local time, computed on first use (the instance stays immutable).
  private calDays = Number.NaN;
  private calYear = 0;
  private calMonth = 0;
  private calDay = 0;
  private calMsOfDay = 0;

  constructor(epochMs: number, extraNs = 0, offsetSec = 0, zoneName: string = offsetSec === 0 ? 'UTC' : '') {
    this.epochMs = epochMs;
    this.extraNs = extraNs;
    this.offsetSec = offsetSec;
    this.zoneName = zoneName;
  }

  /** A time from ms since the epoch (fractions of a ms become nanoseconds), at a fixed offset. */
  static fromMillis(ms: number, offsetSec = 0, zoneName?: string): GoTime {
    const whole = Math.floor(ms);
    const ns = Math.round((ms - whole) * 1e6);
    return ns >= 1e6
      ? new GoTime(whole + 1, 0, offsetSec, zoneName)
      : new GoTime(whole, ns, offsetSec, zoneName);
  }

  /** Go's zero time (`time.Time{}`): January 1, year 1, 00:00:00 UTC. */
  static zero(): GoTime {
    return new GoTime(ZERO_MS, 0, 0, 'UTC');
  }

  /**
   * Go's `time.Date` at a fixed offset: out-of-range fields carry over (month 13 is January of
   * the next year, day 0 the last day of the previous month, …).
   */
  static date(
    year: number,
    month: number,
    day: number,
    hour = 0,
    min = 0,
    sec = 0,
    nsec = 0,
    offsetSec = 0,
    zoneName?: string,
  ): GoTime {
    const m0 = month - 1;
    const y = year + floorDiv(m0, 12);
    const m = m0 - floorDiv(m0, 12) * 12 + 1;
    const days = daysFromCivil(y, m, 1) + day - 1;
    const nsRem = nsec - floorDiv(nsec, 1e6) * 1e6;
    const ms =
      days * MS_PER_DAY + hour * 3_600_000 + min * 60_000 + sec * 1000 + floorDiv(nsec, 1e6) - offsetSec * 1000;
    return new GoTime(ms, nsRem, offsetSec, zoneName);
  }

  /** Milliseconds since the epoch (JS `Date` time value). */
  toMillis(): number {
    return this.epochMs;
  }

  private cal(): void {
    if (this.calDays === this.calDays) return; // computed (not NaN)
    const local = this.epochMs + this.offsetSec * 1000;
    const days = floorDiv(local, MS_PER_DAY);
    this.calMsOfDay = local - days * MS_PER_DAY;
    // Civil date from day count (H. Hinnant's algorithm).
    const z = days + 719468;
    const era = floorDiv(z, 146097);
    const doe = z - era * 146097;
    const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
    const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
    const mp = floorDiv(5 * doy + 2, 153);
    const month = mp < 10 ? mp + 3 : mp - 9;
    this.calDay = doy - floorDiv(153 * mp + 2, 5) + 1;
    this.calMonth = month;
    this.calYear = yoe + era * 400 + (month <= 2 ? 1 : 0);
    this.calDays = days;
  }

  Unix(): number {
    return floorDiv(this.epochMs, 1000);
  }

  UnixMilli(): number {
    return this.epochMs;
  }

  UnixMicro(): number {
    return this.epochMs * 1000 + Math.floor(this.extraNs / 1000);
  }

  /** Nanoseconds since the epoch; beyond 2^53 (past April 1970) the number is rounded. */
  UnixNano(): number {
    return this.epochMs * 1e6 + this.extraNs;
  }

  Year(): number {
    this.cal();
    return this.calYear;
  }

  /** 1 (January) … 12. */
  Month(): number {
    this.cal();
    return this.calMonth;
  }

  Day(): number {
    this.cal();
    return this.calDay;
  }

  Hour(): number {
    this.cal();
    return Math.floor(this.calMsOfDay / 3_600_000);
  }

  Minute(): number {
    this.cal();
    return Math.floor(this.calMsOfDay / 60_000) % 60;
  }

  Second(): number {
    this.cal();
    return Math.floor(this.calMsOfDay / 1000) % 60;
  }

  /** Nanoseconds within the second, 0..999999999. */
  Nanosecond(): number {
    this.cal();
    return (this.calMsOfDay % 1000) * 1e6 + this.extraNs;
  }

  /** 0 (Sunday) … 6 (Saturday). */
  Weekday(): number {
    this.cal();
    return (((this.calDays + 4) % 7) + 7) % 7;
  }

  /** 1 … 365 (366 in leap years). */
  YearDay(): number {
    this.cal();
    return this.calDays - daysFromCivil(this.calYear, 1, 1) + 1;
  }

  /** The time plus a duration (nanoseconds), at the same zone. */
  Add(d: GoDuration | number): GoTime {
    const dn = typeof d === 'number' ? d : d.ns;
    const rem = dn % 1e6;
    let ms = this.epochMs + (dn - rem) / 1e6;
    let ns = this.extraNs + rem;
    if (ns < 0) {
      ns += 1e6;
      ms -= 1;
    } else if (ns >= 1e6) {
      ns -= 1e6;
      ms += 1;
    }
    return new GoTime(ms, ns, this.offsetSec, this.zoneName);
  }

  /** Go's `AddDate`: adds years, months and days to the local date, normalising as `time.Date`. */
  AddDate(years: number, months: number, days: number): GoTime {
    this.cal();
    const msOfDay = this.calMsOfDay;
    return GoTime.date(
      this.calYear + years,
      this.calMonth + months,
      this.calDay + days,
      0,
      0,
      0,
      msOfDay * 1e6 + this.extraNs,
      this.offsetSec,
      this.zoneName,
    );
  }

  /** The duration `this - t`. */
  Sub(t: GoTime): GoDuration {
    return new GoDuration((this.epochMs - t.epochMs) * 1e6 + (this.extraNs - t.extraNs));
  }

  /** -1, 0 or +1 as this instant is before, equal to or after `t` (zones do not matter). */
  Compare(t: GoTime): number {
    if (this.epochMs !== t.epochMs) return this.epochMs < t.epochMs ? -1 : 1;
    if (this.extraNs !== t.extraNs) return this.extraNs < t.extraNs ? -1 : 1;
    return 0;
  }

  After(t: GoTime): boolean {
    return this.Compare(t) > 0;
  }

  Before(t: GoTime): boolean {
    return this.Compare(t) < 0;
  }

  /** Same instant, whatever the zones. */
  Equal(t: GoTime): boolean {
    return this.epochMs === t.epochMs && this.extraNs === t.extraNs;
  }

  /** The zero time instant (January 1, year 1, 00:00:00 UTC), in any zone. */
  IsZero(): boolean {
    return this.epochMs === ZERO_MS && this.extraNs === 0;
  }

  UTC(): GoTime {
    return new GoTime(this.epochMs, this.extraNs, 0, 'UTC');
  }

  Format(layout: string): string {
    return compileGoLayout(layout).format(this);
  }

  /** Go's default form, `2006-01-02 15:04:05.999999999 -0700 MST`. */
  String(): string {
    return formatGoTimeString(this);
  }

  /** Go's `MarshalText`: RFC 3339 with nanoseconds, trailing zeros trimmed (`…T13:55:36.123Z`). */
  MarshalText(): string {
    return formatGoTimeText(this);
  }

  toString(): string {
    return this.String();
  }

  /** As Go's `encoding/json` writes a time. */
  toJSON(): string {
    return this.MarshalText();
  }

  /** Milliseconds since the epoch with the nanoseconds as a fraction (for `<`/`>`; `Compare` is exact). */
  valueOf(): number {
    return this.epochMs + this.extraNs / 1e6;
  }
}

