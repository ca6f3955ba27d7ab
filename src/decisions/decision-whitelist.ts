import { HerdError } from '../core/index.js';
import { parseRange, rangeBounds } from '../ip/index.js';

/**
 * Addresses herd never bans, whatever a scenario says: by default loopback, private, link-local and
 * carrier-grade NAT ranges (an attacker cannot be told apart from the users behind them, and banning
 * them locks out the operator). Configurable with `decisions.whitelist`.
 */
export const DEFAULT_DECISION_WHITELIST: readonly string[] = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '0.0.0.0/32',
  '::1/128',
  '::/128',
  'fc00::/7',
  'fe80::/10',
];

export class DecisionWhitelist {
  private readonly ranges: { size: 4 | 16; start: string; end: string; text: string }[];

  constructor(entries: readonly string[]) {
    this.ranges = entries.map((e) => {
      if (!parseRange(e)) throw new HerdError('HERD_CONFIG_INVALID', `decisions.whitelist: '${e}' is not an IP address or CIDR range`);
      const b = rangeBounds(e)!;
      return { size: b.size, start: b.start, end: b.end, text: e };
    });
  }

  /**
   * The whitelist entry that covers a decision on `scope`/`value`, or null. An IP is covered when it
   * is inside an entry; a range when it overlaps one (banning it would ban whitelisted addresses).
   * Other scopes (AS, Country, username…) are never covered.
   */
  covering(scope: string, value: string): string | null {
    const s = scope.toLowerCase();
    if (s !== 'ip' && s !== 'range') return null;
    const b = rangeBounds(value);
    if (!b) return null;
    for (const r of this.ranges) {
      // Same address family only: an IPv6 range never holds an IPv4 address (see ip/range-bounds).
      if (b.size === r.size && b.start <= r.end && b.end >= r.start) return r.text;
    }
    return null;
  }
}
