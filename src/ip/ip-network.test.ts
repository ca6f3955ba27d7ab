import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { HerdError } from '../core/index.js';
import {
  IPAddress,
  IpMatcher,
  IPNetwork,
  ipFromWords,
  ipInRange,
  ipToRange,
  isIP,
  isIPv4,
  isIPv6,
  networkOf,
  parseCIDR,
  parseIP,
  parseRange,
  rangeBounds,
} from './index.js';

const SEED = 5952;
const MAX128 = (1n << 128n) - 1n;

function toBig(ip: IPAddress): bigint {
  return (BigInt(ip.w0) << 96n) | (BigInt(ip.w1) << 64n) | (BigInt(ip.w2) << 32n) | BigInt(ip.w3);
}

function fromBig(b: bigint): IPAddress {
  const m = 0xffffffffn;
  return ipFromWords(Number((b >> 96n) & m), Number((b >> 64n) & m), Number((b >> 32n) & m), Number(b & m));
}

/** A network and the 128-bit bounds it should have. */
interface Case {
  network: IPNetwork;
  lo: bigint;
  hi: bigint;
}

const MAPPED = 0xffffn << 32n;

const v4Case = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
  .map(([v, prefix]): Case => {
    const hostBits = BigInt(32 - prefix);
    const lo = (BigInt(v) >> hostBits) << hostBits;
    const hi = lo + (1n << hostBits) - 1n;
    const network = networkOf(fromBig(MAPPED | BigInt(v)), prefix) as IPNetwork;
    return { network, lo: MAPPED | lo, hi: MAPPED | hi };
  });

const v6Case = fc
  .tuple(fc.bigInt({ min: 0n, max: MAX128 }), fc.integer({ min: 0, max: 128 }))
  .filter(([b]) => b >> 32n !== 0xffffn) // not IPv4-mapped: that is an IPv4 address
  .map(([b, prefix]): Case => {
    const hostBits = BigInt(128 - prefix);
    const lo = (b >> hostBits) << hostBits;
    const hi = lo + (1n << hostBits) - 1n;
    return { network: networkOf(fromBig(b), prefix) as IPNetwork, lo, hi };
  });

function isV4Big(b: bigint): boolean {
  return b >> 32n === 0xffffn;
}

describe('parseCIDR', () => {
  it.each([
    ['192.168.100.1/24', '192.168.100.1', '192.168.100.0/24'],
    ['192.168.100.1/0', '192.168.100.1', '0.0.0.0/0'],
    ['1.2.3.4/32', '1.2.3.4', '1.2.3.4/32'],
    ['1.2.3.4/024', '1.2.3.4', '1.2.3.0/24'],
    ['2001:db8:a0b:12f0::1/32', '2001:db8:a0b:12f0::1', '2001:db8::/32'],
    ['::/0', '::', '::/0'],
    ['::1/128', '::1', '::1/128'],
    ['::ffff:1.2.3.4/120', '1.2.3.4', '1.2.3.0/24'],
    ['::ffff:1.2.3.4/96', '1.2.3.4', '0.0.0.0/0'],
    ['::ffff:1.2.3.4/24', '1.2.3.4', '::/24'],
  ])('reads %s as address %s in network %s', (input, ip, network) => {
    const parsed = parseCIDR(input);
    expect(parsed).not.toBeNull();
    expect(String(parsed?.ip)).toBe(ip);
    expect(String(parsed?.network)).toBe(network);
  });

  it.each(['1.2.3.4', '1.2.3.4/', '1.2.3.4/33', '::/129', '1.2.3.4/-1', '1.2.3.4/+24', '1.2.3.4/ 24', '1.2.3.4/24 ', '1.2.3.4/2/4', '01.2.3.4/8', 'fe80::1%eth0/64', '/24', '1.2.3.4/99999999999'])(
    'rejects %j as Go net.ParseCIDR does',
    (input) => {
      expect(parseCIDR(input)).toBeNull();
    },
  );

  it('reads a bare address as a one-address range when asked', () => {
    expect(String(parseRange('1.2.3.4'))).toBe('1.2.3.4/32');
    expect(String(parseRange('2001:db8::1'))).toBe('2001:db8::1/128');
    expect(String(parseRange('::ffff:10.0.0.1'))).toBe('10.0.0.1/32');
    expect(String(parseRange('10.0.0.0/8'))).toBe('10.0.0.0/8');
    expect(parseRange('10.0.0.0/33')).toBeNull();
    expect(parseRange('nope')).toBeNull();
  });
});

describe('network membership', () => {
  it('holds every address between the bounds and neither neighbour outside them', () => {
    fc.assert(
      fc.property(fc.oneof(v4Case, v6Case), fc.bigInt({ min: 0n, max: MAX128 }), ({ network, lo, hi }, r) => {
        expect(toBig(network.first)).toBe(lo);
        expect(toBig(network.last)).toBe(hi);
        const inside = lo + (r % (hi - lo + 1n));
        if (isV4Big(inside) === (network.version === 4)) expect(network.contains(fromBig(inside))).toBe(true);
        if (lo > 0n) expect(network.contains(fromBig(lo - 1n))).toBe(false);
        if (hi < MAX128) expect(network.contains(fromBig(hi + 1n))).toBe(false);
        // The network's text reads back as the same network.
        const again = parseCIDR(network.toString());
        expect(again?.network.toString()).toBe(network.toString());
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('never puts an IPv4 address in an IPv6 network, as Go does', () => {
    const all6 = parseCIDR('::/0')?.network as IPNetwork;
    expect(all6.contains(parseIP('1.2.3.4') as IPAddress)).toBe(false);
    expect(all6.contains(parseIP('::ffff:1.2.3.4') as IPAddress)).toBe(false);
    expect(all6.contains(parseIP('::1') as IPAddress)).toBe(true);
    expect(all6.contains(parseIP('::1.2.3.4') as IPAddress)).toBe(true);
  });
});

describe('CrowdSec IP helpers', () => {
  it.each([
    ['1.2.3.4', '1.2.3.0/24', true],
    ['1.2.4.4', '1.2.3.0/24', false],
    ['::ffff:1.2.3.4', '1.2.3.0/24', true],
    ['1.2.3.4', '::ffff:1.2.3.0/120', true],
    ['1.2.3.4', '::/0', false],
    ['2001:db8::1', '::/0', true],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['1.2.3.4', '1.2.3.4', false],
    ['x', '1.2.3.0/24', false],
    ['1.2.3.4', 'x', false],
  ])('IpInRange(%j, %j) is %s', (ip, cidr, expected) => {
    expect(ipInRange(ip, cidr)).toBe(expected);
  });

  it.each([
    ['192.168.0.1', '24', '192.168.0.0/24'],
    ['192.168.42.1', '16', '192.168.0.0/16'],
    ['1.2.3.4', '/24', '1.2.3.0/24'],
    ['1.2.3.4', '/32', '1.2.3.4/32'],
    ['1.2.3.4', '/0', '0.0.0.0/0'],
    ['1.2.3.4', '-0', '0.0.0.0/0'],
    ['1.2.3.4', '+8', '1.0.0.0/8'],
    ['::ffff:1.2.3.4', '/24', '1.2.3.0/24'],
    ['2001:db8:85a3::8a2e:370:7334', '/64', '2001:db8:85a3::/64'],
    ['2001:db8::1', '/128', '2001:db8::1/128'],
    ['2001:db8::1', '/24', '2001:d00::/24'],
    ['1.2.3.4', '/33', ''],
    ['2001:db8::1', '/129', ''],
    ['1.2.3.4', '/-1', ''],
    ['1.2.3.4', '', ''],
    ['1.2.3.4', '/', ''],
    ['1.2.3.4', '//24', ''],
    ['1.2.3.4', 'abc', ''],
    ['1.2.3.4', '24 ', ''],
    ['not-an-ip', '/24', ''],
  ])('IpToRange(%j, %j) is %j', (ip, suffix, expected) => {
    expect(ipToRange(ip, suffix)).toBe(expected);
  });

  it.each([
    ['1.2.3.4', true, false, true],
    ['::ffff:1.2.3.4', true, false, true],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', false, true, true],
    ['::1', false, true, true],
    ['1.2.3', false, false, false],
    ['', false, false, false],
    ['fe80::1%eth0', false, false, false],
  ])('IsIPV4/IsIPV6/IsIP of %j are %s/%s/%s', (s, v4, v6, any) => {
    expect(isIPv4(s)).toBe(v4);
    expect(isIPv6(s)).toBe(v6);
    expect(isIP(s)).toBe(any);
  });
});

describe('IpMatcher', () => {
  // Networks drawn from small spaces so that they overlap, nest and touch.
  const v4Net = fc
    .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 16, max: 32 }))
    .map(([low, prefix]) => networkOf(fromBig(MAPPED | 0x0a000000n | BigInt(low)), prefix) as IPNetwork);
  const v6Net = fc
    .tuple(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.integer({ min: 96, max: 128 }))
    .map(([low, prefix]) => networkOf(fromBig((0x20010db8n << 96n) | low), prefix) as IPNetwork);
  const probe = fc.oneof(
    fc.integer({ min: 0, max: 0x1ffff }).map((low) => fromBig(MAPPED | (0x0a000000n + BigInt(low)))),
    fc.bigInt({ min: 0n, max: 0x1ffffffffn }).map((low) => fromBig((0x20010db8n << 96n) + low)),
  );

  it('agrees with a naive loop over the ranges, for addresses and for their text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(v4Net, v6Net), { maxLength: 30 }), fc.array(probe, { maxLength: 40 }), (nets, probes) => {
        const matcher = new IpMatcher(nets);
        for (const ip of probes) {
          const expected = nets.some((n) => n.contains(ip));
          expect(matcher.contains(ip)).toBe(expected);
          expect(matcher.contains(ip.toString())).toBe(expected);
        }
        for (const n of nets) {
          expect(matcher.contains(n.first)).toBe(true);
          expect(matcher.contains(n.last)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('reads a whitelist of IPs and CIDRs, IPv4 and IPv6 mixed', () => {
    const m = IpMatcher.parse(['192.168.0.0/16', '10.0.0.1', '2001:db8::/32', '::1', '10.0.0.2']);
    expect(m.size).toBe(4); // 10.0.0.1 and 10.0.0.2 merge
    expect(m.contains('192.168.3.4')).toBe(true);
    expect(m.contains('::ffff:192.168.3.4')).toBe(true);
    expect(m.contains('10.0.0.2')).toBe(true);
    expect(m.contains('10.0.0.3')).toBe(false);
    expect(m.contains('2001:db8:1::5')).toBe(true);
    expect(m.contains('::1')).toBe(true);
    expect(m.contains('::2')).toBe(false);
    expect(m.contains('not an ip')).toBe(false);
    expect(m.contains('')).toBe(false);
    expect(new IpMatcher([]).contains('1.2.3.4')).toBe(false);
  });

  it('names the bad entries of a list in a HerdError, or returns them when asked', () => {
    let caught: unknown;
    try {
      IpMatcher.parse(['1.2.3.4', '1.2.3.400', '10.0.0.0/40'], 'whitelist.yaml:3');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HerdError);
    expect((caught as HerdError).code).toBe('HERD_IP_RANGE_INVALID');
    expect((caught as HerdError).message).toContain('"1.2.3.400"');
    expect((caught as HerdError).message).toContain('"10.0.0.0/40"');
    expect((caught as HerdError).message).toContain('whitelist.yaml:3');
    expect(() => new IpMatcher([parseRange('10.0.0.0/8') as IPNetwork, 'nope'])).toThrow(/"nope"/);
    expect(new IpMatcher([parseRange('10.0.0.0/8') as IPNetwork, '192.0.2.1']).contains('10.1.2.3')).toBe(true);
    const { matcher, invalid } = IpMatcher.tryParse(['1.2.3.4', 'bad']);
    expect(invalid).toEqual(['bad']);
    expect(matcher.contains('1.2.3.4')).toBe(true);
  });
});

describe('rangeBounds', () => {
  it('gives 32-hex-digit bounds in one 128-bit space with the family size', () => {
    expect(rangeBounds('1.2.3.0/24')).toEqual({
      size: 4,
      start: '00000000000000000000ffff01020300',
      end: '00000000000000000000ffff010203ff',
    });
    expect(rangeBounds('1.2.3.4')).toEqual({
      size: 4,
      start: '00000000000000000000ffff01020304',
      end: '00000000000000000000ffff01020304',
    });
    expect(rangeBounds('2001:db8::/32')).toEqual({
      size: 16,
      start: '20010db8000000000000000000000000',
      end: '20010db8ffffffffffffffffffffffff',
    });
    expect(rangeBounds('::ffff:1.2.3.4/120')?.size).toBe(4);
    expect(rangeBounds('1.2.3.4/33')).toBeNull();
  });

  it('orders bounds by string comparison exactly as the addresses order numerically', () => {
    fc.assert(
      fc.property(fc.oneof(v4Case, v6Case), fc.oneof(v4Case, v6Case), (a, b) => {
        const ba = rangeBounds(a.network.toString());
        const bb = rangeBounds(b.network.toString());
        expect(ba).not.toBeNull();
        expect(bb).not.toBeNull();
        const sign = (x: bigint, y: bigint): number => (x < y ? -1 : x > y ? 1 : 0);
        const str = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
        expect(str(ba!.start, bb!.start)).toBe(sign(a.lo, b.lo));
        expect(str(ba!.end, bb!.end)).toBe(sign(a.hi, b.hi));
        expect(str(ba!.start, bb!.end)).toBe(sign(a.lo, b.hi));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
