import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import RE2 from 're2';
import { compileRegex, type SafeRegex } from './index.js';
import { MAX_V8_INPUT_LENGTH, RE2_RUNS_AFTER_SLOW_EXEC } from './safe-regex.js';
import { goRegex } from './regex-fixtures.js';

const run = (r: SafeRegex, s: string): (string | undefined)[] | null => {
  const m = r.exec(s);
  return m === null ? null : Array.from(m);
};

/** What the re2 binding itself says, on the Go source as written (an independent oracle). */
const oracle = (re: RE2, s: string): (string | undefined)[] | null => {
  const m = re.exec(s);
  return m === null ? null : Array.from(m, (v) => (v === undefined ? undefined : String(v)));
};

describe('compileRegex', () => {
  it('runs RE2 syntax on the V8 path with Go group numbering', () => {
    const r = compileRegex('(?P<user>\\w+)@(?<host>[a-z.]+)(:(\\d+))?');
    expect(r.engine).toBe('v8');
    expect(r.groupCount).toBe(4);
    expect([...r.groupNames]).toEqual([
      ['user', 1],
      ['host', 2],
    ]);
    expect(run(r, 'mail bob@example.org:25')).toEqual(['bob@example.org:25', 'bob', 'example.org', ':25', '25']);
    expect(run(r, 'bob@host')).toEqual(['bob@host', 'bob', 'host', undefined, undefined]);
    expect(r.test('nothing here')).toBe(false);
  });

  it('keeps ASCII meanings for \\s, \\w, \\d and \\b, as RE2 does', () => {
    expect(compileRegex('^\\s$').test('\u00a0')).toBe(false);
    expect(compileRegex('^\\s$').test('\v')).toBe(false);
    expect(compileRegex('^[[:space:]]$').test('\v')).toBe(true);
    expect(compileRegex('^\\w+$').test('héllo')).toBe(false);
    expect(compileRegex('\\bé').test('é')).toBe(false);
    // Go matches \B only between characters, never inside one.
    expect(compileRegex('\\B').exec('aéa')).toBeNull();
  });

  it('treats . as anything but \\n, and (?s). as anything', () => {
    expect(compileRegex('^.$').test('\r')).toBe(true);
    expect(compileRegex('^.$').test('\u2028')).toBe(true);
    expect(compileRegex('^.$').test('\n')).toBe(false);
    expect(compileRegex('(?s)^.$').test('\n')).toBe(true);
  });

  it('matches $ only at the very end, unless (?m) makes it a line end', () => {
    expect(compileRegex('a$').test('a\n')).toBe(false);
    const m = compileRegex('(?m)^b$');
    expect(m.engine).toBe('re2');
    expect(m.test('a\nb\nc')).toBe(true);
    expect(m.test('a\rb\rc')).toBe(false);
  });

  it('expands (?i) into classes, with the Kelvin sign and the long s', () => {
    const r = compileRegex('(?i)ks');
    expect(r.engine).toBe('v8');
    expect(r.test('\u212A\u017F')).toBe(true);
    expect(r.test('KS')).toBe(true);
    expect(compileRegex('(?i:σ)+').exec('ΣσςX')?.[0]).toBe('Σσς');
    expect(compileRegex('a(?i)b|c').test('C')).toBe(true);
    expect(compileRegex('(a(?i)b)c').test('aBC')).toBe(false);
  });

  it('gives counted repeats RE2 meaning, including the last iteration of a group', () => {
    const r = compileRegex('(x{1,4}:){7}');
    expect(r.engine).toBe('v8');
    expect(run(r, 'x:xx:x:x:x:x:xxxx:')).toEqual(['x:xx:x:x:x:x:xxxx:', 'xxxx:']);
    expect(run(compileRegex('(?:(a)|b){2}'), 'ab')).toEqual(['ab', 'a']);
    expect(run(compileRegex('(a){0}b'), 'ab')).toEqual(['b', undefined]);
    expect(run(compileRegex('a{2,}?'), 'aaaa')).toEqual(['aa']);
  });

  it('keeps the value a group had in an earlier loop iteration, as Go does', () => {
    const r = compileRegex('(?:(a)|b)+');
    expect(run(r, 'ab')).toEqual(['ab', 'a']);
    expect(r.engine).toBe('re2');
    expect(r.engineReason).toMatch(/not set by every iteration/);
  });

  it('takes the empty choice of a loop body first, as RE2 does', () => {
    expect(run(compileRegex('(|a)*'), 'aa')).toEqual(['', '']);
    expect(run(compileRegex('(|a)?'), 'aa')).toEqual(['', '']);
    expect(run(compileRegex('(|a){2}'), 'aa')).toEqual(['', '']);
  });

  it('runs \\p{…} classes on RE2', () => {
    const r = compileRegex('\\p{Greek}+(\\PL)');
    expect(r.engine).toBe('re2');
    expect(run(r, 'abc αβγ!')).toEqual(['αβγ!', '!']);
    expect(compileRegex('(?i)\\p{Lu}').test('a')).toBe(true);
  });

  it('runs classes with some characters outside the BMP on RE2', () => {
    const r = compileRegex('[\\x{1F600}-\\x{1F64F}]+');
    expect(r.engine).toBe('re2');
    expect(r.exec('hi 😀😃!')?.[0]).toBe('😀😃');
  });

  it('reads literals, escapes and \\Q…\\E as Go does', () => {
    expect(compileRegex('\\x41\\x{263a}\\101\\0').test('A☺A\0')).toBe(true);
    expect(compileRegex('\\Q(a+)\\E').test('x(a+)')).toBe(true);
    expect(compileRegex('\\Q(a+)').test('x(a+)')).toBe(true);
    expect(compileRegex('a{,2}').test('a{,2}')).toBe(true);
    expect(compileRegex('\\a\\f\\t\\n\\r\\v').test('\x07\f\t\n\r\v')).toBe(true);
  });
});

const input = fc.array(fc.constantFrom('a', 'b', 'A', 'B', 'k', 'K', '\u212A', '-', ' ', '\n', '1', '_', 'é', '.', 'β', 'Σ'), { maxLength: 10 }).map((xs) =>
  xs.join(''),
);

describe('compileRegex against the re2 binding', () => {
  it('agrees with RE2 on matches and captures, on every engine path', () => {
    let v8 = 0;
    let total = 0;
    fc.assert(
      fc.property(goRegex(3), fc.array(input, { minLength: 4, maxLength: 8 }), (source, inputs) => {
        const auto = compileRegex(source);
        const forcedRe2 = compileRegex(source, { engine: 're2' });
        const linear = auto.engine === 'v8' ? compileRegex(source, { engine: 'v8-linear' }) : undefined;
        const re2 = new RE2(source);
        total++;
        if (auto.engine === 'v8') v8++;
        for (const s of inputs) {
          const want = oracle(re2, s);
          expect(run(auto, s), `${source} on ${JSON.stringify(s)} (${auto.engine}: ${auto.compiledSource})`).toEqual(want);
          expect(run(forcedRe2, s), `${source} on ${JSON.stringify(s)} (re2: ${forcedRe2.compiledSource})`).toEqual(want);
          if (linear) expect(run(linear, s), `${source} on ${JSON.stringify(s)} (linear)`).toEqual(want);
          expect(auto.test(s)).toBe(want !== null);
        }
      }),
      { seed: 20240611, numRuns: 400 },
    );
    // The generator is mostly made of what the V8 path handles.
    expect(v8 / total).toBeGreaterThan(0.5);
  });

  it('keeps patterns without multi-line anchors, \\p or loops over optional parts on the V8 path', () => {
    const simple = fc
      .array(
        fc.constantFrom('a', '[a-z]', '\\d{1,3}', '(?:ab|cd)+', '(x|y)', '\\b', '^', '(?i:abc)', '[^ ]*', '.*?', '(\\w+)', '(?:-(\\d+)){0,4}', '\\.{2,}'),
        { minLength: 1, maxLength: 6 },
      )
      .map((xs) => xs.join(''));
    fc.assert(
      fc.property(simple, (source) => {
        const r = compileRegex(source);
        expect(r.engine, `${source}: ${r.engineReason}`).toBe('v8');
        expect(() => new RegExp(r.compiledSource, 'l')).not.toThrow();
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('compileRegex engine routing', () => {
  /** A clock on which every V8 run takes 1 ms, counting how often it is read. */
  const slowClock = (): { clock: () => number; reads: () => number } => {
    let now = 0;
    let reads = 0;
    return {
      clock: () => {
        reads++;
        return (now += 1);
      },
      reads: () => reads,
    };
  };

  it('sends the next inputs to RE2 after two slow V8 runs, with the same answers', () => {
    const { clock, reads } = slowClock();
    const r = compileRegex('(\\w+)=(\\d+)', { clock, sampleEvery: 1 });
    expect(r.engine).toBe('v8');
    expect(run(r, 'a=1')).toEqual(['a=1', 'a', '1']);
    expect(r.test('b=2')).toBe(true);
    expect(reads()).toBe(4);
    for (let i = 0; i < RE2_RUNS_AFTER_SLOW_EXEC; i++) expect(run(r, 'key=22')).toEqual(['key=22', 'key', '22']);
    expect(reads()).toBe(4);
    expect(r.test('c=3')).toBe(true);
    expect(reads()).toBe(6);
  });

  it('stays on V8 after a lone slow run', () => {
    let now = 0;
    let reads = 0;
    // Only the first run looks slow (a GC pause, say).
    const clock = (): number => {
      reads++;
      return (now += reads === 2 ? 5 : 0);
    };
    const r = compileRegex('a(b)', { clock, sampleEvery: 1 });
    for (let i = 0; i < 200; i++) expect(run(r, 'xab')).toEqual(['ab', 'b']);
    expect(reads).toBe(400);
  });

  it('sends inputs longer than MAX_V8_INPUT_LENGTH to RE2', () => {
    const { clock, reads } = slowClock();
    const r = compileRegex('(?:(a)|b)(x{2,3})$', { clock });
    const long = `${'z'.repeat(MAX_V8_INPUT_LENGTH)}axxx`;
    expect(run(r, long)).toEqual(['axxx', 'a', 'xxx']);
    expect(reads()).toBe(0);
  });
});

describe('compileRegex on hostile input', () => {
  /** Classic ReDoS patterns, with adversarial text of a given length and whether it matches. */
  const cases = (n: number): [string, number, string, boolean][] => {
    const long = (unit: string, tail: string): string => unit.repeat(Math.floor((n - tail.length) / unit.length)) + tail;
    return [
      ['(a+)+$', n, long('a', '!'), false],
      ['(a|aa)+$', n, long('a', '!'), false],
      ['(.*a){20}', n, long('a', ''), true],
      ['(.*a){20}', n, long('b', 'a'), false],
      ['^(\\w+\\s?)*$', n, long('word ', '!'), false],
      ['\\s+$', n, long(' ', 'x'), false],
      ['.*x.*=', n, long('x', ''), false],
      ['^(.*?,){11}P', n, long('x,', ''), false],
      ['^.*?;.*?;.*?;.*?;.*?;.*?;.*?;.*?;.*?;X$', n, long(';', ''), false],
      ['(x+x+)+y', n, long('x', ''), false],
      ['^(([a-z])+.)+[A-Z]([a-z])+$', n, long('a', '!'), false],
    ];
  };

  // A frozen clock keeps every run on V8 (irregexp, then its linear engine), whatever it costs.
  it.each(cases(MAX_V8_INPUT_LENGTH))('completes %s on %i characters of adversarial text on V8', (source, _n, text, expected) => {
    const r = compileRegex(source, { clock: () => 0 });
    expect(r.engine).toBe('v8');
    expect(r.test(text)).toBe(expected);
    expect(r.exec(text) !== null).toBe(expected);
  });

  it.each(cases(65536))('completes %s on %i characters of adversarial text', (source, _n, text, expected) => {
    const r = compileRegex(source);
    expect(r.test(text)).toBe(expected);
    expect(r.exec(text) !== null).toBe(expected);
  });
});
