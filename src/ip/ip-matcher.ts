/**
 * A set of IPs and CIDR ranges, built once and asked per log line ("is this source whitelisted?").
 * Ranges are sorted and merged into disjoint intervals, IPv4 and IPv6 apart, and a lookup is a
 * binary search: O(log n), no allocation for IPv4 strings (hot path).
 */
import { HerdError } from '../core/index.js';
import { IPAddress, ipTextKind, scanIPv4, scanIPv6 } from './ip-address.js';
import { IPNetwork, parseRange } from './ip-network.js';

/** A 128-bit interval as eight words: start w0..w3, end w0..w3. */
type Interval6 = [number, number, number, number, number, number, number, number];

function cmp4(a: number[], ai: number, b: number[], bi: number): number {
  for (let i = 0; i < 4; i++) {
    const x = a[ai + i];
    const y = b[bi + i];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export interface IpMatcherParse {
  matcher: IpMatcher;
  /** Entries that are neither an IP nor a CIDR, as given. */
  invalid: string[];
}

export class IpMatcher {
  private readonly v4Start: Uint32Array;
  private readonly v4End: Uint32Array;
  /** Stride 4: interval i is words [4i, 4i+4). */
  private readonly v6Start: Uint32Array;
  private readonly v6End: Uint32Array;
  private readonly v6Count: number;
  /** Scan buffer for IPv6 strings; per instance, so matchers stay independent. */
  private readonly groups: number[] = [0, 0, 0, 0, 0, 0, 0, 0];

  /**
   * Builds the matcher from networks and/or IP and CIDR text (IPv4 and IPv6 mixed). Throws
   * HERD_IP_RANGE_INVALID naming every text entry that is neither, so configuration fails at
   * start-up, not per line; `where` (file:line) goes into the error.
   */
  constructor(entries: Iterable<IPNetwork | string>, where?: string) {
    const v4: Array<[number, number]> = [];
    const v6: Interval6[] = [];
    const invalid: string[] = [];
    for (const e of entries) {
      let n: IPNetwork | null;
      if (typeof e === 'string') {
        n = parseRange(e);
        if (n === null) {
          invalid.push(e);
          continue;
        }
      } else {
        n = e;
      }
      if (n.version === 4) v4.push([n.first.w3, n.last.w3]);
      else v6.push([n.first.w0, n.first.w1, n.first.w2, n.first.w3, n.last.w0, n.last.w1, n.last.w2, n.last.w3]);
    }

    if (invalid.length > 0) {
      const list = invalid.map((e) => JSON.stringify(e)).join(', ');
      throw new HerdError(
        'HERD_IP_RANGE_INVALID',
        `not an IP address or CIDR range: ${list}; ` +
          'write an address (192.0.2.1, 2001:db8::1) or a range (192.0.2.0/24, 2001:db8::/32)',
        where === undefined ? undefined : { where },
      );
    }

    v4.sort((a, b) => a[0] - b[0]);
    const merged4: Array<[number, number]> = [];
    for (const r of v4) {
      const top = merged4[merged4.length - 1];
      if (top !== undefined && r[0] <= top[1] + 1) {
        if (r[1] > top[1]) top[1] = r[1];
      } else {
        merged4.push([r[0], r[1]]);
      }
    }
    this.v4Start = Uint32Array.from(merged4, (r) => r[0]);
    this.v4End = Uint32Array.from(merged4, (r) => r[1]);

    v6.sort((a, b) => cmp4(a, 0, b, 0));
    const merged6: Interval6[] = [];
    for (const r of v6) {
      const top = merged6[merged6.length - 1];
      if (top !== undefined && cmp4(r, 0, top, 4) <= 0) {
        if (cmp4(r, 4, top, 4) > 0) for (let i = 4; i < 8; i++) top[i] = r[i];
      } else {
        merged6.push([...r] as Interval6);
      }
    }
    this.v6Count = merged6.length;
    this.v6Start = new Uint32Array(merged6.length * 4);
    this.v6End = new Uint32Array(merged6.length * 4);
    merged6.forEach((r, i) => {
      for (let j = 0; j < 4; j++) {
        this.v6Start[i * 4 + j] = r[j];
        this.v6End[i * 4 + j] = r[4 + j];
      }
    });
  }

  /** Same as the constructor, from text only. */
  static parse(entries: Iterable<string>, where?: string): IpMatcher {
    return new IpMatcher(entries, where);
  }

  /** Like `parse`, but skips the invalid entries and returns them instead of throwing. */
  static tryParse(entries: Iterable<string>): IpMatcherParse {
    const networks: IPNetwork[] = [];
    const invalid: string[] = [];
    for (const e of entries) {
      const n = parseRange(e);
      if (n === null) invalid.push(e);
      else networks.push(n);
    }
    return { matcher: new IpMatcher(networks), invalid };
  }

  /** Number of disjoint intervals after merging (IPv4 plus IPv6). */
  get size(): number {
    return this.v4Start.length + this.v6Count;
  }

  /** Is the address (or address text, as `net.ParseIP` reads it) in one of the ranges? */
  contains(ip: string | IPAddress): boolean {
    if (typeof ip !== 'string') {
      return ip.version === 4 ? this.containsV4(ip.w3) : this.containsV6(ip.w0, ip.w1, ip.w2, ip.w3);
    }
    const kind = ipTextKind(ip, 0, ip.length);
    if (kind === 4) {
      const v = scanIPv4(ip, 0, ip.length);
      return v >= 0 && this.containsV4(v);
    }
    if (kind === 6) {
      const g = this.groups;
      if (!scanIPv6(ip, 0, ip.length, g)) return false;
      const w0 = g[0] * 65536 + g[1];
      const w1 = g[2] * 65536 + g[3];
      const w2 = g[4] * 65536 + g[5];
      const w3 = g[6] * 65536 + g[7];
      if (w0 === 0 && w1 === 0 && w2 === 0xffff) return this.containsV4(w3);
      return this.containsV6(w0, w1, w2, w3);
    }
    return false;
  }

  private containsV4(x: number): boolean {
    const starts = this.v4Start;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1; // last interval starting at or before x
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= x) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found >= 0 && this.v4End[found] >= x;
  }

  private containsV6(w0: number, w1: number, w2: number, w3: number): boolean {
    const s = this.v6Start;
    let lo = 0;
    let hi = this.v6Count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const b = mid * 4;
      // start <= x ?
      let le: boolean;
      if (s[b] !== w0) le = s[b] < w0;
      else if (s[b + 1] !== w1) le = s[b + 1] < w1;
      else if (s[b + 2] !== w2) le = s[b + 2] < w2;
      else le = s[b + 3] <= w3;
      if (le) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return false;
    const e = this.v6End;
    const b = found * 4;
    if (e[b] !== w0) return e[b] > w0;
    if (e[b + 1] !== w1) return e[b + 1] > w1;
    if (e[b + 2] !== w2) return e[b + 2] > w2;
    return e[b + 3] >= w3;
  }
}
