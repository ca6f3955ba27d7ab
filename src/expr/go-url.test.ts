import { describe, expect, it } from 'vitest';
import {
  crowdsecParseQuery,
  goParseQuery,
  goPathEscape,
  goPathUnescape,
  goQueryEscape,
  goQueryUnescape,
  rawQueryOf,
} from './go-url.js';

describe('net/url escaping', () => {
  it('escapes queries and path segments as Go', () => {
    expect(goQueryEscape('a b&c=d/é~_.-')).toBe('a+b%26c%3Dd%2F%C3%A9~_.-');
    expect(goPathEscape('a b/c?d;e,f:g@h')).toBe('a%20b%2Fc%3Fd%3Be%2Cf:g@h');
  });

  it('unescapes strictly, failing on a bad %XX', () => {
    expect(goQueryUnescape('a+b%41%c3%a9')).toBe('a bAé');
    expect(goPathUnescape('a+b%20c')).toBe('a+b c');
    expect(goQueryUnescape('%zz')).toBeNull();
    expect(goQueryUnescape('abc%4')).toBeNull();
    expect(goQueryUnescape('%41')).toBe('A');
  });

  it('parses a query as url.ParseQuery, reporting semicolons and bad escapes', () => {
    expect(goParseQuery('a=1&b=2&a=3&c').values).toEqual({ a: ['1', '3'], b: ['2'], c: [''] });
    expect(goParseQuery('a=1;b=2').ok).toBe(false);
    expect(goParseQuery('a=%zz&b=1')).toEqual({ values: { b: ['1'] }, ok: false });
  });

  it('finds the raw query of a request URI as url.Parse', () => {
    expect(rawQueryOf('/index.php?a=1&b=2#frag')).toBe('a=1&b=2');
    expect(rawQueryOf('http://example.com/x?q=1')).toBe('q=1');
    expect(rawQueryOf('/nothing')).toBe('');
    expect(rawQueryOf('/bad%zz?a=1')).toBeNull();
    expect(rawQueryOf('/ctl\u0001?a=1')).toBeNull();
    expect(rawQueryOf(':nope')).toBeNull();
  });

  it('parses queries leniently as CrowdSec ParseQuery', () => {
    expect(crowdsecParseQuery('a=1;x&b=%zz&c=%41+b')).toEqual({ a: ['1;x'], b: ['%zz'], c: ['A b'] });
  });
});
