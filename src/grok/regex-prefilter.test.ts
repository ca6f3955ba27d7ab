import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileRegex, parseGoRegex, type SafeRegex } from './index.js';
import { goRegex, INPUT_CHARS, literalRegex, sampleMatch } from './regex-fixtures.js';

const run = (r: SafeRegex, s: string): (string | undefined)[] | null => {
  const m = r.exec(s);
  return m === null ? null : Array.from(m);
};

/** One of the strings that fold to `ch` (`k`: k, K or the Kelvin sign). */
function caseVariant(ch: string, pick: (n: number) => number): string {
  const variants: Record<string, string[]> = { k: ['k', 'K', '\u212A'], s: ['s', 'S', '\u017F'] };
  const options = variants[ch] ?? (ch >= 'a' && ch <= 'z' ? [ch, ch.toUpperCase()] : [ch]);
  return options[pick(options.length)];
}

/**
 * Inputs for a regex: random text, with some of its prefilter's literals (in any case when
 * case-insensitive) and some strings it matches inserted.
 */
function inputsFor(r: SafeRegex, g: fc.GeneratorValue): string[] {
  const pick = (n: number): number => (n <= 1 ? 0 : g(fc.integer, { min: 0, max: n - 1 }));
  const randomText = (): string => g(fc.array, fc.constantFrom(...INPUT_CHARS), { maxLength: 8 }).join('');
  const literals = (r.prefilter?.terms ?? []).flat();
  const ast = parseGoRegex(r.source).ast;
  const inputs: string[] = [];
  for (let k = 0; k < 6; k++) {
    let s = randomText();
    const insertions = pick(3);
    for (let j = 0; j < insertions; j++) {
      let piece: string;
      if (literals.length > 0 && pick(2) === 0) {
        const l = literals[pick(literals.length)];
        piece = l.caseInsensitive ? [...l.text].map((ch) => caseVariant(ch, pick)).join('') : l.text;
      } else {
        piece = sampleMatch(ast, pick);
      }
      const at = pick(s.length + 1);
      s = s.slice(0, at) + piece + s.slice(at);
    }
    inputs.push(s);
  }
  return inputs;
}

/** The prefiltered regex gives exactly the answers of the same regex without its prefilter. */
function agrees(source: string, g: fc.GeneratorValue): void {
  for (const engine of ['auto', 're2'] as const) {
    const filtered = compileRegex(source, { engine });
    const plain = compileRegex(source, { engine, prefilter: false });
    expect(plain.prefilter).toBeUndefined();
    for (const s of inputsFor(filtered, g)) {
      const want = run(plain, s);
      const what = `${source} on ${JSON.stringify(s)} (${engine}; prefilter ${String(filtered.prefilter)})`;
      if (want !== null) expect(filtered.prefilter?.mayMatch(s) ?? true, what).toBe(true);
      expect(run(filtered, s), what).toEqual(want);
      expect(filtered.test(s), what).toBe(want !== null);
    }
  }
}

describe('the literal prefilter', () => {
  it('never changes an answer, on the general regex generator', () => {
    fc.assert(
      fc.property(goRegex(3), fc.gen(), (source, g) => agrees(source, g)),
      { seed: 20250301, numRuns: 200 },
    );
  });

  it('never changes an answer, on literal-rich expressions and inputs built from their literals and matches', () => {
    let constrained = 0;
    let total = 0;
    fc.assert(
      fc.property(literalRegex(3), fc.gen(), (source, g) => {
        total++;
        if (compileRegex(source).prefilter !== undefined) constrained++;
        agrees(source, g);
      }),
      { seed: 777, numRuns: 300 },
    );
    // The generator mostly yields expressions that have something to check.
    expect(constrained / total).toBeGreaterThan(0.4);
  });

  it('is derived for every compiled regex, and can be turned off', () => {
    const r = compileRegex('(?i)\\b(?:sqlmap|nikto|nmap(?: scripting engine|/))\\b');
    expect(String(r.prefilter)).toBe('("sqlmap"i | "nikto"i | "nmap scripting engine"i | "nmap/"i)');
    expect(r.prefilter?.describeCondition()).toBe(String(r.prefilter));
    expect(r.test('Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0')).toBe(false);
    expect(r.exec('sqlmap/1.7.2#stable (https://sqlmap.org)')?.[0]).toBe('sqlmap');
    expect(r.test('Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)')).toBe(true);
    expect(compileRegex('[a-z]+').prefilter).toBeUndefined();
    expect(compileRegex('abc', { prefilter: false }).prefilter).toBeUndefined();
    expect(compileRegex('abc', { engine: 're2' }).prefilter?.toString()).toBe('"abc"');
  });

  it('keeps the answers of the re2 binding, which reads a lone surrogate as U+FFFD', () => {
    const r = compileRegex('ab\\x{fffd}cd', { engine: 're2' });
    expect(r.test('ab\uD800cd')).toBe(true);
    expect(compileRegex('ab\\x{fffd}cd', { engine: 're2', prefilter: false }).test('ab\uD800cd')).toBe(true);
    expect(String(r.prefilter)).toBe('"ab" & "cd"');
  });

  it('rejects before the answer cache, and leaves matching inputs to the regex', () => {
    const r = compileRegex('/mgmt/tm/util/bash|/vendor/phpunit/.*/eval-stdin\\.php');
    // The longer literal of the second branch is taken.
    expect(String(r.prefilter)).toBe('("/mgmt/tm/util/bash" | "/vendor/phpunit/")');
    for (let i = 0; i < 3; i++) expect(r.test(`/api/v2/products/${i}`)).toBe(false);
    expect(r.test('/vendor/phpunit/eval-stdin.php.txt')).toBe(false);
    expect(r.test('/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php')).toBe(true);
    expect(r.exec('/mgmt/tm/util/bash?x')?.[0]).toBe('/mgmt/tm/util/bash');
  });
});
