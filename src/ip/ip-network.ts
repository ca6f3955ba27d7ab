/**
 * CIDR networks with Go `net.ParseCIDR` / `net.IPNet` semantics.
 *
 * A network is IPv4 (prefix 0..32) or IPv6 (prefix 0..128). As in Go, an IPv6 CIDR whose network
 * address is IPv4-mapped (`::ffff:1.2.3.4/120`) *is* the IPv4 network (`1.2.3.0/24`), and an IPv6
 * network never contains an IPv4 address, even `::/0` (Go's `IPNet.Contains` compares lengths).
 */
import {
  IPAddress,
  compareIP,
  formatIP,
  ipFromGroups,
  ipFromWords,
  ipTextKind,
  ipv4FromNumber,
  parseIP,
  scanIPv4,
  scanIPv6,
} from './ip-address.js';

export class IPNetwork {
  /**
   * `first`/`last` are the numeric bounds in the 128-bit space. (For an IPv6 network ending at
   * `::ffff:ffff:ffff`, `last` reads as an IPv4 address; `contains` still follows `version`.)
   */
  constructor(
    readonly version: 4 | 6,
    readonly prefix: number,
    readonly first: IPAddress,
    readonly last: IPAddress,
  ) {}

  /** Go's `IPNet.Contains`: the same family and within the bounds. */
  contains(ip: IPAddress): boolean {
    if (ip.version !== this.version) return false;
    if (ip.version === 4) return ip.w3 >= this.first.w3 && ip.w3 <= this.last.w3;
    return compareIP(this.first, ip) <= 0 && compareIP(ip, this.last) <= 0;
  }

  /** Go's `IPNet.String()`: network address, slash, prefix length (`1.2.3.0/24`, `2001:db8::/32`). */
  toString(): string {
    return `${formatIP(this.first)}/${this.prefix}`;
  }
}

/** The mask of a 32-bit word that keeps its first `bits` bits (0..32). */
function wordMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

function ipv4Network(v: number, prefix: number): IPNetwork {
  const mask = wordMask(prefix);
  const start = (v & mask) >>> 0;
  const end = (start | ~mask) >>> 0;
  return new IPNetwork(4, prefix, ipv4FromNumber(start), ipv4FromNumber(end));
}

/** The network of `ip` with a prefix over 128 bits; becomes IPv4 when its address is IPv4-mapped. */
function network128(ip: IPAddress, prefix: number): IPNetwork {
  if (prefix >= 96 && ip.version === 4) return ipv4Network(ip.w3, prefix - 96);
  const m0 = wordMask(prefix);
  const m1 = wordMask(prefix - 32);
  const m2 = wordMask(prefix - 64);
  const m3 = wordMask(prefix - 96);
  const first = ipFromWords(ip.w0 & m0, ip.w1 & m1, ip.w2 & m2, ip.w3 & m3);
  const last = ipFromWords(ip.w0 | ~m0, ip.w1 | ~m1, ip.w2 | ~m2, ip.w3 | ~m3);
  return new IPNetwork(6, prefix, first, last);
}

/**
 * The network of `ip` with `prefix` bits over the address's own width (32 for IPv4, 128 for
 * IPv6). Null when the prefix is out of range.
 */
export function networkOf(ip: IPAddress, prefix: number): IPNetwork | null {
  if (!Number.isInteger(prefix) || prefix < 0) return null;
  if (ip.version === 4) return prefix > 32 ? null : ipv4Network(ip.w3, prefix);
  return prefix > 128 ? null : network128(ip, prefix);
}

/** What `parseCIDR` returns: the address as written and the network it is in. */
export interface ParsedCIDR {
  ip: IPAddress;
  network: IPNetwork;
}

/**
 * Go's `net.ParseCIDR`: `addr/prefix` where the prefix is decimal digits (leading zeros allowed)
 * up to 32 for dotted IPv4 text and 128 for IPv6 text. Null when invalid (including a bare IP).
 */
export function parseCIDR(s: string): ParsedCIDR | null {
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  let ip: IPAddress;
  let bits: number;
  const kind = ipTextKind(s, 0, slash);
  if (kind === 4) {
    const v = scanIPv4(s, 0, slash);
    if (v < 0) return null;
    ip = ipv4FromNumber(v);
    bits = 32;
  } else if (kind === 6) {
    const g = [0, 0, 0, 0, 0, 0, 0, 0];
    if (!scanIPv6(s, 0, slash, g)) return null;
    ip = ipFromGroups(g);
    bits = 128;
  } else {
    return null;
  }
  if (slash + 1 === s.length) return null;
  let n = 0;
  for (let i = slash + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
    if (n >= 0xffffff) return null;
  }
  if (n > bits) return null;
  const network = bits === 32 ? ipv4Network(ip.w3, n) : network128(ip, n);
  return { ip, network };
}

/** A CIDR (as `parseCIDR`) or a single address as a /32 or /128 network. Null when invalid. */
export function parseRange(s: string): IPNetwork | null {
  if (s.indexOf('/') >= 0) {
    const parsed = parseCIDR(s);
    return parsed === null ? null : parsed.network;
  }
  const ip = parseIP(s);
  if (ip === null) return null;
  return ip.version === 4 ? ipv4Network(ip.w3, 32) : network128(ip, 128);
}
