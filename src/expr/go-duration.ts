/**
 * Go's `time.Duration`: parsing (`time.ParseDuration`), printing (`Duration.String()`) and the
 * methods expressions call on it. A duration is a count of nanoseconds held in a JS number: exact
 * up to 2^53 ns (about 104 days), rounded beyond, within Go's int64 range (about 292 years).
 */

const INT64_LIMIT = 9223372036854775808; // 2^63 (also what 2^63 - 1 rounds to as a double)
const INT64_MAX_BIG = (1n << 63n) - 1n;
const INT64_MIN_BIG = -(1n << 63n);

/** Nanoseconds of a unit written in `s[start, end)`, 0 when it is not a Go duration unit. */
function unitAt(s: string, start: number, end: number): number {
  const len = end - start;
  const c0 = s.charCodeAt(start);
  if (len === 1) {
    if (c0 === 115) return 1e9; // s
    if (c0 === 109) return 60e9; // m
    if (c0 === 104) return 3600e9; // h
    return 0;
  }
  if (len === 2 && s.charCodeAt(start + 1) === 115) {
    if (c0 === 110) return 1; // ns
    if (c0 === 117 || c0 === 0xb5 || c0 === 0x3bc) return 1e3; // us, µs (U+00B5), μs (U+03BC)
    if (c0 === 109) return 1e6; // ms
  }
  return 0;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The exact path, on BigInt, for values beyond 2^53 where doubles would drift from Go. */
function parseBig(s: string, start: number, neg: boolean): number | null {
  const n = s.length;
  let p = start;
  let d = 0n;
  const LIMIT = 1n << 63n;
  while (p < n) {
    let v = 0n;
    const intStart = p;
    while (p < n && isDigitCode(s.charCodeAt(p))) {
      if (v > LIMIT / 10n) return null;
      v = v * 10n + BigInt(s.charCodeAt(p) - 48);
      if (v > LIMIT) return null;
      p++;
    }
    const pre = p !== intStart;
    let f = 0n;
    let scale = 1;
    let post = false;
    if (p < n && s.charCodeAt(p) === 46) {
      p++;
      const fracStart = p;
      let overflow = false;
      while (p < n && isDigitCode(s.charCodeAt(p))) {
        if (!overflow) {
          if (f > INT64_MAX_BIG / 10n) overflow = true;
          else {
            const y = f * 10n + BigInt(s.charCodeAt(p) - 48);
            if (y > LIMIT) overflow = true;
            else {
              f = y;
              scale *= 10;
            }
          }
        }
        p++;
      }
      post = p !== fracStart;
    }
    if (!pre && !post) return null;
    const unitStart = p;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (c === 46 || isDigitCode(c)) break;
      p++;
    }
    if (p === unitStart) return null;
    const unit = unitAt(s, unitStart, p);
    if (unit === 0) return null;
    const bigUnit = BigInt(unit);
    if (v > LIMIT / bigUnit) return null;
    v *= bigUnit;
    if (f > 0n) {
      // Go computes the fraction in float64: uint64(float64(f) * (float64(unit) / scale)).
      v += BigInt(Math.trunc(Number(f) * (unit / scale)));
      if (v > LIMIT) return null;
    }
    d += v;
    if (d > LIMIT) return null;
  }
  if (neg) return d === 0n ? 0 : -Number(d);
  if (d > INT64_MAX_BIG) return null;
  return Number(d);
}

/**
 * Go's `time.ParseDuration`: an optional sign, then one or more decimal numbers, each with an
 * optional fraction and a unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`), e.g. `"1h30m"`,
 * `"-1.5s"`, `".5ms"`; `"0"` alone is valid. Returns nanoseconds, or null when invalid or out of
 * Go's int64 range.
 */
export function parseGoDuration(s: string): number | null {
  const n = s.length;
  let p = 0;
  let neg = false;
  if (n > 0) {
    const c = s.charCodeAt(0);
    if (c === 45 || c === 43) {
      neg = c === 45;
      p = 1;
    }
  }
  if (n - p === 1 && s.charCodeAt(p) === 48) return 0;
  if (p === n) return null;
  const start = p;
  let d = 0;
  while (p < n) {
    const c = s.charCodeAt(p);
    if (!(c === 46 || isDigitCode(c))) return null;
    let v = 0;
    const intStart = p;
    while (p < n && isDigitCode(s.charCodeAt(p))) {
      v = v * 10 + (s.charCodeAt(p) - 48);
      p++;
    }
    const pre = p !== intStart;
    let f = 0;
    let scale = 1;
    let post = false;
    if (p < n && s.charCodeAt(p) === 46) {
      p++;
      const fracStart = p;
      while (p < n && isDigitCode(s.charCodeAt(p))) {
        if (p - fracStart >= 15) return parseBig(s, start, neg); // f would leave exact doubles
        f = f * 10 + (s.charCodeAt(p) - 48);
        scale *= 10;
        p++;
      }
      post = p !== fracStart;
    }
    if (!pre && !post) return null;
    const unitStart = p;
    while (p < n) {
      const u = s.charCodeAt(p);
      if (u === 46 || isDigitCode(u)) break;
      p++;
    }
    if (p === unitStart) return null;
    const unit = unitAt(s, unitStart, p);
    if (unit === 0) return null;
    v *= unit;
    if (f > 0) v += Math.trunc(f * (unit / scale));
    d += v;
    if (d > Number.MAX_SAFE_INTEGER) return parseBig(s, start, neg);
  }
  return neg && d !== 0 ? -d : d;
}

/** Writes `v / 10^prec` (v a non-negative integer) as Go's fmtFrac + fmtInt do, trailing zeros trimmed. */
function fracString(v: bigint, prec: number): string {
  const pow = 10n ** BigInt(prec);
  const whole = v / pow;
  const frac = v % pow;
  if (frac === 0n) return whole.toString();
  let digits = frac.toString().padStart(prec, '0');
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return `${whole}.${digits}`;
}

function formatBig(d: bigint): string {
  if (d > INT64_MAX_BIG) d = INT64_MAX_BIG;
  if (d < INT64_MIN_BIG) d = INT64_MIN_BIG;
  const neg = d < 0n;
  const u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    if (u < 1000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${fracString(u, 3)}µs`;
    else out = `${fracString(u, 6)}ms`;
  } else {
    const secTotal = u / 1_000_000_000n;
    const fracNs = u % 1_000_000_000n;
    const sec = secTotal % 60n;
    const minTotal = secTotal / 60n;
    out = `${fracString(sec * 1_000_000_000n + fracNs, 9)}s`;
    if (minTotal > 0n) {
      out = `${minTotal % 60n}m${out}`;
      const hours = minTotal / 60n;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

function fracNumber(v: number, prec: number): string {
  const pow = prec === 3 ? 1e3 : prec === 6 ? 1e6 : 1e9;
  const frac = v % pow;
  const whole = (v - frac) / pow;
  if (frac === 0) return String(whole);
  let digits = String(frac).padStart(prec, '0');
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return `${whole}.${digits}`;
}

/**
 * Go's `Duration.String()`: `"1h0m0s"`, `"1.5s"`, `"100ms"`, `"1µs"`, `"0s"`, `"-1m30s"`.
 * Non-integers are truncated to whole nanoseconds; values beyond int64 saturate as Go's would.
 */
export function formatGoDuration(ns: number): string {
  if (!Number.isFinite(ns)) return Number.isNaN(ns) ? '0s' : formatBig(ns > 0 ? INT64_MAX_BIG : INT64_MIN_BIG);
  const d = Math.trunc(ns);
  if (d > Number.MAX_SAFE_INTEGER || d < -Number.MAX_SAFE_INTEGER) return formatBig(BigInt(d));
  const neg = d < 0;
  const u = neg ? -d : d;
  let out: string;
  if (u < 1e9) {
    if (u === 0) return '0s';
    if (u < 1e3) out = `${u}ns`;
    else if (u < 1e6) out = `${fracNumber(u, 3)}µs`;
    else out = `${fracNumber(u, 6)}ms`;
  } else {
    const fracNs = u % 1e9;
    const secTotal = (u - fracNs) / 1e9;
    const sec = secTotal % 60;
    const minTotal = (secTotal - sec) / 60;
    out = `${fracNumber(sec * 1e9 + fracNs, 9)}s`;
    if (minTotal > 0) {
      const min = minTotal % 60;
      out = `${min}m${out}`;
      const hours = (minTotal - min) / 60;
      if (hours > 0) out = `${hours}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Go's int64 division and remainder truncate toward zero. */
function goRem(a: number, b: number): number {
  const r = a % b;
  return r === 0 ? 0 : r; // no -0
}

/**
 * A Go `time.Duration` as expressions see it: Go's method names (expr-lang calls them as in Go),
 * and `valueOf` so that `<`, `>` and arithmetic compare nanoseconds.
 */
export class GoDuration {
  readonly ns: number;

  constructor(ns: number) {
    this.ns = ns === 0 ? 0 : ns;
  }

  /** Parses Go duration text; null when invalid. */
  static parse(s: string): GoDuration | null {
    const ns = parseGoDuration(s);
    return ns === null ? null : new GoDuration(ns);
  }

  valueOf(): number {
    return this.ns;
  }

  toString(): string {
    return formatGoDuration(this.ns);
  }

  /** Go's `encoding/json` writes a Duration as its nanoseconds. */
  toJSON(): number {
    return this.ns;
  }

  String(): string {
    return formatGoDuration(this.ns);
  }

  Hours(): number {
    const rem = goRem(this.ns, 3600e9);
    return (this.ns - rem) / 3600e9 + rem / 3600e9;
  }

  Minutes(): number {
    const rem = goRem(this.ns, 60e9);
    return (this.ns - rem) / 60e9 + rem / 60e9;
  }

  Seconds(): number {
    const rem = goRem(this.ns, 1e9);
    return (this.ns - rem) / 1e9 + rem / 1e9;
  }

  Milliseconds(): number {
    return Math.trunc(this.ns / 1e6) || 0;
  }

  Microseconds(): number {
    return Math.trunc(this.ns / 1e3) || 0;
  }

  Nanoseconds(): number {
    return this.ns;
  }

  Abs(): GoDuration {
    if (this.ns >= 0) return this;
    return new GoDuration(this.ns <= -INT64_LIMIT ? INT64_LIMIT - 1 : -this.ns);
  }

  /** Go's `Duration.Round`: to the nearest multiple of `m`, halfway away from zero; `m <= 0` keeps it. */
  Round(m: GoDuration): GoDuration {
    const d = this.ns;
    const mm = m.ns;
    if (mm <= 0) return this;
    let r = goRem(d, mm);
    if (d < 0) {
      r = -r;
      if (r + r < mm) return new GoDuration(d + r);
      const d1 = d - mm + r;
      return new GoDuration(d1 < -INT64_LIMIT ? -INT64_LIMIT : d1);
    }
    if (r + r < mm) return new GoDuration(d - r);
    const d1 = d + mm - r;
    return new GoDuration(d1 >= INT64_LIMIT ? INT64_LIMIT - 1 : d1);
  }

  /** Go's `Duration.Truncate`: toward zero to a multiple of `m`; `m <= 0` keeps it. */
  Truncate(m: GoDuration): GoDuration {
    if (m.ns <= 0) return this;
    return new GoDuration(this.ns - goRem(this.ns, m.ns));
  }
}
