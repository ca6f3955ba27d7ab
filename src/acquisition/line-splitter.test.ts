import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSplitter, MAX_LINE_BYTES } from './line-splitter.js';

/** The rules written out plainly, on the whole input at once. */
function reference(data: Buffer, max: number, atEof: boolean): { lines: string[]; ends: number[]; truncated: number; invalid: number } {
  const lines: string[] = [];
  const ends: number[] = [];
  let truncated = 0;
  let invalid = 0;
  const take = (s: number, e: number, end: number): void => {
    if (e > s && data[e - 1] === 13) e--;
    if (e - s > max) {
      let cut = s + max;
      for (let k = 0; k < 3 && (data[cut] & 0xc0) === 0x80; k++) cut--;
      e = cut;
      truncated++;
    }
    const bytes = data.subarray(s, e);
    if (!isUtf8(bytes)) invalid++;
    lines.push(bytes.toString('utf8'));
    ends.push(end);
  };
  let start = 0;
  for (;;) {
    const nl = data.indexOf(10, start);
    if (nl < 0) break;
    take(start, nl, nl + 1);
    start = nl + 1;
  }
  if (atEof && start < data.length) take(start, data.length, data.length);
  return { lines, ends, truncated, invalid };
}

function splitInChunks(data: Buffer, cuts: number[], max: number, atEof: boolean, startOffset = 0) {
  const s = new LineSplitter({ maxLineBytes: max, startOffset });
  const lines: string[] = [];
  const ends: number[] = [];
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of [...points, data.length]) {
    s.push(data.subarray(prev, p), lines, ends);
    prev = p;
  }
  if (atEof) s.end(lines, ends);
  return { lines, ends, splitter: s };
}

// Bytes that make line ends, CRs, multi-byte characters, broken sequences and plain text likely.
const byte = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(0x61, 0x20, 0x7a) },
  { weight: 2, arbitrary: fc.constant(0x0a) },
  { weight: 1, arbitrary: fc.constant(0x0d) },
  { weight: 2, arbitrary: fc.constantFrom(0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
const stream = fc.array(byte, { maxLength: 400 }).map((b) => Buffer.from(b));
// Whole characters too, so that valid text with cuts inside sequences is common.
const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('\n', '\r\n', 'é', '€', '😀')), { maxLength: 60 }).map((p) => Buffer.from(p.join('')));

describe('LineSplitter', () => {
  it('yields the same lines, offsets and counts however the byte stream is chunked', () => {
    fc.assert(
      fc.property(fc.oneof(stream, text), fc.array(fc.nat(), { maxLength: 30 }), fc.integer({ min: 4, max: 40 }), fc.boolean(), (data, cuts, max, atEof) => {
        const want = reference(data, max, atEof);
        const got = splitInChunks(data, cuts, max, atEof);
        expect(got.lines).toEqual(want.lines);
        expect(got.ends).toEqual(want.ends);
        expect(got.splitter.counters.lines).toBe(want.lines.length);
        expect(got.splitter.counters.truncated).toBe(want.truncated);
        expect(got.splitter.counters.invalidUtf8).toBe(want.invalid);
        expect(got.splitter.counters.bytes).toBe(data.length);
      }),
      { seed: 20240601, numRuns: 2000 },
    );
  });

  it('reports the offset just after the last complete line, counting from the start offset', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 10 }), fc.nat({ max: 1_000_000 }), (data, cuts, base) => {
        const got = splitInChunks(data, cuts, 16, false, base);
        const lastNl = data.lastIndexOf(10);
        expect(got.splitter.offset).toBe(base + lastNl + 1);
        expect(got.splitter.pendingBytes).toBe(data.length - lastNl - 1);
        expect(got.ends.every((e, i) => e > base && (i === 0 || e > got.ends[i - 1]))).toBe(true);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('never cuts a valid line inside a UTF-8 character and never produces invalid text from valid input', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 24 }), (data, max) => {
        const { lines, splitter } = splitInChunks(data, [3, 7, 11], max, true);
        expect(splitter.counters.invalidUtf8).toBe(0);
        for (const l of lines) {
          expect(l.includes('\uFFFD') ? data.toString('utf8').includes('\uFFFD') : true).toBe(true);
          expect(Buffer.byteLength(l)).toBeLessThanOrEqual(max);
        }
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('keeps at most 64 KiB of a 10 MB line without a newline, then emits it truncated once', () => {
    const s = new LineSplitter();
    const out: string[] = [];
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    for (let i = 0; i < 160; i++) s.push(chunk, out, null);
    expect(out).toEqual([]);
    expect(s.bufferedBytes).toBeLessThanOrEqual(MAX_LINE_BYTES + 1);
    expect(s.pendingBytes).toBe(160 * 64 * 1024);
    s.push(Buffer.from('\nnext\n'), out, null);
    expect(out.length).toBe(2);
    expect(out[0].length).toBe(MAX_LINE_BYTES);
    expect(out[1]).toBe('next');
    expect(s.counters.truncated).toBe(1);
  });

  it('keeps a line of exactly the limit whole, with or without CRLF', () => {
    const s = new LineSplitter({ maxLineBytes: 8 });
    const out: string[] = [];
    s.push(Buffer.from('12345678\r\n12345678\n123456789\n'), out, null);
    expect(out).toEqual(['12345678', '12345678', '12345678']);
    expect(s.counters.truncated).toBe(1);
  });

  it('cuts a long line before a multi-byte character rather than inside it', () => {
    const s = new LineSplitter({ maxLineBytes: 5 });
    const out: string[] = [];
    s.push(Buffer.from('abcd€€\n'), out, null);
    expect(out).toEqual(['abcd']);
    expect(s.counters.invalidUtf8).toBe(0);
  });

  it('replaces invalid UTF-8 by U+FFFD and counts each such line once', () => {
    const s = new LineSplitter();
    const out: string[] = [];
    s.push(Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a, 0x63, 0x0a, 0xc3, 0x0a]), out, null);
    expect(out).toEqual(['a\uFFFD\uFFFDb', 'c', '\uFFFD']);
    expect(s.counters.invalidUtf8).toBe(2);
  });

  it('drops the rest of a line it starts in the middle of', () => {
    const s = new LineSplitter({ startOffset: 100 });
    s.discardUntilNewline();
    const out: string[] = [];
    const ends: number[] = [];
    s.push(Buffer.from('tail of a line\nwhole\n'), out, ends);
    expect(out).toEqual(['whole']);
    expect(ends).toEqual([121]);
  });

  it('holds back a final line without newline until the end of input', () => {
    const s = new LineSplitter();
    const out: string[] = [];
    const ends: number[] = [];
    s.push(Buffer.from('one\ntwo'), out, ends);
    expect(out).toEqual(['one']);
    s.end(out, ends);
    expect(out).toEqual(['one', 'two']);
    expect(ends).toEqual([4, 7]);
  });
});
