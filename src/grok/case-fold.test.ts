import { describe, expect, it } from 'vitest';
import { foldOrbit, foldRanges, hasFold } from './case-fold.js';

const hex = (cps: readonly number[]): string[] => cps.map((c) => c.toString(16));

describe('foldOrbit', () => {
  it('gives the simple case-folding orbits Go uses', () => {
    expect(hex(foldOrbit(0x6b))).toEqual(['4b', '6b', '212a']);
    expect(hex(foldOrbit(0x53))).toEqual(['53', '73', '17f']);
    expect(hex(foldOrbit(0x3c3))).toEqual(['3a3', '3c2', '3c3']);
    expect(hex(foldOrbit(0xdf))).toEqual(['df', '1e9e']);
    expect(hex(foldOrbit(0x10400))).toEqual(['10400', '10428']);
  });

  it('leaves characters without another case alone, including the dotless and dotted i', () => {
    expect(foldOrbit(0x31)).toEqual([0x31]);
    expect(foldOrbit(0x131)).toEqual([0x131]);
    expect(foldOrbit(0x130)).toEqual([0x130]);
    expect(hasFold(0x49)).toBe(true);
    expect(hasFold(0x2d)).toBe(false);
  });
});

describe('foldRanges', () => {
  it('adds every case of every member, like Go appendFoldedRange', () => {
    expect(hex(foldRanges([0x61, 0x7a]))).toEqual(['41', '5a', '61', '7a', '17f', '17f', '212a', '212a']);
    expect(hex(foldRanges([0x3b1, 0x3b1]))).toEqual(['391', '391', '3b1', '3b1']);
    expect(foldRanges([0, 0x10ffff])).toEqual([0, 0x10ffff]);
  });
});
