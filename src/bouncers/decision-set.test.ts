import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIP, parseRange } from '../ip/index.js';
import { DecisionSet } from './decision-set.js';
import { RemediationRanking } from './remediation.js';
import { decision } from './test-kit.js';

const T = 1_700_000_000_000;
const at = (set: DecisionSet, ip: string, now = T) => set.lookup(parseIP(ip)!, now);

describe('DecisionSet (stream mode)', () => {
  it('holds new IPv4 and IPv6 decisions and answers only for those addresses', () => {
    const s = new DecisionSet();
    s.apply({ new: [decision('192.0.2.1', { id: 1 }), decision('2001:DB8::1', { id: 2 })], deleted: [] }, T);
    expect(at(s, '192.0.2.1')?.type).toBe('ban');
    expect(at(s, '::ffff:192.0.2.1')?.id).toBe(1);
    expect(at(s, '2001:db8:0::1')?.value).toBe('2001:db8::1');
    expect(at(s, '192.0.2.2')).toBeNull();
    expect(at(s, '2001:db8::2')).toBeNull();
  });

  it('matches every address inside a range, IPv4 and IPv6, and none outside', () => {
    const s = new DecisionSet();
    s.apply({ new: [decision('198.51.100.0/24', { id: 1 }), decision('2001:db8:1::/48', { id: 2, type: 'captcha' })], deleted: [] }, T);
    expect(at(s, '198.51.100.0')?.id).toBe(1);
    expect(at(s, '198.51.100.255')?.id).toBe(1);
    expect(at(s, '198.51.101.0')).toBeNull();
    expect(at(s, '2001:db8:1:ffff::9')?.type).toBe('captcha');
    expect(at(s, '2001:db8:2::1')).toBeNull();
  });

  it('agrees with a plain scan over the ranges for random decisions and addresses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 })), { minLength: 1, maxLength: 12 }),
        fc.array(fc.ipV4(), { maxLength: 20 }),
        (ranges, probes) => {
          const s = new DecisionSet();
          const nets = ranges.map(([ip, p], i) => {
            const n = parseRange(`${ip}/${p}`)!;
            s.add({ id: i + 1, type: 'ban', scope: 'range', value: n.toString(), origin: 'x', scenario: 'x', until: T + 1000 });
            return n;
          });
          // Probe inside the ranges too, not only at random.
          for (const ip of [...probes, ...nets.map((n) => n.last.toString())]) {
            const addr = parseIP(ip)!;
            expect(s.lookup(addr, T) !== null).toBe(nets.some((n) => n.contains(addr)));
          }
        },
      ),
      { seed: 99, numRuns: 150 },
    );
  });

  it('removes a deleted decision by id, and by type and value when the id is unknown', () => {
    const s = new DecisionSet();
    s.apply({ new: [decision('192.0.2.1', { id: 1 }), decision('192.0.2.2', { id: 2 }), decision('10.0.0.0/8', { id: 3 })], deleted: [] }, T);
    const r = s.apply({ new: [], deleted: [decision('192.0.2.1', { id: 1 }), decision('192.0.2.2', { id: 99 }), decision('10.0.0.0/8', { id: 0 })] }, T);
    expect(r.removed).toBe(3);
    expect(at(s, '192.0.2.1')).toBeNull();
    expect(at(s, '192.0.2.2')).toBeNull();
    expect(at(s, '10.1.1.1')).toBeNull();
    expect(s.size).toBe(0);
  });

  it('keeps another decision on the same address when one of them is deleted', () => {
    const s = new DecisionSet();
    s.apply({ new: [decision('192.0.2.1', { id: 1 }), decision('192.0.2.1', { id: 2, type: 'captcha' })], deleted: [] }, T);
    s.apply({ new: [], deleted: [decision('192.0.2.1', { id: 1 })] }, T);
    expect(at(s, '192.0.2.1')?.type).toBe('captcha');
  });

  it('enforces ban before captcha, then the longest, as configured', () => {
    const s = new DecisionSet();
    s.apply({ new: [decision('192.0.2.0/24', { id: 1, type: 'captcha', duration: '9h' }), decision('192.0.2.1', { id: 2, duration: '1h' })], deleted: [] }, T);
    expect(at(s, '192.0.2.1')?.id).toBe(2);
    const captchaFirst = new DecisionSet(new RemediationRanking(['captcha', 'ban']));
    captchaFirst.apply({ new: [decision('192.0.2.0/24', { id: 1, type: 'captcha' }), decision('192.0.2.1', { id: 2 })], deleted: [] }, T);
    expect(at(captchaFirst, '192.0.2.1')?.id).toBe(1);
  });

  it('stops answering for a decision once its duration is over, and sweeps it', () => {
    const s = new DecisionSet();
    s.apply({ new: [decision('192.0.2.1', { duration: '3h59m58s' })], deleted: [] }, T);
    const end = T + (3 * 3600 + 59 * 60 + 58) * 1000;
    expect(at(s, '192.0.2.1', end - 1)).not.toBeNull();
    expect(at(s, '192.0.2.1', end)).toBeNull();
    expect(s.sweep(end)).toBe(1);
    expect(s.size).toBe(0);
  });

  it('replaces a decision that comes again with the same id', () => {
    const s = new DecisionSet();
    s.apply({ new: [decision('192.0.2.1', { id: 5, duration: '1h' })], deleted: [] }, T);
    s.apply({ new: [decision('192.0.2.1', { id: 5, duration: '2h' })], deleted: [] }, T);
    expect(s.size).toBe(1);
    expect(at(s, '192.0.2.1', T + 90 * 60_000)).not.toBeNull();
  });

  it('ignores scopes and values it cannot enforce on addresses, and already-ended decisions', () => {
    const s = new DecisionSet();
    const r = s.apply(
      {
        new: [
          decision('FR', { scope: 'Country' }),
          decision('not-an-ip', { scope: 'Ip' }),
          decision('192.0.2.1', { duration: 'soon' }),
          decision('192.0.2.3', { duration: '-5m' }),
        ],
        deleted: [],
      },
      T,
    );
    expect(r).toEqual({ added: 0, removed: 0, ignored: 3 });
    expect(s.size).toBe(0);
  });
});
