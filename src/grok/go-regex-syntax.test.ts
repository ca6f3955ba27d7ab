import { describe, expect, it } from 'vitest';
import { compileRegex, parseGoRegex, RegexSyntaxError } from './index.js';

function syntaxError(source: string): RegexSyntaxError {
  try {
    parseGoRegex(source);
  } catch (err) {
    if (err instanceof RegexSyntaxError) return err;
    throw err;
  }
  throw new Error(`${source} parsed`);
}

describe('parseGoRegex', () => {
  it('numbers groups by their opening parenthesis and records names and offsets', () => {
    const p = parseGoRegex('(a(?P<inner>b))(?:c)(?<last>d)');
    expect(p.groupCount).toBe(3);
    expect(p.captures).toEqual([
      { index: 1, name: undefined, offset: 0 },
      { index: 2, name: 'inner', offset: 2 },
      { index: 3, name: 'last', offset: 20 },
    ]);
  });

  it.each([
    ['a**', 'invalid nested repetition operator', 1, '**'],
    ['a*?+', 'invalid nested repetition operator', 1, '*?+'],
    ['x{2}{3}', 'invalid nested repetition operator', 1, '{2}{3}'],
    ['*a', 'missing argument to repetition operator', 0, '*'],
    ['a|*', 'missing argument to repetition operator', 2, '*'],
    ['(?i)*', 'missing argument to repetition operator', 4, '*'],
    ['{2}', 'missing argument to repetition operator', 0, '{2}'],
    ['a{1001}', 'invalid repeat count', 1, '{1001}'],
    ['a{2,1}', 'invalid repeat count', 1, '{2,1}'],
    ['(a{100}){11}', 'invalid repeat count', 8, '{11}'],
    ['(a', 'missing closing )', 0, '(a'],
    ['a)', 'unexpected )', 1, 'a)'],
    ['[a', 'missing closing ]', 0, '[a'],
    ['[z-a]', 'invalid character class range', 1, 'z-a'],
    ['[[:foo:]]', 'invalid character class range', 1, '[:foo:]'],
    ['\\pX', 'invalid character class range', 0, '\\pX'],
    ['\\p{Klingon}', 'invalid character class range', 0, '\\p{Klingon}'],
    ['(?=a)', 'invalid or unsupported Perl syntax', 0, '(?='],
    ['(?!a)', 'invalid or unsupported Perl syntax', 0, '(?!'],
    ['(?<=a)', 'invalid named capture', 0, '(?<=a)'],
    ['(?P=n)', 'invalid or unsupported Perl syntax', 0, '(?P'],
    ['(?P<>a)', 'invalid named capture', 0, '(?P<>'],
    ['(?P<a-b>x)', 'invalid named capture', 0, '(?P<a-b>'],
    ['(?i-)', 'invalid or unsupported Perl syntax', 0, '(?i-)'],
    ['(?x)', 'invalid or unsupported Perl syntax', 0, '(?x'],
    ['(a)\\1', 'invalid escape sequence', 3, '\\1'],
    ['\\8', 'invalid escape sequence', 0, '\\8'],
    ['\\C', 'invalid escape sequence', 0, '\\C'],
    ['\\x{110000}', 'invalid escape sequence', 0, '\\x{110000'],
    ['\\xZ1', 'invalid escape sequence', 0, '\\xZ1'],
    ['\\é', 'invalid escape sequence', 0, '\\é'],
    ['a\\', 'trailing backslash at end of expression', 1, '\\'],
    ['a\ud800', 'invalid UTF-8', 1, '\ud800'],
  ])('refuses %j: %s at offset %i', (source, reason, offset, fragment) => {
    const err = syntaxError(source);
    expect(err.code).toBe('HERD_REGEX_SYNTAX');
    expect(err.reason).toBe(reason);
    expect(err.offset).toBe(offset);
    expect(err.fragment).toBe(fragment);
    expect(err.message).toContain(`at offset ${offset}`);
  });

  it('refuses expressions nested deeper than Go allows', () => {
    expect(syntaxError(`${'('.repeat(1001)}a${')'.repeat(1001)}`).reason).toBe('expression nests too deeply');
    expect(parseGoRegex(`${'(?:'.repeat(500)}a${')'.repeat(500)}`).groupCount).toBe(0);
  });

  it.each([
    ['a{,2}', 'a{,2}', true],
    ['a{', 'a{', true],
    ['a{01}', 'a{01}', true],
    ['x{1,2', 'x{1,2', true],
    ['(a{10}){100}', 'a'.repeat(1000), true],
    ['a{1000}', 'a'.repeat(999), false],
    ['[]a]+', ']a]', true],
    ['^[^]a]$', 'b', true],
    ['^[a-]+$', '-a-', true],
    ['^[\\d-z]+$', '1-z', true],
    ['^[[]$', '[', true],
    ['\\101\\0\\1234', 'A\0S4', true],
    ['\\_\\%\\ ', '_% ', true],
    ['(?)a', 'a', true],
    ['a(?i)*', 'aaa', true],
    ['(?i-i:a)', 'A', false],
    ['(?is-U:a.)', 'A\n', true],
    ['(?U)a+', 'aaa', true],
    ['^\\p{^Greek}$', 'a', true],
    ['^\\P{^Greek}$', 'β', true],
    ['^[\\p{Greek}\\d]+$', 'β1', true],
    ['^[^\\p{Greek}\\d]+$', 'a', true],
    ['^\\pN$', '٣', true],
    ['^\\p{Any}$', '\n', true],
  ])('accepts %j as Go does (on %j: %s)', (source, input, matches) => {
    expect(compileRegex(source).test(input)).toBe(matches);
  });

  it('makes (?U) swap greedy and lazy repeats', () => {
    expect(compileRegex('(?U)a+').exec('aaa')?.[0]).toBe('a');
    expect(compileRegex('(?U)a+?').exec('aaa')?.[0]).toBe('aaa');
    expect(compileRegex('(?U:a{1,3})a*').exec('aaa')?.[0]).toBe('aaa');
  });
});
