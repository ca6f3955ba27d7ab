import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IpMatcher, formatIP, parseIP } from '../ip/index.js';
import { ClientIpResolver, hopAddress } from './client-ip.js';

const TRUSTED = ['10.0.0.0/8', '127.0.0.1', '2001:db8:ffff::/48', '::1'];
const trusted = IpMatcher.parse(TRUSTED);
const canon = (ip: string): string => formatIP(parseIP(ip)!);

const anyIp = fc.oneof(fc.ipV4(), fc.ipV6());
const untrustedIp = anyIp.filter((ip) => !trusted.contains(ip));
const trustedIp = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b, c]) => `10.${a}.${b}.${c}`),
  fc.integer({ min: 0, max: 0xffff }).map((g) => `2001:db8:ffff::${g.toString(16)}`),
  fc.constant('127.0.0.1'),
  fc.constant('::1'),
);
const SEED = { seed: 424242, numRuns: 300 };

describe('client IP resolution', () => {
  const resolver = new ClientIpResolver({ trustedProxies: TRUSTED });

  it('never lets a forwarding header from an untrusted peer change the client address', () => {
    fc.assert(
      fc.property(untrustedIp, fc.oneof(fc.string(), fc.array(anyIp).map((l) => l.join(', '))), (peer, header) => {
        const got = resolver.resolve(peer, { 'x-forwarded-for': header, 'x-real-ip': header });
        expect(got).toBe(canon(peer));
      }),
      SEED,
    );
  });

  it('returns the first untrusted hop from the right behind trusted proxies, whatever the client put on the left', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(anyIp, fc.string({ maxLength: 12 }).filter((s) => !s.includes(','))), { maxLength: 4 }),
        untrustedIp,
        fc.array(trustedIp, { maxLength: 3 }),
        trustedIp,
        (spoofed, client, hops, peer) => {
          const header = [...spoofed, client, ...hops].join(', ');
          expect(resolver.resolve(peer, { 'x-forwarded-for': header })).toBe(canon(client));
        },
      ),
      SEED,
    );
  });

  it('takes the leftmost address when every hop is a trusted proxy', () => {
    fc.assert(
      fc.property(fc.array(trustedIp, { minLength: 1, maxLength: 4 }), trustedIp, (hops, peer) => {
        expect(resolver.resolve(peer, { 'x-forwarded-for': hops.join(',') })).toBe(canon(hops[0]));
      }),
      SEED,
    );
  });

  it('uses the socket address when a trusted peer sends no header', () => {
    expect(resolver.resolve('10.1.2.3', {})).toBe('10.1.2.3');
    expect(resolver.resolve('::ffff:10.1.2.3', { 'x-forwarded-for': '' })).toBe('10.1.2.3');
  });

  it('ignores the header entirely when no proxy is trusted', () => {
    const plain = new ClientIpResolver();
    expect(plain.resolve('192.0.2.9', { 'x-forwarded-for': '198.51.100.1' })).toBe('192.0.2.9');
    expect(plain.resolve('::ffff:192.0.2.9', {})).toBe('192.0.2.9');
  });

  it('stops at a hop that is not an address and blames the proxy that reported it', () => {
    expect(resolver.resolve('127.0.0.1', { 'x-forwarded-for': '198.51.100.7, garbage, 10.0.0.2' })).toBe('10.0.0.2');
    expect(resolver.resolve('127.0.0.1', { 'x-forwarded-for': 'garbage' })).toBe('127.0.0.1');
  });

  it('reads hops written with ports or brackets, and skips empty ones', () => {
    expect(resolver.resolve('127.0.0.1', { 'x-forwarded-for': '198.51.100.7:5555, ' })).toBe('198.51.100.7');
    expect(resolver.resolve('::1', { 'x-forwarded-for': '[2001:db8::7]:443,,10.0.0.1' })).toBe('2001:db8::7');
    expect(hopAddress(' 2001:DB8::1 ')?.toString()).toBe('2001:db8::1');
    expect(hopAddress('')).toBeNull();
  });

  it('reads a configured header such as X-Real-IP, and only that one', () => {
    const real = new ClientIpResolver({ trustedProxies: ['127.0.0.1'], header: 'X-Real-IP' });
    expect(real.resolve('127.0.0.1', { 'x-real-ip': '203.0.113.5', 'x-forwarded-for': '198.51.100.1' })).toBe('203.0.113.5');
    expect(real.resolve('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' })).toBe('127.0.0.1');
  });

  it('has no address for a peer without one (a Unix socket)', () => {
    expect(resolver.resolve(undefined, { 'x-forwarded-for': '198.51.100.1' })).toBeNull();
  });

  it('refuses a trusted proxy that is not an IP or range, naming it', () => {
    expect(() => new ClientIpResolver({ trustedProxies: ['10.0.0.0/33'] })).toThrow(/10\.0\.0\.0\/33/);
  });
});
