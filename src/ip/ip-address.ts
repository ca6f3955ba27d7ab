/**
 * IP addresses with Go `net` semantics: what `net.ParseIP` accepts, what `net.IP.String()` prints.
 *
 * Representation: every address is a point of the 128-bit IPv6 space, held as four unsigned 32-bit
 * words (`w0` most significant). IPv4 addresses live at `::ffff:a.b.c.d` (w0 = w1 = 0,
 * w2 = 0xffff, w3 = the IPv4 address as one uint32), so an IPv4-mapped IPv6 address *is* the
 * IPv4 address, as in Go (`To4() != nil`). `version` is 4 exactly for that block, 6 otherwise.
 *
 * Parsing is a hand-written scanner over char codes: no regex, no exceptions, no substrings on
 * the IPv4 path (hot path: one call per log line).
 */

const CH_DOT = 46;
const CH_COLON = 58;
const CH_PERCENT = 37;

export class IPAddress {
  /**
   * Prefer `parseIP`, `ipFromWords` or `ipv4FromNumber`; the words must be unsigned 32-bit
   * integers and `version` must be 4 exactly when the address is in `::ffff:0:0/96`.
   */
  constructor(
    readonly version: 4 | 6,
    readonly w0: number,
    readonly w1: number,
    readonly w2: number,
    readonly w3: number,
  ) {}

  /** Go's `net.IP.String()`. */
  toString(): string {
    return formatIP(this);
  }

  /** Same address (IPv4 and its IPv4-mapped IPv6 form are the same address). */
  equals(other: IPAddress): boolean {
    return this.w3 === other.w3 && this.w2 === other.w2 && this.w1 === other.w1 && this.w0 === other.w0;
  }
}

/** An IPv4 address from its uint32 value. */
export function ipv4FromNumber(n: number): IPAddress {
  return new IPAddress(4, 0, 0, 0xffff, n >>> 0);
}

/** An address from four 32-bit words of the 128-bit space (IPv4 when in `::ffff:0:0/96`). */
export function ipFromWords(w0: number, w1: number, w2: number, w3: number): IPAddress {
  w0 >>>= 0;
  w1 >>>= 0;
  w2 >>>= 0;
  w3 >>>= 0;
  return new IPAddress(w0 === 0 && w1 === 0 && w2 === 0xffff ? 4 : 6, w0, w1, w2, w3);
}

/** Orders addresses numerically in the 128-bit space (every IPv4 sorts inside `::ffff:0:0/96`). */
export function compareIP(a: IPAddress, b: IPAddress): number {
  if (a.w0 !== b.w0) return a.w0 < b.w0 ? -1 : 1;
  if (a.w1 !== b.w1) return a.w1 < b.w1 ? -1 : 1;
  if (a.w2 !== b.w2) return a.w2 < b.w2 ? -1 : 1;
  if (a.w3 !== b.w3) return a.w3 < b.w3 ? -1 : 1;
  return 0;
}

/**
 * Scans dotted-decimal IPv4 in `s[start, end)` as Go's netip does (exactly four fields, each
 * 0..255, no leading zeros, nothing else). Returns the uint32 value, or -1 when invalid.
 */
export function scanIPv4(s: string, start: number, end: number): number {
  let acc = 0;
  let val = 0;
  let digits = 0;
  let fields = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && val === 0) return -1; // leading zero ("01"), rejected since Go 1.17
      val = val * 10 + (c - 48);
      if (val > 255) return -1;
      digits++;
    } else if (c === CH_DOT) {
      if (digits === 0 || fields === 3) return -1;
      acc = acc * 256 + val;
      fields++;
      val = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (fields !== 3 || digits === 0) return -1;
  return acc * 256 + val;
}

/**
 * Scans IPv6 text in `s[start, end)` into eight 16-bit groups `g` (Go's netip grammar: at most
 * four hex digits a group, one `::`, an embedded dotted IPv4 only as the last 32 bits).
 * Zones (`%eth0`) and brackets are rejected. Returns false when invalid.
 */
export function scanIPv6(s: string, start: number, end: number, g: number[]): boolean {
  let p = start;
  let k = 0; // groups written
  let ellipsis = -1; // group index where `::` stands
  if (end - p >= 2 && s.charCodeAt(p) === CH_COLON && s.charCodeAt(p + 1) === CH_COLON) {
    ellipsis = 0;
    p += 2;
    if (p === end) {
      for (let j = 0; j < 8; j++) g[j] = 0;
      return true;
    }
  }
  while (k < 8) {
    let acc = 0;
    let off = 0;
    for (; p + off < end; off++) {
      const c = s.charCodeAt(p + off);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      else break;
      if (off === 4) return false; // more than four hex digits
      acc = acc * 16 + d;
    }
    if (off === 0) return false;
    if (p + off < end && s.charCodeAt(p + off) === CH_DOT) {
      // Trailing dotted IPv4: only where it fills the last two groups.
      if (ellipsis < 0 && k !== 6) return false;
      if (k + 2 > 8) return false;
      const v4 = scanIPv4(s, p, end);
      if (v4 < 0) return false;
      g[k++] = v4 >>> 16;
      g[k++] = v4 & 0xffff;
      p = end;
      break;
    }
    g[k++] = acc;
    p += off;
    if (p === end) break;
    if (s.charCodeAt(p) !== CH_COLON || p + 1 === end) return false;
    p++;
    if (s.charCodeAt(p) === CH_COLON) {
      if (ellipsis >= 0) return false; // a second `::`
      ellipsis = k;
      p++;
      if (p === end) break;
    }
  }
  if (p !== end) return false;
  if (k < 8) {
    if (ellipsis < 0) return false;
    const shift = 8 - k;
    for (let j = k - 1; j >= ellipsis; j--) g[j + shift] = g[j];
    for (let j = ellipsis + shift - 1; j >= ellipsis; j--) g[j] = 0;
  } else if (ellipsis >= 0) {
    return false; // `::` must stand for at least one group
  }
  return true;
}

/**
 * Which parser applies to `s[start, end)`: 4 for dotted IPv4 text, 6 for IPv6 text, 0 for
 * neither. The first `.`, `:` or `%` decides, as in Go.
 */
export function ipTextKind(s: string, start: number, end: number): 0 | 4 | 6 {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === CH_DOT) return 4;
    if (c === CH_COLON) return 6;
    if (c === CH_PERCENT) return 0;
  }
  return 0;
}

/** Builds an address from eight scanned groups. */
export function ipFromGroups(g: number[]): IPAddress {
  return ipFromWords(g[0] * 65536 + g[1], g[2] * 65536 + g[3], g[4] * 65536 + g[5], g[6] * 65536 + g[7]);
}

/** Parses `s[start, end)`; null when it is not an address `net.ParseIP` accepts. */
export function parseIPRange(s: string, start: number, end: number): IPAddress | null {
  const kind = ipTextKind(s, start, end);
  if (kind === 4) {
    const v = scanIPv4(s, start, end);
    return v < 0 ? null : new IPAddress(4, 0, 0, 0xffff, v);
  }
  if (kind === 6) {
    const g = [0, 0, 0, 0, 0, 0, 0, 0];
    return scanIPv6(s, start, end, g) ? ipFromGroups(g) : null;
  }
  return null;
}

/**
 * Parses an IP address as Go's `net.ParseIP` does: dotted IPv4 (no leading zeros), IPv6 in any
 * textual form including `::` and an embedded IPv4; no zone, brackets or port. Null when invalid.
 */
export function parseIP(s: string): IPAddress | null {
  return parseIPRange(s, 0, s.length);
}

function v4String(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * Go's `net.IP.String()`: dotted IPv4 (also for IPv4-mapped addresses), otherwise RFC 5952 IPv6
 * (lowercase hex, no leading zeros, the first longest run of two or more zero groups as `::`).
 */
export function formatIP(ip: IPAddress): string {
  if (ip.version === 4) return v4String(ip.w3);
  const g0 = ip.w0 >>> 16;
  const g1 = ip.w0 & 0xffff;
  const g2 = ip.w1 >>> 16;
  const g3 = ip.w1 & 0xffff;
  const g4 = ip.w2 >>> 16;
  const g5 = ip.w2 & 0xffff;
  const g6 = ip.w3 >>> 16;
  const g7 = ip.w3 & 0xffff;
  const g = [g0, g1, g2, g3, g4, g5, g6, g7];
  let zeroStart = -1;
  let zeroLen = 1; // a run must be at least 2 groups long
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > zeroLen) {
      zeroStart = i;
      zeroLen = j - i;
    }
    if (j > i) i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === zeroStart) {
      out += '::';
      i += zeroLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(':')) out += ':';
    out += g[i].toString(16);
  }
  return out;
}

function hex8(w: number): string {
  return w.toString(16).padStart(8, '0');
}

/** The address as 32 lowercase hex digits in the 128-bit space (IPv4 at `::ffff:0:0/96`). */
export function ipToHex(ip: IPAddress): string {
  return hex8(ip.w0) + hex8(ip.w1) + hex8(ip.w2) + hex8(ip.w3);
}
