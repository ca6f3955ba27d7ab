import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRegex } from '../grok/index.js';
import { compileExpr } from './compile-expr.js';
import { crowdsecHelpers } from './crowdsec-helpers.js';

/**
 * `any(list, {subject op #})` runs as a set lookup (see compile-any-match.ts). The property: for any
 * list and subject, it answers exactly what the element-by-element loop answers. The loop is forced
 * by a body of another shape (`(… ) == true`) that the matcher does not take.
 */

const functions = crowdsecHelpers();
const compile = (src: string) => compileExpr(src, { variables: ['L', 's'], functions, regex: compileRegex });

const BODIES: [string, string][] = [
  ['s contains #', '(s contains #) == true'],
  ['Upper(s) contains Upper(#)', '(Upper(s) contains Upper(#)) == true'],
  ['Lower(s) contains #', '(Lower(s) contains #) == true'],
  ['Upper(s) contains #', '(Upper(s) contains #) == true'],
  ['Lower(s) contains Lower(#)', '(Lower(s) contains Lower(#)) == true'],
  ['s == #', '(s == #) == true'],
  ['# == s', '(# == s) == true'],
  ['s endsWith #', '(s endsWith #) == true'],
  ['s startsWith #', '(s startsWith #) == true'],
];

// ASCII and not: é, the Kelvin sign and the long s (whose Upper/Lower are not ASCII case mapping).
const text = fc.string({ maxLength: 8 }).map((x) => x.replace(/[^a-cA-CkKsS./é\u212Aſ]/g, 'a'));
const small = fc.stringMatching(/^[abABkKsS./é\u212Aſ]{0,6}$/);

describe('any(list, {subject op #}) as a set lookup', () => {
  for (const [fast, slow] of BODIES) {
    it(`answers as the loop does: ${fast}`, () => {
      const f = compile(`any(L, {${fast}})`);
      const g = compile(`any(L, {${slow}})`);
      fc.assert(
        fc.property(fc.array(fc.oneof(small, text), { maxLength: 40 }), fc.oneof(small, text), (L, s) => {
          expect(f.run({ L, s })).toBe(g.run({ L, s }));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('keeps the loop, with its results and errors, for entries or subjects that are not strings', () => {
    const f = compile('any(L, {s contains #})');
    const g = compile('any(L, {(s contains #) == true})');
    for (const env of [{ L: ['a', 1], s: 'a1' }, { L: [1, 'a'], s: 'a1' }, { L: [], s: null }, { L: ['a'], s: null }, { L: null, s: 'x' }]) {
      let want: unknown;
      try {
        want = g.run(env);
      } catch (err) {
        want = (err as Error).message.split(" (")[0];
      }
      let got: unknown;
      try {
        got = f.run(env);
      } catch (err) {
        got = (err as Error).message.split(" (")[0];
      }
      expect(got, JSON.stringify(env)).toEqual(want);
    }
  });

  it('matches hundreds of entries, an empty entry matching everything', () => {
    const L = Array.from({ length: 500 }, (_, i) => `/path-${i}/`);
    const f = compile('any(L, {Upper(s) contains Upper(#)})');
    expect(f.run({ L, s: '/x/PATH-499/y' })).toBe(true);
    expect(f.run({ L, s: '/x/path-500/y' })).toBe(false);
    expect(f.run({ L: [...L, ''], s: 'nothing' })).toBe(true);
  });
});

describe('any(list, {s contains #}) beyond the automaton size limit', () => {
  it('answers as the loop does with thousands of distinct entries (the pair index)', () => {
    const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const r = rand(7);
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-';
    const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    const L = Array.from({ length: 6000 }, () => word(12 + Math.floor(r() * 20)));
    const f = compile('any(L, {s contains #})');
    const g = compile('any(L, {(s contains #) == true})');
    for (let i = 0; i < 200; i++) {
      const s = i % 3 === 0 ? word(10) + L[Math.floor(r() * L.length)]! + word(5) : word(40);
      expect(f.run({ L, s })).toBe(g.run({ L, s }));
    }
  });
});

describe('predicates over queued events', () => {
  it("remember a pure #-only predicate's answer per element object, and give the loop's answers", () => {
    const f = compileExpr('len(filter(L, {#.Meta.t == "x"}))', { variables: ['L'], functions, regex: compileRegex });
    const mk = (t: string) => ({ Meta: { t } });
    const a = mk('x');
    const b = mk('y');
    const L = [a, b, mk('x')];
    expect(f.run({ L })).toBe(2);
    expect(f.run({ L: [...L, mk('x')] })).toBe(3);
    // a fresh element object is evaluated, not taken from another's answer
    expect(f.run({ L: [mk('y'), mk('y')] })).toBe(0);
  });

  it('does not remember predicates that read more than #', () => {
    const f = compileExpr('len(filter(L, {#.Meta.t == s}))', { variables: ['L', 's'], functions, regex: compileRegex });
    const a = { Meta: { t: 'x' } };
    expect(f.run({ L: [a], s: 'x' })).toBe(1);
    expect(f.run({ L: [a], s: 'y' })).toBe(0);
  });
});
