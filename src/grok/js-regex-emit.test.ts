import { describe, expect, it } from 'vitest';
import { parseGoRegex } from './go-regex-syntax.js';
import { emitJsRegex } from './js-regex-emit.js';

const emit = (source: string): string => {
  const p = parseGoRegex(source);
  const out = emitJsRegex(p.ast, p.groupCount);
  return out.ok ? out.source : `refused: ${out.reason}`;
};

describe('emitJsRegex', () => {
  it('writes classes exactly, ASCII where RE2 is ASCII, and . without \\r or U+2028 exceptions', () => {
    expect(emit('\\s\\d\\w')).toBe('[\\x09\\x0A\\x0C\\x0D ][0-9][0-9A-Z_a-z]');
    expect(emit('.')).toBe('[^\\x0A]');
    expect(emit('(?s).')).toBe('[^]');
    expect(emit('[^a]')).toBe('[^a]');
  });

  it('keeps counted repeats the linear engine accepts and copies the others', () => {
    expect(emit('[0-9a-f]{1,4}')).toBe('[0-9a-f]{1,4}');
    // 4 × 7 copies would exceed what the linear engine replicates: the inner repeat is unrolled.
    expect(emit('(?:x{1,4}:){7}')).toBe('(?:x(?:x(?:x(?:x)?)?)?:){7}');
    expect(emit('(a){2}')).toBe('(a)(a)');
    expect(emit('(a){0,2}')).toBe('(?:(a)(?:(a))?)?');
  });

  it('writes optional parts that can match empty as alternations, as RE2 orders them', () => {
    expect(emit('(?:a|)?')).toBe('(?:(?:a|)|)');
    expect(emit('(?:a|)??')).toBe('(?:|(?:a|))');
  });

  it('refuses what JS cannot mean the same way, saying why', () => {
    expect(emit('(?:a|)*')).toMatch(/^refused: a loop whose body can match the empty string/);
    expect(emit('(?:(a)|b)+')).toMatch(/^refused: capture group 1 inside a loop/);
    expect(emit('(?m)^a')).toMatch(/^refused: a multi-line anchor/);
    expect(emit('\\pL')).toMatch(/^refused: a Unicode class/);
    expect(emit('[\\x{1F600}]')).toMatch(/^refused: a class holding only some characters outside the Basic Multilingual Plane/);
  });
});
