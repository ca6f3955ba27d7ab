import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HerdError } from '../core/index.js';
import { DecisionWhitelist, DEFAULT_DECISION_WHITELIST } from './index.js';

// --- generators and a numeric reference ----------------------------------------------------------

const v4Text = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const v4 = fc.integer({ min: 0, max: 0xffffffff });
/** [first, last] of `ip/prefix` as Go masks it. */
function v4Bounds(ip: number, prefix: number): [number, number] {
  const size = 2 ** (32 - prefix);
  const first = Math.floor(ip / size) * size;
  return [first, first + size - 1];
}

const v6Text = (n: bigint) => {
  const words: string[] = [];
  for (let i = 7; i >= 0; i--) words.push(((n >> BigInt(16 * i)) & 0xffffn).toString(16));
  return words.join(':');
};
/** Global unicast-looking IPv6 addresses (2000::/3), never IPv4-mapped. */
const v6 = fc.bigInt({ min: 0n, max: (1n << 125n) - 1n }).map((n) => n | (1n << 125n));
function v6Bounds(ip: bigint, prefix: number): [bigint, bigint] {
  const size = 1n << BigInt(128 - prefix);
  const first = (ip / size) * size;
  return [first, first + size - 1n];
}

const defaults = new DecisionWhitelist(DEFAULT_DECISION_WHITELIST);

// --- examples ---------------------------------------------------------------------------------------

describe('DecisionWhitelist — the default whitelist', () => {
  it.each([
    ['127.0.0.1', '127.0.0.0/8'],
    ['10.20.30.40', '10.0.0.0/8'],
    ['172.16.0.1', '172.16.0.0/12'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['192.168.1.10', '192.168.0.0/16'],
    ['169.254.169.254', '169.254.0.0/16'],
    ['100.64.0.1', '100.64.0.0/10'],
    ['100.127.255.255', '100.64.0.0/10'],
    ['0.0.0.0', '0.0.0.0/32'],
    ['::1', '::1/128'],
    ['::', '::/128'],
    ['fd12:3456::1', 'fc00::/7'],
    ['fe80::1', 'fe80::/10'],
    ['::ffff:10.0.0.1', '10.0.0.0/8'],
  ])('covers the IP %s (%s)', (ip, entry) => {
    expect(defaults.covering('Ip', ip)).toBe(entry);
  });

  it.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1', '11.0.0.1', '0.0.0.1', '2001:db8::1', '2a00:1450:4007:816::200e', '::2', 'fec0::1'])(
    'does not cover the public IP %s',
    (ip) => {
      expect(defaults.covering('Ip', ip)).toBeNull();
    },
  );

  it.each([
    ['10.0.0.0/7', '10.0.0.0/8'],
    ['192.168.1.0/24', '192.168.0.0/16'],
    ['0.0.0.0/0', '127.0.0.0/8'],
    ['172.0.0.0/8', '172.16.0.0/12'],
    ['fc00::/6', 'fc00::/7'],
    ['::/0', '::1/128'],
    ['fe80::/64', 'fe80::/10'],
  ])('covers the range %s, which overlaps %s', (range, entry) => {
    expect(defaults.covering('Range', range)).toBe(entry);
  });

  it.each(['8.8.8.0/24', '11.0.0.0/8', '1.0.0.0/8', '172.32.0.0/11', '2001:db8::/32', '2000::/3'])('does not cover the public range %s', (range) => {
    expect(defaults.covering('Range', range)).toBeNull();
  });

  it('does not let IPv4 entries cover an IPv6 range that spans the IPv4-mapped block', () => {
    // In hex bounds this range contains ::ffff:127.0.0.1, but an IPv6 range never holds an IPv4 address.
    expect(defaults.covering('Range', '::fffe:0:0/95')).toBeNull();
  });

  it('reads the scope without regard to case', () => {
    expect(defaults.covering('ip', '127.0.0.1')).toBe('127.0.0.0/8');
    expect(defaults.covering('IP', '127.0.0.1')).toBe('127.0.0.0/8');
    expect(defaults.covering('range', '10.0.0.0/16')).toBe('10.0.0.0/8');
  });

  it.each(['AS', 'Country', 'username', 'session', ''])('never covers the scope %j, even with an address as value', (scope) => {
    expect(defaults.covering(scope, '127.0.0.1')).toBeNull();
    expect(defaults.covering(scope, '10.0.0.0/8')).toBeNull();
  });

  it('never covers a value that is no address or range', () => {
    expect(defaults.covering('Ip', 'localhost')).toBeNull();
    expect(defaults.covering('Ip', '')).toBeNull();
    expect(defaults.covering('Range', '10.0.0.0/33')).toBeNull();
  });
});

describe('DecisionWhitelist — configured entries', () => {
  it('takes single addresses and ranges, and names the entry that covers', () => {
    const w = new DecisionWhitelist(['203.0.113.7', '198.51.100.0/24', '2001:db8:1::/48']);
    expect(w.covering('Ip', '203.0.113.7')).toBe('203.0.113.7');
    expect(w.covering('Ip', '203.0.113.8')).toBeNull();
    expect(w.covering('Range', '203.0.113.0/24')).toBe('203.0.113.7');
    expect(w.covering('Ip', '198.51.100.200')).toBe('198.51.100.0/24');
    expect(w.covering('Ip', '2001:db8:1:2::3')).toBe('2001:db8:1::/48');
    expect(w.covering('Ip', '2001:db8:2::3')).toBeNull();
    expect(w.covering('Ip', '127.0.0.1')).toBeNull();
  });

  it('covers nothing when empty', () => {
    const w = new DecisionWhitelist([]);
    expect(w.covering('Ip', '127.0.0.1')).toBeNull();
    expect(w.covering('Range', '0.0.0.0/0')).toBeNull();
  });

  it('refuses an entry that is no address or range, naming it', () => {
    let err: unknown;
    try {
      new DecisionWhitelist(['10.0.0.0/8', 'intranet']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HerdError);
    expect((err as HerdError).code).toBe('HERD_CONFIG_INVALID');
    expect((err as HerdError).message).toBe("decisions.whitelist: 'intranet' is not an IP address or CIDR range");
  });
});

// --- properties ---------------------------------------------------------------------------------------

describe('DecisionWhitelist — properties', () => {
  it('property: an IPv4 address is covered exactly when it lies inside an entry', () => {
    fc.assert(
      fc.property(v4, fc.integer({ min: 0, max: 32 }), v4, (base, prefix, ip) => {
        const [first, last] = v4Bounds(base, prefix);
        // Bias half the cases towards addresses inside the range.
        const probe = ip % 2 === 0 ? first + (ip % (last - first + 1)) : ip;
        const w = new DecisionWhitelist([`${v4Text(base)}/${prefix}`]);
        const inside = probe >= first && probe <= last;
        expect(w.covering('Ip', v4Text(probe)) !== null).toBe(inside);
      }),
      { seed: 21, numRuns: 500 },
    );
  });

  it('property: an IPv4 range is covered exactly when it overlaps an entry', () => {
    fc.assert(
      fc.property(v4, fc.integer({ min: 0, max: 32 }), v4, fc.integer({ min: 0, max: 32 }), (a, pa, b, pb) => {
        const [f1, l1] = v4Bounds(a, pa);
        const [f2, l2] = v4Bounds(b, pb);
        const w = new DecisionWhitelist([`${v4Text(a)}/${pa}`]);
        expect(w.covering('Range', `${v4Text(b)}/${pb}`) !== null).toBe(f2 <= l1 && l2 >= f1);
      }),
      { seed: 22, numRuns: 500 },
    );
  });

  it('property: an IPv6 address or range is covered exactly when it meets an entry', () => {
    fc.assert(
      fc.property(v6, fc.integer({ min: 3, max: 128 }), v6, fc.integer({ min: 3, max: 128 }), (a, pa, b, pb) => {
        const [f1, l1] = v6Bounds(a, pa);
        const [f2, l2] = v6Bounds(b, pb);
        const w = new DecisionWhitelist([`${v6Text(a)}/${pa}`]);
        expect(w.covering('Range', `${v6Text(b)}/${pb}`) !== null).toBe(f2 <= l1 && l2 >= f1);
        expect(w.covering('Ip', v6Text(b)) !== null).toBe(b >= f1 && b <= l1);
      }),
      { seed: 23, numRuns: 500 },
    );
  });

  it('property: IPv4 entries never cover IPv6 values, and IPv6 entries never cover IPv4 values', () => {
    const v4Only = new DecisionWhitelist(['0.0.0.0/0']);
    const v6Only = new DecisionWhitelist(['::/0']);
    fc.assert(
      fc.property(v4, fc.integer({ min: 0, max: 32 }), v6, fc.integer({ min: 0, max: 128 }), (a, pa, b, pb) => {
        expect(v6Only.covering('Ip', v4Text(a))).toBeNull();
        expect(v6Only.covering('Range', `${v4Text(a)}/${pa}`)).toBeNull();
        expect(v4Only.covering('Ip', v6Text(b))).toBeNull();
        expect(v4Only.covering('Range', `${v6Text(b)}/${pb}`)).toBeNull();
      }),
      { seed: 24, numRuns: 300 },
    );
  });
});
