import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import RE2 from 're2';
import { compileRegex, compileGrok, parseGoRegex, PatternLibrary, addPatternText } from './index.js';
import { guardBefore, optionalPrefixParts } from './optional-prefix.js';
import { emitJsRegex } from './js-regex-emit.js';
import { goRegex } from './regex-fixtures.js';

const run = (source: string, s: string, engine: 'auto' | 're2'): (string | undefined)[] | null => {
  const m = compileRegex(source, { engine }).exec(s);
  return m === null ? null : Array.from(m);
};

const oracle = (source: string, s: string): (string | undefined)[] | null => {
  const m = new RE2(source).exec(s);
  return m === null ? null : Array.from(m, (v) => (v === undefined ? undefined : String(v)));
};

function parts(source: string) {
  const parsed = parseGoRegex(source);
  const js = emitJsRegex(parsed.ast, parsed.groupCount);
  if (!js.ok) throw new Error(js.reason);
  return optionalPrefixParts(parsed.ast, parsed.groupCount, js.source);
}

describe('optional leading group ending in a delimiter, matched in parts', () => {
  it('applies to `(X c)?rest` when X cannot hold c, or only after a guard character', () => {
    expect(parts('([a-z]+(:\\d+)? )?(\\d+) x')).toMatchObject({ delimiter: ' ', guard: [] });
    // The IPv6 zone `%…` may hold the delimiter: '%' guards it.
    const guard = parts('((?:[0-9a-f:]+(?:%[^\\n]+)?) )?(\\w+) -')?.guard;
    expect(guard).toEqual(['%'.charCodeAt(0), '%'.charCodeAt(0)]);
    // X may start with the delimiter: no guard, no split.
    expect(parts('([^x]+ )?(\\w+) -')).toBeUndefined();
    // Not greedy, not optional, or not ending in a literal: the whole runs as before.
    expect(parts('(a+ )??b')).toBeUndefined();
    expect(parts('(a+ )b')).toBeUndefined();
    expect(parts('(a+)?b')).toBeUndefined();
  });

  it('guardBefore: what must precede the first occurrence of a character', () => {
    const g = (src: string) => guardBefore(parseGoRegex(src).ast, 0x20);
    expect(g('[a-z]+')).toBe('never');
    expect(g(' ')).toBeNull();
    expect(g('a%[^\\n]*')).toEqual([0x25, 0x25]);
    expect(g('(?:a|b )')).toEqual([0x62, 0x62]);
    expect(g('(?:x?[^\\n])+')).toBeNull();
  });

  it('agrees with RE2 on generated `(X c)?rest` expressions and inputs', () => {
    const input = fc
      .array(fc.constantFrom('a', 'b', '1', '2', ' ', ':', '%', '-', '.', 'x', 'é'), { maxLength: 14 })
      .map((xs) => xs.join(''));
    const delimiter = fc.constantFrom(' ', ':', '-');
    let split = 0;
    fc.assert(
      fc.property(goRegex(2), delimiter, goRegex(2), fc.array(input, { minLength: 4, maxLength: 10 }), (x, c, rest, inputs) => {
        const source = `(${x}${c === '-' ? '\\-' : c})?${rest}`;
        try {
          new RE2(source);
        } catch {
          return;
        }
        const compiled = compileRegex(source);
        if ((compiled as unknown as { atStart?: unknown }).atStart !== undefined) split++;
        for (const s of inputs) {
          expect(run(source, s, 'auto'), `${source} on ${JSON.stringify(s)}`).toEqual(oracle(source, s));
        }
      }),
      { seed: 20261126, numRuns: 300 },
    );
    // Enough of the generated expressions take the split path for the property to mean something.
    expect(split).toBeGreaterThan(25);
  });

  it('agrees with RE2 on the IPORHOST prefix of the nginx access pattern, zones and hostnames included', () => {
    const library = new PatternLibrary();
    addPatternText(
      library,
      [
        'IPV6 (?:[0-9A-Fa-f]{1,4}:){1,7}[0-9A-Fa-f]{1,4}(?:%[^\\n]+)?|::',
        'IPV4 (?:\\d{1,3}\\.){3}\\d{1,3}',
        'IP %{IPV6}|%{IPV4}',
        'HOSTNAME \\b[0-9A-Za-z][0-9A-Za-z-]{0,62}(?:\\.[0-9A-Za-z][0-9A-Za-z-]{0,62})*(\\.?|\\b)',
        'IPORHOST %{IP}|%{HOSTNAME}',
        'INT (?:[+-]?(?:[0-9]+))',
      ].join('\n'),
      'test',
    );
    const grok = compileGrok(library, '(%{IPORHOST:target_fqdn}(:%{INT:port})? )?%{IPORHOST:remote_addr} - %{INT:status}');
    const re2 = compileGrok(library, '(%{IPORHOST:target_fqdn}(:%{INT:port})? )?%{IPORHOST:remote_addr} - %{INT:status}', { engine: 're2' });
    expect((grok.regex as unknown as { atStart?: unknown }).atStart).toBeDefined();
    const token = fc.constantFrom('1.2.3.4', 'fe80::1', 'fe80::1%eth0', 'a.example.com', 'host', '-', 'x y', '%', ':8080', '::1');
    const line = fc.array(fc.oneof(token, fc.constantFrom(' ', ' - ', ' 200', ':')), { maxLength: 9 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(line, (s) => {
        expect(grok.parse(s), s).toEqual(re2.parse(s));
      }),
      { seed: 7, numRuns: 3000 },
    );
    expect(grok.parse('fe80::1%eth0 x 1.2.3.4 - 200')).toEqual(re2.parse('fe80::1%eth0 x 1.2.3.4 - 200'));
    expect(grok.parse('example.com:8080 1.2.3.4 - 200')).toMatchObject({ target_fqdn: 'example.com', port: '8080', remote_addr: '1.2.3.4' });
    expect(grok.parse('1.2.3.4 - 200')).toMatchObject({ target_fqdn: '', port: '', remote_addr: '1.2.3.4', status: '200' });
  });
});
