import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { IPAddress, compareIP, formatIP, ipFromWords, ipToHex, parseIP } from './ip-address.js';

const SEED = 20231010;

function words(ip: IPAddress | null): number[] | null {
  return ip === null ? null : [ip.w0, ip.w1, ip.w2, ip.w3];
}

/** 16-bit groups biased towards zeros so that `::` compression is exercised. */
const group = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.constantFrom(1, 0xffff) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
);
const groups8 = fc.array(group, { minLength: 8, maxLength: 8 });

function wordsOf(g: number[]): [number, number, number, number] {
  return [g[0] * 65536 + g[1], g[2] * 65536 + g[3], g[4] * 65536 + g[5], g[6] * 65536 + g[7]];
}

function isMapped(g: number[]): boolean {
  return g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;
}

describe('parseIP and formatIP', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['10.0.0.1', '10.0.0.1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:db8:0:0:0:1:0:0', '2001:db8::1:0:0'],
    ['0001:02:003::', '1:2:3::'],
    ['FE80::1:2', 'fe80::1:2'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:102:304', '1.2.3.4'],
    ['0:0:0:0:0:ffff:1.2.3.4', '1.2.3.4'],
    ['64:ff9b::1.2.3.4', '64:ff9b::102:304'],
    ['::1.2.3.4', '::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('reads %s and prints it as Go does: %s', (input, printed) => {
    const ip = parseIP(input);
    expect(ip).not.toBeNull();
    expect(formatIP(ip as IPAddress)).toBe(printed);
    expect(String(ip)).toBe(printed);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3.00',
    '256.1.1.1',
    '1.2.3.1000',
    '1..2.3',
    '.1.2.3',
    '1.2.3.',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1.2.3.-4',
    '0x1.2.3.4',
    '1.2.3.4:80',
    '1.2.3.4::',
    'fe80::1%eth0',
    '::ffff:1.2.3.4%eth0',
    '%eth0',
    '[::1]',
    '::1:',
    ':1::',
    ':1',
    ':::',
    '1:::2',
    '1::2::3',
    '12345::',
    '::00001',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6::1.2.3.4',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:1.2.3.4',
    '::ffff:01.2.3.4',
    '::1.2.3',
    '::a.2.3.4',
    'g::1',
    'abc',
    'localhost',
    '1',
    '::ffff:1.2.3.4/32',
  ])('rejects %j as Go net.ParseIP does', (input) => {
    expect(parseIP(input)).toBeNull();
  });

  it('treats an IPv4-mapped IPv6 address as the same IPv4 address', () => {
    const a = parseIP('1.2.3.4') as IPAddress;
    const b = parseIP('::ffff:1.2.3.4') as IPAddress;
    expect(b.version).toBe(4);
    expect(a.equals(b)).toBe(true);
    expect(parseIP('64:ff9b::1.2.3.4')?.version).toBe(6);
    expect(parseIP('::1.2.3.4')?.version).toBe(6);
  });

  it('round-trips every IPv4 address through text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const text = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
        const ip = parseIP(text);
        expect(ip?.version).toBe(4);
        expect(ip?.w3).toBe(n);
        expect(formatIP(ip as IPAddress)).toBe(text);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('reads every textual form of an IPv6 address to the same address and prints it canonically', () => {
    fc.assert(
      fc.property(groups8, fc.boolean(), (g, upper) => {
        const expected = wordsOf(g);
        const full = g.map((x) => x.toString(16).padStart(4, '0')).join(':');
        const short = g.map((x) => x.toString(16)).join(':');
        const forms = [full, short, upper ? full.toUpperCase() : full];
        const canonical = formatIP(parseIP(full) as IPAddress);
        forms.push(canonical);
        for (const form of forms) expect(words(parseIP(form))).toEqual(expected);
        if (!isMapped(g)) {
          // The WHATWG URL serializer compresses IPv6 by the same RFC 5952 rule.
          const oracle = new URL(`http://[${full}]/`).hostname.slice(1, -1);
          expect(canonical).toBe(oracle);
        } else {
          expect(canonical).toBe(`${g[6] >>> 8}.${g[6] & 255}.${g[7] >>> 8}.${g[7] & 255}`);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('round-trips generated addresses: parse(format(ip)) is ip', () => {
    fc.assert(
      fc.property(groups8, (g) => {
        const [w0, w1, w2, w3] = wordsOf(g);
        const ip = ipFromWords(w0, w1, w2, w3);
        expect(words(parseIP(formatIP(ip)))).toEqual([w0, w1, w2, w3]);
        expect(parseIP(formatIP(ip))?.version).toBe(ip.version);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('orders hex forms as the addresses are ordered numerically', () => {
    const toBig = (ip: IPAddress): bigint =>
      (BigInt(ip.w0) << 96n) | (BigInt(ip.w1) << 64n) | (BigInt(ip.w2) << 32n) | BigInt(ip.w3);
    fc.assert(
      fc.property(groups8, groups8, (ga, gb) => {
        const a = ipFromWords(...wordsOf(ga));
        const b = ipFromWords(...wordsOf(gb));
        const ha = ipToHex(a);
        const hb = ipToHex(b);
        expect(ha).toHaveLength(32);
        const byText = ha < hb ? -1 : ha > hb ? 1 : 0;
        const byNumber = toBig(a) < toBig(b) ? -1 : toBig(a) > toBig(b) ? 1 : 0;
        expect(byText).toBe(byNumber);
        expect(compareIP(a, b)).toBe(byNumber);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
