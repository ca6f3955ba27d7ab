import { describe, expect, it } from 'vitest';
import { parseRange } from '../ip/index.js';
import { cleanupScript, nftNames, planScript } from './nftables-script.js';
import { NftablesState, mergeIntervals } from './nftables-state.js';
import { decision } from './test-kit.js';

const T = 1_700_000_000_000;
const names = nftNames();

describe('NftablesState', () => {
  it('plans a full rebuild with every address and range at startup', () => {
    const s = new NftablesState();
    s.apply({ new: [decision('192.0.2.1', { id: 1, duration: '1h' }), decision('2001:db8::1', { id: 2 }), decision('198.51.100.0/24', { id: 3 })], deleted: [] }, T);
    const plan = s.plan(T, true);
    expect(plan.full).toBe(true);
    expect(plan.set).toEqual([
      { ip: '192.0.2.1', version: 4, timeoutMs: 3600_000 },
      { ip: '2001:db8::1', version: 6, timeoutMs: 4 * 3600_000 },
    ]);
    expect(plan.ranges).toEqual({ v4: ['198.51.100.0/24'], v6: [] });
    const script = planScript(names, plan);
    expect(script).toContain('add table inet herd\ndelete table inet herd\nadd table inet herd\n');
    expect(script).toContain('add set inet herd herd-blacklist-v4 { type ipv4_addr; flags timeout; }');
    expect(script).toContain('add chain inet herd input { type filter hook input priority -10; policy accept; }');
    expect(script).toContain('add rule inet herd input ip saddr @herd-blacklist-v4 counter drop');
    expect(script).toContain('add element inet herd herd-blacklist-v4 { 192.0.2.1 timeout 3600s }');
    expect(script).toContain('add element inet herd herd-blacklist-v6 { 2001:db8::1 timeout 14400s }');
    expect(script).toContain('add element inet herd herd-blacklist-v4-ranges { 198.51.100.0/24 }');
    s.committed(plan, T);
    expect(NftablesState.isEmpty(s.plan(T + 1000, false))).toBe(true);
  });

  it('sends only the change afterwards: new elements, removals that cannot fail, no-ops skipped', () => {
    const s = new NftablesState();
    s.apply({ new: [decision('192.0.2.1', { id: 1 })], deleted: [] }, T);
    s.committed(s.plan(T, true), T);
    s.apply({ new: [decision('192.0.2.2', { id: 2, duration: '10m' })], deleted: [decision('192.0.2.1', { id: 1 })] }, T + 5000);
    const plan = s.plan(T + 5000, false);
    expect(plan.remove).toEqual([{ ip: '192.0.2.1', version: 4 }]);
    expect(plan.set).toEqual([{ ip: '192.0.2.2', version: 4, timeoutMs: 600_000 }]);
    expect(plan.ranges).toBeNull();
    expect(planScript(names, plan)).toBe(
      'add element inet herd herd-blacklist-v4 { 192.0.2.1 timeout 1s, 192.0.2.2 timeout 1s }\n' +
        'delete element inet herd herd-blacklist-v4 { 192.0.2.1, 192.0.2.2 }\n' +
        'add element inet herd herd-blacklist-v4 { 192.0.2.2 timeout 600s }\n',
    );
    s.committed(plan, T + 5000);
    expect(s.counts).toEqual({ v4: 1, v6: 0, ranges: 0 });
  });

  it('keeps an address while another decision on it lasts, with the longer timeout', () => {
    const s = new NftablesState();
    s.apply({ new: [decision('192.0.2.1', { id: 1, duration: '1h' }), decision('192.0.2.1', { id: 2, duration: '2h' })], deleted: [] }, T);
    s.committed(s.plan(T, true), T);
    s.apply({ new: [], deleted: [decision('192.0.2.1', { id: 1 })] }, T);
    expect(NftablesState.isEmpty(s.plan(T, false))).toBe(true);
    s.apply({ new: [], deleted: [decision('192.0.2.1', { id: 2 })] }, T);
    expect(s.plan(T, false).remove).toEqual([{ ip: '192.0.2.1', version: 4 }]);
  });

  it('deletes by type and value when the id is unknown', () => {
    const s = new NftablesState();
    s.apply({ new: [decision('192.0.2.1', { id: 1 }), decision('10.0.0.0/8', { id: 2 })], deleted: [] }, T);
    s.committed(s.plan(T, true), T);
    s.apply({ new: [], deleted: [decision('192.0.2.1', { id: 0 }), decision('10.0.0.0/8', { id: 77 })] }, T);
    const plan = s.plan(T, false);
    expect(plan.remove).toHaveLength(1);
    expect(plan.ranges).toEqual({ v4: [], v6: [] });
    expect(planScript(names, plan)).toContain('flush set inet herd herd-blacklist-v4-ranges\n');
  });

  it('leaves expired addresses to the kernel and rebuilds ranges when one ends', () => {
    const s = new NftablesState();
    s.apply({ new: [decision('192.0.2.1', { id: 1, duration: '1m' }), decision('10.0.0.0/8', { id: 2, duration: '1m' }), decision('172.16.0.0/12', { id: 3 })], deleted: [] }, T);
    s.committed(s.plan(T, true), T);
    const plan = s.plan(T + 60_000, false);
    expect(plan.remove).toEqual([]);
    expect(plan.set).toEqual([]);
    expect(plan.ranges).toEqual({ v4: ['172.16.0.0/12'], v6: [] });
    s.committed(plan, T + 60_000);
    expect(s.counts).toEqual({ v4: 0, v6: 0, ranges: 1 });
  });

  it('caps kernel timeouts and refreshes long decisions before the cap runs out', () => {
    const s = new NftablesState({ maxTimeoutMs: 3600_000, refreshWindowMs: 60_000 });
    s.apply({ new: [decision('192.0.2.1', { id: 1, duration: '8760h' })], deleted: [] }, T);
    const first = s.plan(T, true);
    expect(first.set[0].timeoutMs).toBe(3600_000);
    s.committed(first, T);
    expect(NftablesState.isEmpty(s.plan(T + 3500_000, false))).toBe(true);
    const refresh = s.plan(T + 3550_000, false);
    expect(refresh.set).toEqual([{ ip: '192.0.2.1', version: 4, timeoutMs: 3600_000 }]);
  });

  it('enforces only the configured types and counts what it ignores', () => {
    const s = new NftablesState();
    s.apply({ new: [decision('192.0.2.1', { type: 'captcha' }), decision('FR', { scope: 'Country' }), decision('192.0.2.2', { id: 2 })], deleted: [] }, T);
    expect(s.plan(T, true).set.map((x) => x.ip)).toEqual(['192.0.2.2']);
    expect(s.ignored).toBe(2);
  });

  it('plans the same change again when nft failed (nothing is committed)', () => {
    const s = new NftablesState();
    s.apply({ new: [decision('192.0.2.1', { id: 1 })], deleted: [] }, T);
    s.committed(s.plan(T, true), T);
    s.apply({ new: [decision('192.0.2.2', { id: 2 })], deleted: [] }, T);
    const a = s.plan(T, false);
    const b = s.plan(T, false);
    expect(b).toEqual(a);
  });
});

describe('merged intervals for range sets', () => {
  const nets = (...l: string[]) => l.map((x) => parseRange(x)!);

  it('merges nested, overlapping and adjacent ranges, writing CIDRs when exact', () => {
    expect(mergeIntervals(nets('10.0.0.0/8', '10.1.0.0/16', '11.0.0.0/8'), 4)).toEqual(['10.0.0.0/7']);
    expect(mergeIntervals(nets('192.0.2.0/25', '192.0.2.128/26', '198.51.100.7/32'), 4)).toEqual(['192.0.2.0-192.0.2.191', '198.51.100.7']);
    expect(mergeIntervals(nets('2001:db8::/33', '2001:db8:8000::/33', '2001:dba::/48'), 6)).toEqual(['2001:db8::/32', '2001:dba::/48']);
    expect(mergeIntervals([], 4)).toEqual([]);
  });
});

describe('nftables names', () => {
  it('derives range set names from custom set names and refuses names nft would not take', () => {
    const n = nftNames({ table: 'fw', setV4: 'bad4', setV6: 'bad6', hooks: ['input', 'forward'] });
    expect(n.rangeSetV4).toBe('bad4-ranges');
    expect(planScript(n, { full: true, remove: [], set: [], ranges: null })).toContain('add rule inet fw forward ip6 saddr @bad6 counter drop');
    expect(cleanupScript(n)).toBe('add table inet fw\ndelete table inet fw\n');
    expect(() => nftNames({ table: 'a b' })).toThrow(/nftables.table: 'a b'/);
    expect(() => nftNames({ hooks: ['output' as 'input'] })).toThrow(/nftables.hooks/);
  });
});
