import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TcpFramer } from './syslog-framing.js';

function collect(max: number) {
  const got: Array<{ text: string; truncated: boolean }> = [];
  const framer = new TcpFramer(max, { message: (b, truncated) => got.push({ text: b.toString('latin1'), truncated }) });
  return { got, framer };
}

function feed(framer: TcpFramer, data: Buffer, cuts: number[]): void {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of [...points, data.length]) {
    framer.push(data.subarray(prev, p));
    prev = p;
  }
}

// Messages start with '<' like real syslog; newline-framed ones cannot contain a newline.
const message = fc.tuple(fc.boolean(), fc.string({ maxLength: 60 })).map(([octets, body]) => ({ octets, text: `<13>${octets ? body : body.replace(/\n/g, ' ')}` }));

describe('TcpFramer', () => {
  it('yields the same messages for octet-counted and newline framing however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 20 }), (msgs, cuts) => {
        const wire = Buffer.from(msgs.map((m) => (m.octets ? `${Buffer.byteLength(m.text, 'latin1')} ${m.text}` : `${m.text}\n`)).join(''), 'latin1');
        const { got, framer } = collect(1000);
        feed(framer, wire, cuts);
        expect(got).toEqual(msgs.map((m) => ({ text: m.text, truncated: false })));
      }),
      { seed: 5, numRuns: 1000 },
    );
  });

  it('cuts over-long messages at the limit and skips their rest, in both framings', () => {
    const { got, framer } = collect(10);
    framer.push(Buffer.from(`25 <13>abcdefghijklmnopqrstu<13>0123456789abc\n<13>ok\n`));
    expect(got).toEqual([
      { text: '<13>abcdef', truncated: true },
      { text: '<13>012345', truncated: true },
      { text: '<13>ok', truncated: false },
    ]);
  });

  it('holds at most the limit of a 10 MB message without newline', () => {
    const { got, framer } = collect(64 * 1024);
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    framer.push(Buffer.from('<13>'));
    for (let i = 0; i < 160; i++) framer.push(chunk);
    expect(got).toEqual([]);
    framer.push(Buffer.from('\n'));
    expect(got.length).toBe(1);
    expect(got[0].text.length).toBe(64 * 1024);
    expect(got[0].truncated).toBe(true);
  });

  it('emits a newline-framed message cut short by the end of the connection', () => {
    const { got, framer } = collect(100);
    framer.push(Buffer.from('<13>last words'));
    framer.end();
    expect(got).toEqual([{ text: '<13>last words', truncated: false }]);
  });

  it('reads digits not followed by a space as the start of a newline-framed message', () => {
    const { got, framer } = collect(100);
    framer.push(Buffer.from('0042abc\n'));
    expect(got).toEqual([{ text: '0042abc', truncated: false }]);
  });
});
