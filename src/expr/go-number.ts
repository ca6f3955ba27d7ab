/**
 * Go's number text forms: `strconv.FormatFloat` ('g', 'e', 'f' with exact round-half-even for a
 * given precision, shortest otherwise), and parsing as `strconv.Atoi` / `ParseInt` / `ParseFloat`.
 */

interface Decimal {
  /** Significant digits without leading zeros ('0' for zero). */
  digits: string;
  /** Position of the decimal point relative to the digits: value = 0.digits × 10^dp. */
  dp: number;
}

/** Shortest digits that round-trip (what Go's shortest mode and JS's toString both produce). */
function shortestDecimal(abs: number): Decimal {
  if (abs === 0) return { digits: '0', dp: 1 };
  const [mant, exp] = abs.toExponential().split('e');
  return { digits: mant.replace('.', ''), dp: Number(exp) + 1 };
}

/** abs as an exact fraction num / den (both BigInt). */
function exactFraction(abs: number): { num: bigint; den: bigint } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, abs);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (expBits === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = expBits - 1075;
  }
  return e2 >= 0 ? { num: mant << BigInt(e2), den: 1n } : { num: mant, den: 1n << BigInt(-e2) };
}

/** round-half-even(num / den) */
function divRound(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  const twice = r * 2n;
  if (twice > den || (twice === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

function scaled(abs: number, pow10: number): bigint {
  const { num, den } = exactFraction(abs);
  return pow10 >= 0 ? divRound(num * 10n ** BigInt(pow10), den) : divRound(num, den * 10n ** BigInt(-pow10));
}

/** abs rounded (half-even, exactly) to `sig` significant digits. */
function roundedDecimal(abs: number, sig: number): Decimal {
  if (abs === 0) return { digits: '0'.repeat(sig), dp: 1 };
  let x = Math.floor(Math.log10(abs));
  for (let attempt = 0; attempt < 3; attempt++) {
    const n = scaled(abs, sig - 1 - x);
    const s = n.toString();
    if (s.length > sig) {
      x++;
      continue;
    }
    if (s.length < sig) {
      x--;
      continue;
    }
    return { digits: s, dp: x + 1 };
  }
  const s = scaled(abs, sig - 1 - x).toString();
  return { digits: s.slice(0, sig), dp: x + 1 + (s.length - sig) };
}

function expSuffix(x: number, letter: string): string {
  const a = Math.abs(x);
  return `${letter}${x < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
}

function fmtE(d: Decimal, decimals: number, letter: string): string {
  let digits = d.digits;
  if (digits.length < decimals + 1) digits += '0'.repeat(decimals + 1 - digits.length);
  const x = d.digits === '0' ? 0 : d.dp - 1;
  const mant = decimals > 0 ? `${digits[0]}.${digits.slice(1, decimals + 1)}` : digits[0];
  return mant + expSuffix(x, letter);
}

function fmtF(d: Decimal, decimals: number): string {
  let intPart: string;
  let frac = '';
  if (d.dp <= 0) {
    intPart = '0';
    frac = '0'.repeat(-d.dp) + d.digits;
  } else if (d.dp >= d.digits.length) {
    intPart = d.digits + '0'.repeat(d.dp - d.digits.length);
  } else {
    intPart = d.digits.slice(0, d.dp);
    frac = d.digits.slice(d.dp);
  }
  if (d.digits === '0') intPart = '0';
  if (decimals === 0) return intPart;
  frac = frac.length >= decimals ? frac.slice(0, decimals) : frac + '0'.repeat(decimals - frac.length);
  return `${intPart}.${frac}`;
}

function special(f: number): string | null {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return null;
}

const isNegative = (f: number): boolean => f < 0 || Object.is(f, -0);

/**
 * Go `strconv.FormatFloat(f, fmt, prec, 64)` for fmt in 'e' 'E' 'f' 'g' 'G'; prec -1 is the
 * shortest representation that reads back to the same float.
 */
export function formatFloat(f: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec = -1): string {
  const sp = special(f);
  if (sp !== null) return sp;
  const sign = isNegative(f) ? '-' : '';
  const abs = Math.abs(f);
  const shortest = prec < 0;
  switch (fmt) {
    case 'e':
    case 'E': {
      const d = shortest ? shortestDecimal(abs) : roundedDecimal(abs, prec + 1);
      return sign + fmtE(d, shortest ? d.digits.length - 1 : prec, fmt);
    }
    case 'f': {
      if (shortest) {
        const d = shortestDecimal(abs);
        return sign + fmtF(d, Math.max(d.digits.length - d.dp, 0));
      }
      return sign + fixed(abs, prec);
    }
    default: {
      let p = prec;
      let d: Decimal;
      if (shortest) {
        d = shortestDecimal(abs);
        p = d.digits.length;
      } else {
        if (p === 0) p = 1;
        d = roundedDecimal(abs, p);
        d = { digits: d.digits.replace(/(?<=.)0+$/, ''), dp: d.dp };
      }
      let eprec = p;
      if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
      if (shortest) eprec = 6;
      const x = d.digits === '0' ? 0 : d.dp - 1;
      if (x < -4 || x >= eprec) {
        if (p > d.digits.length) p = d.digits.length;
        return sign + fmtE(d, p - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (p > d.dp) p = d.digits.length;
      return sign + fmtF(d, Math.max(p - d.dp, 0));
    }
  }
}

/** abs with exactly `decimals` digits after the point, rounded half-even on the exact value. */
function fixed(abs: number, decimals: number): string {
  const n = scaled(abs, decimals).toString();
  if (decimals === 0) return n;
  const padded = n.padStart(decimals + 1, '0');
  return `${padded.slice(0, padded.length - decimals)}.${padded.slice(padded.length - decimals)}`;
}

/** Go's `%v` of a float64: `strconv.FormatFloat(f, 'g', -1, 64)` (1e+06, 0.1, 3). */
export function formatFloatV(f: number): string {
  return formatFloat(f, 'g', -1);
}

/** Decimal text of an integer-valued number, without exponent even when large. */
export function formatInt(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return formatFloatV(n);
  return BigInt(Math.trunc(n)).toString();
}

/** Go `strconv.Atoi` (base 10, optional sign, int64 range); null when invalid. */
export function parseGoInt(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const big = BigInt(s);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  return Number(big);
}

// Unambiguous (no nested or adjacent optional digit runs), so it runs in linear time on hostile input.
const DEC_FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F_]+(?:\.[0-9a-fA-F_]*)?|\.[0-9a-fA-F_]+)[pP][+-]?\d+$/;

/** Go `strconv.ParseFloat(s, 64)`: decimal or hex floats, inf/infinity/nan; null when invalid. */
export function parseGoFloat(s: string): number | null {
  const lower = s.toLowerCase();
  const body = lower.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity') return lower.startsWith('-') ? -Infinity : Infinity;
  if (body === 'nan') return NaN;
  if (HEX_FLOAT.test(s)) {
    const m = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?p([+-]?\d+)$/.exec(lower.replace(/_/g, ''));
    if (!m || (m[2] === '' && !m[3])) return null;
    const frac = m[3] ?? '';
    const mant = parseInt(m[2] + frac || '0', 16);
    const v = mant * 2 ** (Number(m[4]) - 4 * frac.length);
    return m[1] === '-' ? -v : v;
  }
  // Underscores are only allowed with a base prefix in Go, so DEC_FLOAT has none.
  if (!DEC_FLOAT.test(s)) return null;
  const v = Number(s);
  if (Number.isNaN(v)) return null;
  if (!Number.isFinite(v)) return null; // out of range: Go returns an error (with ±Inf)
  return v;
}
