import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { excerpt, exchangeText, oneLine, visible } from './evidence.js';

/** No lone surrogate (encodeURIComponent throws on one); String#isWellFormed is ES2024. */
function wellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

describe('visible', () => {
  it('shows control, bidi and zero-width characters as \\uXXXX and keeps text, tabs, newlines and emoji', () => {
    expect(visible('a\u0000b\u001bc\u007fd\u0085e')).toBe('a\\u0000b\\u001Bc\\u007Fd\\u0085e');
    expect(visible('x\u202Eevil\u202Cy \u200Bz \u2066w\u2069')).toBe('x\\u202Eevil\\u202Cy \\u200Bz \\u2066w\\u2069');
    expect(visible('tab\there\nline 🐄 café 中文')).toBe('tab\there\nline 🐄 café 中文');
  });

  it('turns CRLF and lone CR into LF', () => {
    expect(visible('a\r\nb\rc')).toBe('a\nb\nc');
  });

  it('shows lone surrogates and U+FFFE/U+FFFF, but keeps surrogate pairs', () => {
    expect(visible('\uD800x\uDC00 \uD83D\uDC04 \uFFFE\uFFFF')).toBe('\\uD800x\\uDC00 🐄 \\uFFFE\\uFFFF');
  });

  it('leaves only well-formed, printable text, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = visible(s);
        return wellFormed(out) && !/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(out);
      }),
      { seed: 1, numRuns: 500 },
    );
  });
});

describe('oneLine', () => {
  it('shows line breaks and tabs as \\n and \\t', () => {
    expect(oneLine('a\r\nb\tc')).toBe('a\\nb\\tc');
  });
});

describe('excerpt', () => {
  it('keeps text up to the limit and says how much it left out past it', () => {
    expect(excerpt('short', 10)).toBe('short');
    expect(excerpt('0123456789abc', 10)).toBe('0123456789… [3 more characters]');
  });

  it('never cuts a surrogate pair in half', () => {
    expect(excerpt('abc🐄def', 4)).toBe('abc… [5 more characters]');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(40), (s, n) => wellFormed(excerpt(s, n))),
      { seed: 2, numRuns: 500 },
    );
  });
});

describe('exchangeText', () => {
  it('writes the request, a few headers, the status and the bodies, content-type first', () => {
    const text = exchangeText(
      {
        request: { method: 'POST', url: 'http://127.0.0.1:1/login', headers: { b: '2', a: '1', 'Content-Type': 'application/json' }, body: '{"u":"x"}' },
        response: { status: 401, headers: { z: '9', 'content-type': 'text/plain' }, body: 'no', truncated: false, timeMs: 4.4 },
      },
      { maxHeaders: 2 },
    );
    expect(text).toBe(
      [
        'POST http://127.0.0.1:1/login',
        'Content-Type: application/json',
        'a: 1',
        '… 1 more headers',
        '',
        '{"u":"x"}',
        '',
        'HTTP 401 (4 ms)',
        'content-type: text/plain',
        'z: 9',
        '',
        'no',
      ].join('\n'),
    );
  });

  it('keeps a header value that holds a line break on its line', () => {
    const text = exchangeText({ request: { method: 'GET', url: 'u', headers: { 'x-a': 'one\r\nx-injected: two' } }, response: null });
    expect(text.split('\n')[1]).toBe('x-a: one\\nx-injected: two');
    expect(text).toContain('no response: the request failed');
  });
});
