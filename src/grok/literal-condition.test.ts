import { describe, expect, it } from 'vitest';
import { foldOrbit } from './case-fold.js';
import { parseGoRegex } from './go-regex-syntax.js';
import { foldUnit, formatCondition, literalCondition, MAX_PREFILTER_TERMS, prefilterTerms } from './literal-condition.js';
import { formatLiteral } from './literal-condition.js';

const condition = (source: string): string => formatCondition(literalCondition(parseGoRegex(source).ast));
const terms = (source: string): string[] =>
  prefilterTerms(literalCondition(parseGoRegex(source).ast)).map((t) => (t.length === 1 ? formatLiteral(t[0]) : `(${t.map(formatLiteral).join(' | ')})`));

describe('literalCondition', () => {
  it('turns an alternation of literals into the OR of its strings', () => {
    expect(condition('\\b(?:sqlmap|nikto|nmap(?: scripting engine|/)|zgrab)\\b')).toBe(
      '("sqlmap" | "nikto" | "nmap scripting engine" | "nmap/" | "zgrab")',
    );
  });

  it('multiplies small exact sets along a concatenation', () => {
    expect(condition('a(?:b|c)d')).toBe('("abd" | "acd")');
    expect(condition('x(?:ab)?y')).toBe('("xy" | "xaby")');
    expect(condition('(?:ab){2}')).toBe('"abab"');
    expect(condition('\\.\\.[/\\\\]')).toBe('("../" | "..\\\\")');
  });

  it('ANDs the literals around loose parts', () => {
    expect(condition('foo.*bar\\d+bazz')).toBe('("foo" & "bar" & "bazz")');
    expect(condition('GET /[a-z]+\\.php HTTP/1\\.[01]')).toBe('("GET /" & (".php HTTP/1.0" | ".php HTTP/1.1"))');
  });

  it('keeps nothing from optional, starred or class-only parts', () => {
    expect(condition('(?:abc)*')).toBe('any');
    expect(condition('(?:abc){0,3}x')).toBe('any');
    expect(condition('[a-z]+\\d')).toBe('any');
    expect(condition('.')).toBe('any');
    expect(condition('\\p{Greek}+')).toBe('any');
    // A single character is too common to reject anything.
    expect(condition('a|bc')).toBe('any');
  });

  it('keeps the body of a required repeat', () => {
    expect(condition('(?:abc)+')).toBe('"abc"');
    expect(condition('(?:ab){2,}')).toBe('"abab"');
    expect(condition('(?:ab|cd){1,3}x')).toBe('("ab" | "cd")');
  });

  it('leaves an alternation unconstrained when one branch has no literal', () => {
    expect(condition('sqlmap|nikto|[0-9]+')).toBe('any');
    expect(condition('(?:sqlmap|\\d{3})x')).toBe('any');
  });

  it('gives each branch of an alternation its own condition', () => {
    expect(condition('foo.*bar|qux')).toBe('(("foo" & "bar") | "qux")');
    expect(terms('foo.*barbaz|qux')).toEqual(['("barbaz" | "qux")']);
  });

  it('folds case-insensitive parts, including the Kelvin sign and the long s', () => {
    expect(condition('(?i)sqlmap|nikto')).toBe('("sqlmap"i | "nikto"i)');
    expect(condition('(?i)Ks')).toBe('"ks"i');
    expect(condition('[Ss][Ee][Ll][Ee][Cc][Tt]')).toBe('"select"i');
    expect(condition('abc(?i:def)')).toBe('"abcdef"i');
    // Without letters, a case-insensitive literal is an exact one.
    expect(condition('(?i)\\.\\./')).toBe('"../"');
    expect(condition('\\x{212A}\\x{17F}')).toBe('"\u212A\u017F"');
  });

  it('drops case-insensitive letters outside ASCII (RE2 folds them with its own Unicode data)', () => {
    expect(condition('(?i)straße')).toBe('"stra"i');
    expect(condition('(?i)σσ')).toBe('any');
    expect(condition('(?i)\\pL')).toBe('any');
    // Classes are folded when parsed, for both engines: their members are known.
    expect(condition('[éÉ]t[éÉ]')).toBe('("ÉtÉ" | "Été" | "étÉ" | "été")');
  });

  it('never relies on U+FFFD or surrogates (the re2 binding reads lone surrogates as U+FFFD)', () => {
    expect(condition('ab\\x{fffd}cd')).toBe('("ab" & "cd")');
    expect(condition('\\x{fffd}\\x{fffd}')).toBe('any');
  });

  it('knows when nothing can match', () => {
    expect(condition('a[^\\x00-\\x{10FFFF}]b')).toBe('none');
    expect(condition('abc|[^\\x00-\\x{10FFFF}]')).toBe('"abc"');
    expect(terms('x[^\\x00-\\x{10FFFF}]')).toEqual(['()']);
  });

  it('drops literals that another makes redundant', () => {
    expect(condition('nmap|nmap/|nmap scripting engine')).toBe('"nmap"');
    expect(condition('(?i:nmap)|NMAP/')).toBe('"nmap"i');
    expect(condition('abcd.*bc')).toBe('"abcd"');
  });
});

describe('prefilterTerms', () => {
  it('checks at most a few terms, most selective first', () => {
    expect(terms('ab.*cdef.*ghi.*jklmn.*op')).toEqual(['"jklmn"', '"cdef"', '"ghi"'].slice(0, MAX_PREFILTER_TERMS));
    expect(terms('\\$\\{\\s*(?:jndi|lower|\\$\\{)')).toEqual(['"${"', '("jndi" | "lower" | "${")']);
    expect(terms('[a-z]+')).toEqual([]);
  });
});

describe('foldUnit', () => {
  it('maps every case of an ASCII letter to one code unit, as (?i) orbits require', () => {
    for (let cp = 0x41; cp <= 0x7a; cp++) {
      const orbit = foldOrbit(cp);
      expect(new Set(orbit.map(foldUnit)).size, String.fromCharCode(cp)).toBe(1);
    }
    expect(foldUnit(0x212a)).toBe(0x6b);
    expect(foldUnit(0x17f)).toBe(0x73);
    expect(foldUnit(0xc9)).toBe(0xc9);
  });
});
