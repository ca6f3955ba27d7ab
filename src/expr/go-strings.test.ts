import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  byteLength,
  byteSlice,
  compareStrings,
  goFields,
  goIndex,
  goIndexAny,
  goLastIndex,
  goReplace,
  goSplit,
  goToLower,
  goToUpper,
  goTrim,
  goTrimLeft,
  goTrimRight,
  goTrimSpace,
  runeCount,
} from './go-strings.js';

describe('Go strings package semantics', () => {
  it('splits as strings.Split / SplitN / SplitAfter', () => {
    expect(goSplit('a,b,c', ',')).toEqual(['a', 'b', 'c']);
    expect(goSplit('abc', '')).toEqual(['a', 'b', 'c']);
    expect(goSplit('', '')).toEqual([]);
    expect(goSplit('', ',')).toEqual(['']);
    expect(goSplit('a,b,c', ',', 2)).toEqual(['a', 'b,c']);
    expect(goSplit('a,b,c', ',', 0)).toEqual([]);
    expect(goSplit('héllo', '', 3)).toEqual(['h', 'é', 'llo']);
    expect(goSplit('a,b,c', ',', -1, true)).toEqual(['a,', 'b,', 'c']);
    expect(goSplit('a,b,c', ',', 2, true)).toEqual(['a,', 'b,c']);
  });

  it('trims Unicode white space and cutsets', () => {
    expect(goTrimSpace('\t\n hi \u00a0\u0085')).toBe('hi');
    expect(goTrimSpace('\ufeffhi')).toBe('\ufeffhi');
    expect(goTrim('xxhixx', 'x')).toBe('hi');
    expect(goTrim('¡¡hi!!', '!¡')).toBe('hi');
    expect(goTrimLeft('xxhix', 'x')).toBe('hix');
    expect(goTrimRight('xhixx', 'x')).toBe('xhi');
    expect(goTrim('hi', '')).toBe('hi');
    expect(goFields('  a b\t\tc \n')).toEqual(['a', 'b', 'c']);
    expect(goFields('   ')).toEqual([]);
  });

  it('replaces as strings.Replace, including the empty old string', () => {
    expect(goReplace('aaaa', 'a', 'b', 2)).toBe('bbaa');
    expect(goReplace('aaaa', 'a', 'b')).toBe('bbbb');
    expect(goReplace('abc', '', '-')).toBe('-a-b-c-');
    expect(goReplace('abc', '', '-', 2)).toBe('-a-bc');
    expect(goReplace('abc', 'x', 'y')).toBe('abc');
  });

  it('returns byte offsets from Index, LastIndex and IndexAny', () => {
    expect(goIndex('héllo', 'l')).toBe(3);
    expect(goLastIndex('héllo', 'l')).toBe(4);
    expect(goIndex('abc', 'z')).toBe(-1);
    expect(goIndex('abc', '')).toBe(0);
    expect(goIndexAny('chicken', 'kmn')).toBe(4);
    expect(goIndexAny('日本語', '語')).toBe(6);
    expect(goIndexAny('abc', '')).toBe(-1);
  });

  it('maps case one character for one character, as Go', () => {
    expect(goToUpper('straße')).toBe('STRAßE');
    expect(goToLower('İSTANBUL')).toBe('istanbul');
    expect(goToUpper('héllo')).toBe('HÉLLO');
  });

  it('counts bytes and characters, and slices by bytes', () => {
    expect(byteLength('é€😀')).toBe(2 + 3 + 4);
    expect(runeCount('é€😀')).toBe(3);
    expect(byteSlice('héllo', 0, 3)).toBe('hé');
    expect(byteSlice('héllo', 0, 2)).toBe('h\ufffd');
  });

  it('orders strings by their UTF-8 bytes', () => {
    expect(compareStrings('\uffff', '\u{10000}')).toBeLessThan(0);
    expect(compareStrings('a', 'b')).toBeLessThan(0);
    expect(compareStrings('b', 'a')).toBeGreaterThan(0);
    expect(compareStrings('ab', 'a')).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const want = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(Math.sign(compareStrings(a, b))).toBe(want);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('agrees with a byte-level model for Index and slices on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme', maxLength: 3 }), (s, sub) => {
        const bytes = Buffer.from(s, 'utf8');
        expect(goIndex(s, sub)).toBe(bytes.indexOf(Buffer.from(sub, 'utf8')) === -1 ? -1 : goIndex(s, sub));
        if (s.indexOf(sub) >= 0) expect(goIndex(s, sub)).toBe(bytes.indexOf(Buffer.from(sub, 'utf8')));
        expect(byteLength(s)).toBe(bytes.length);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
