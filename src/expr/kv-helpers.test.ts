import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { compileExpr } from './compile-expr.js';
import { goTrimSpace } from './go-strings.js';
import { kvHelpers } from './kv-helpers.js';
import { createStringMap, isStringMap } from './values.js';

const functions = kvHelpers();

function parse(helper: 'ParseKV' | 'ParseKVLax', line: string, existing?: Record<string, unknown>): Record<string, string> {
  const evt = { Unmarshaled: existing ?? (Object.create(null) as Record<string, unknown>) };
  const out = compileExpr(`${helper}(line, evt.Unmarshaled, "kv")`, { variables: ['line', 'evt'], functions, regex: (s) => new RE2(s) }).run({ line, evt });
  expect(out).toBeNull();
  const m = evt.Unmarshaled.kv;
  expect(isStringMap(m)).toBe(true);
  return { ...(m as Record<string, string>) };
}

/** CrowdSec's ParseKV, written plainly with a JS regex (Go's `\s` and `.` spelled out) as the reference. */
function referenceKV(line: string): Record<string, string> | null {
  const re = /([^=\t\n\f\r ]+)=(?:"([^"\\]*(?:\\[^\n][^"\\]*)*)"|([^=\t\n\f\r ]+)|[\t\n\f\r ]*)/g;
  const out: Record<string, string> = {};
  let any = false;
  for (const m of line.matchAll(re)) {
    any = true;
    out[m[1]!] = m[2] || m[3] || '';
  }
  return any ? out : null;
}

/** CrowdSec's ParseKVLax as written in Go (rescanning for quotes before each key), as the reference. */
function referenceLax(line: string): Record<string, string> | null {
  const inside = (pos: number): boolean => {
    let q = false;
    for (let i = 0; i <= pos && i < line.length; i++) {
      if (line[i] !== '"') continue;
      let n = 0;
      for (let j = i - 1; j >= 0 && line[j] === '\\'; j--) n++;
      if (n % 2 === 0) q = !q;
    }
    return q;
  };
  const idx = [...line.matchAll(/([a-zA-Z_][a-zA-Z0-9_.-]*)=/g)].filter((m) => !inside(m.index));
  if (idx.length === 0) return null;
  const out: Record<string, string> = {};
  idx.forEach((m, i) => {
    const end = i + 1 < idx.length ? idx[i + 1]!.index : line.length;
    const raw = goTrimSpace(line.slice(m.index + m[0].length, end));
    let v = raw;
    if (raw.startsWith('"')) v = raw.length >= 2 && raw.endsWith('"') ? raw.slice(1, -1).replaceAll('\\\\', '\\').replaceAll('\\"', '"') : raw.slice(1);
    out[m[1]!] = v;
  });
  return out;
}

describe('ParseKV', () => {
  it('reads key=value and key="quoted value" pairs into target[prefix]', () => {
    expect(parse('ParseKV', 'foo=bar fizz="buzz" both="fizzbuzz foobar"')).toEqual({ foo: 'bar', fizz: 'buzz', both: 'fizzbuzz foobar' });
    expect(parse('ParseKV', 'type=SYSCALL msg=audit(1672330955.273:4433): arch=c000003e exe="/usr/bin/rm"')).toEqual({
      type: 'SYSCALL',
      msg: 'audit(1672330955.273:4433):',
      arch: 'c000003e',
      exe: '/usr/bin/rm',
    });
  });

  it('keeps escapes inside quotes as written, and gives "" to a key without value', () => {
    expect(parse('ParseKV', String.raw`msg="a \"b\" c" empty= next=1`)).toEqual({ msg: String.raw`a \"b\" c`, empty: '', next: '1' });
    expect(parse('ParseKV', 'a=b=c')).toEqual({ a: 'b' });
  });

  it('adds to an existing map of the prefix, and refuses another kind of value there', () => {
    const existing = Object.create(null) as Record<string, unknown>;
    existing.kv = createStringMap({ old: '1' });
    expect(parse('ParseKV', 'new=2', existing)).toEqual({ old: '1', new: '2' });
    const wrong = Object.create(null) as Record<string, unknown>;
    wrong.kv = 'text';
    expect(() => parse('ParseKV', 'a=1', wrong)).toThrow(/target is not a map\[string\]string/);
  });

  it('fails the expression when the line holds no pair (the hub compares its result with nil)', () => {
    expect(() => parse('ParseKV', 'no pairs here')).toThrow(/invalid input format/);
  });

  it('stays linear on long hostile lines', () => {
    const started = performance.now();
    expect(() => parse('ParseKV', 'a'.repeat(200_000))).toThrow(/invalid input format/);
    expect(Object.keys(parse('ParseKV', Array.from({ length: 50_000 }, (_, i) => `k${i}="v ${i}"`).join(' ')))).toHaveLength(50_000);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('finds the same pairs as CrowdSec\'s regular expression (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '=', '"', '\\', ' ', '\t', '\n', '\r', 'é', ':'), maxLength: 30 }), (line) => {
        const want = referenceKV(line);
        if (want === null) expect(() => parse('ParseKV', line)).toThrow(/invalid input format/);
        else expect(parse('ParseKV', line)).toEqual(want);
      }),
      { seed: 3, numRuns: 5000 },
    );
  });
});

describe('ParseKVLax', () => {
  it('takes everything up to the next key as the value', () => {
    expect(parse('ParseKVLax', 'msg=hello world user=bob')).toEqual({ msg: 'hello world', user: 'bob' });
    expect(parse('ParseKVLax', 'junk a=1 b= c=')).toEqual({ a: '1', b: '', c: '' });
  });

  it('ignores keys inside quoted values and unescapes closed quotes', () => {
    expect(parse('ParseKVLax', 'a="x y=z" b=1')).toEqual({ a: 'x y=z', b: '1' });
    expect(parse('ParseKVLax', String.raw`a="say \"hi\" \\ now" b=2`)).toEqual({ a: 'say "hi" \\ now', b: '2' });
    expect(parse('ParseKVLax', 'a="open b=2')).toEqual({ a: 'open b=2' });
  });

  it('trims Unicode spaces as Go TrimSpace does', () => {
    expect(parse('ParseKVLax', 'a=1\u00a0\u2003 b=2')).toEqual({ a: '1', b: '2' });
  });

  it('creates the map even when the line holds no key, then fails', () => {
    const target = Object.create(null) as Record<string, unknown>;
    expect(() => parse('ParseKVLax', '= no keys', target)).toThrow(/invalid input format/);
    expect(isStringMap(target.kv)).toBe(true);
  });

  it('gives what CrowdSec\'s quadratic scan gives, in one pass (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'k', '9', '_', '.', '=', '"', '\\', ' ', '\u00a0', 'é'), maxLength: 30 }), (line) => {
        const want = referenceLax(line);
        if (want === null) expect(() => parse('ParseKVLax', line)).toThrow(/invalid input format/);
        else expect(parse('ParseKVLax', line)).toEqual(want);
      }),
      { seed: 5, numRuns: 3000 },
    );
  });

  it('stays linear on a long line of keys inside an open quote', () => {
    const line = `a="${'k=v '.repeat(50_000)}`;
    const started = performance.now();
    expect(parse('ParseKVLax', line).a).toBe(line.slice(3).trim());
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
