/**
 * IP ranges as SQL-comparable bounds. Every address is written as 32 lowercase hex digits of one
 * 128-bit space (IPv4 at `::ffff:0:0/96`), so plain string comparison is numeric comparison on
 * SQLite and on PostgreSQL (use a "C" collation there to be safe), and "decisions whose range
 * holds X" is `start <= X AND end >= X`. `size` keeps IPv4 (4) apart from IPv6 (16), as CrowdSec's
 * `ip_size` column does, because an IPv6 range never holds an IPv4 address in Go's semantics.
 */
import { ipToHex } from './ip-address.js';
import { IPNetwork, parseRange } from './ip-network.js';

export interface RangeBounds {
  size: 4 | 16;
  /** First address, 32 hex digits. */
  start: string;
  /** Last address, 32 hex digits. */
  end: string;
}

/** Bounds of a network. */
export function networkBounds(network: IPNetwork): RangeBounds {
  return {
    size: network.version === 4 ? 4 : 16,
    start: ipToHex(network.first),
    end: ipToHex(network.last),
  };
}

/** Bounds of an IP (a one-address range) or a CIDR; null when `s` is neither. */
export function rangeBounds(s: string): RangeBounds | null {
  const network = parseRange(s);
  return network === null ? null : networkBounds(network);
}
