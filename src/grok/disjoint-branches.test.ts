import { describe, expect, it } from 'vitest';
import { orderAlternatives, guardOf } from './disjoint-branches.js';
import { parseGoRegex } from './go-regex-syntax.js';
import { compileRegex } from './safe-regex.js';
import type { RegexNode } from './regex-ast.js';

/**
 * Alternations whose branches cannot match at one position are emitted smallest branch first (the
 * order does not change any match or capture); others keep their order.
 */

const alternation = (src: string): readonly RegexNode[] => {
  let n = parseGoRegex(src).ast;
  while (n.kind === 'capture' || (n.kind === 'concat' && n.subs.length === 1)) n = n.kind === 'capture' ? n.sub : n.subs[0]!;
  if (n.kind !== 'alternate') throw new Error(`not an alternation: ${src}`);
  return n.subs;
};

const IPV6 = '(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|:(?::[0-9A-Fa-f]{1,4}){1,7})';
const IPV4 = '(?:(?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])[.](?:[0-1]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]))';

describe('orderAlternatives', () => {
  it('finds the character every IPv6 form and every IPv4 address reach after a run of digits', () => {
    const [v6, v4] = alternation(`(?:${IPV6}|${IPV4})`);
    expect(guardOf(v6!)?.ch).toBe(':'.charCodeAt(0));
    expect(guardOf(v4!)?.ch).toBe('.'.charCodeAt(0));
  });

  it('puts IPv4 before IPv6: they cannot match at one position', () => {
    const subs = alternation(`(?:${IPV6}|${IPV4})`);
    expect(orderAlternatives(subs)).toEqual([subs[1], subs[0]]);
  });

  it('keeps the order when branches may match at one position (a hostname can be an IPv4 address)', () => {
    const subs = alternation(`(?:${IPV4}|[0-9A-Za-z][0-9A-Za-z.-]*)`);
    expect(orderAlternatives(subs)).toBe(subs);
    const same = alternation('(?:x[0-9]:|x[a-z]/)');
    expect(orderAlternatives(same)).toBe(same);
    const prefix = alternation('(?:[a-z]+:|[a-z]+/)');
    expect(orderAlternatives(prefix)).toBe(prefix);
  });

  it('moves IPv4 before IPv6 but not before a hostname after them (IPORHOST: IPV6|IPV4|HOSTNAME)', () => {
    const subs = alternation(`(?:${IPV6}|${IPV4}|[0-9A-Za-z][0-9A-Za-z.-]*)`);
    expect(orderAlternatives(subs)).toEqual([subs[1], subs[0], subs[2]]);
    const hostFirst = alternation(`(?:[0-9A-Za-z][0-9A-Za-z.-]*|${IPV6}|${IPV4})`);
    expect(orderAlternatives(hostFirst)).toEqual([hostFirst[0], hostFirst[2], hostFirst[1]]);
  });

  it('gives the same matches and captures as RE2 once reordered', () => {
    const re = compileRegex(`^((?:${IPV6}|${IPV4})) (x)?`);
    const inputs = ['1.2.3.4 x', '2001:db8::1 x', '::1 x', 'fe80::1:2 ', '1.2.3.4:80 x', '12:34:56:78:9a:bc:de:f0 x', 'abc x', '1.2.3 x'];
    for (const s of inputs) {
      const js = re.exec(s);
      const r2 = compileRegex(`^((?:${IPV6}|${IPV4})) (x)?`, { engine: 're2' }).exec(s);
      expect(js, s).toEqual(r2);
    }
  });
});
