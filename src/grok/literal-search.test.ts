import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldText, type ConditionLiteral } from './literal-condition.js';
import { LiteralAutomaton, LiteralPrefilter, MAX_AUTOMATON_CELLS } from './literal-search.js';

const cs = (text: string): ConditionLiteral => ({ text, caseInsensitive: false });
const ci = (text: string): ConditionLiteral => ({ text: foldText(text), caseInsensitive: true });

/** What the automaton answers: a mixed set is checked as if every literal were case-insensitive. */
function naive(literals: readonly ConditionLiteral[], input: string): boolean {
  const fold = literals.some((l) => l.caseInsensitive);
  return literals.some((l) => (fold ? foldText(input).includes(foldText(l.text)) : input.includes(l.text)));
}

const chars = fc.constantFrom('a', 'b', 'c', 'A', 'B', 'k', 'K', '\u212A', 's', 'S', '\u017F', 'é', 'É', '/', '.', '\uD800', '😀');
const text = (min: number, max: number): fc.Arbitrary<string> => fc.array(chars, { minLength: min, maxLength: max }).map((xs) => xs.join(''));

describe('LiteralAutomaton', () => {
  it('finds whether any literal occurs, as includes does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text(1, 4), fc.boolean()), { minLength: 1, maxLength: 6 }), fc.array(text(0, 16), { maxLength: 8 }), (spec, inputs) => {
        const literals = spec.map(([t, i]) => (i ? ci(t) : cs(t)));
        const automaton = LiteralAutomaton.build(literals);
        expect(automaton).toBeDefined();
        // Inputs that contain a literal, in other cases too.
        const extra = literals.map((l, k) => `${inputs[k] ?? ''}${k % 2 === 0 ? l.text.toUpperCase() : l.text}x`);
        for (const input of [...inputs, ...extra]) expect(automaton?.test(input), JSON.stringify({ literals, input })).toBe(naive(literals, input));
      }),
      { seed: 4242, numRuns: 300 },
    );
  });

  it('treats the Kelvin sign and the long s as k and s when case-insensitive', () => {
    const automaton = LiteralAutomaton.build([ci('sk')]);
    expect(automaton?.test('xx\u017F\u212Axx')).toBe(true);
    expect(automaton?.test('xxSKxx')).toBe(true);
    expect(automaton?.test('xxs-kxx')).toBe(false);
    expect(LiteralAutomaton.build([cs('sk')])?.test('\u017F\u212A')).toBe(false);
  });

  it('keeps scanning after a partial match (failure links)', () => {
    const automaton = LiteralAutomaton.build([cs('abcd'), cs('bce')]);
    expect(automaton?.test('xabce')).toBe(true);
    expect(automaton?.test('xabcabcd')).toBe(true);
    expect(automaton?.test('xabcbc')).toBe(false);
  });

  it('is not built when it would be too large', () => {
    const many = Array.from({ length: 4000 }, (_, i) => cs(`${i.toString(36)}-${'abcdefghijklmnopqrstuvwxyz0123456789'.slice(i % 30)}`));
    expect(many.reduce((n, l) => n + l.text.length, 0) * 40).toBeGreaterThan(MAX_AUTOMATON_CELLS);
    expect(LiteralAutomaton.build(many)).toBeUndefined();
  });
});

describe('LiteralPrefilter', () => {
  it('needs every term to hold, checking the cheap ones first', () => {
    const p = LiteralPrefilter.build({ kind: 'any' }, [[ci('Nmap'), cs('nikto')], [cs('ab')]]);
    expect(String(p)).toBe('"ab" & ("nmap"i | "nikto")');
    expect(p?.mayMatch('ab NMAP')).toBe(true);
    expect(p?.mayMatch('ab NIKTO')).toBe(true);
    expect(p?.mayMatch('a b nikto')).toBe(false);
    expect(p?.mayMatch('ab')).toBe(false);
  });

  it('rejects everything for a term without literals (nothing can match)', () => {
    const p = LiteralPrefilter.build({ kind: 'none' }, [[]]);
    expect(String(p)).toBe('none');
    expect(p?.mayMatch('anything')).toBe(false);
    expect(LiteralPrefilter.build({ kind: 'any' }, [])).toBeUndefined();
  });
});
