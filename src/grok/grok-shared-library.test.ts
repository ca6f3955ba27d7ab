import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileNamedGrok, expandGrok, loadPatternDirectory, parseGoRegex, PatternLibrary, type GrokPattern } from './index.js';
import { emitJsRegex } from './js-regex-emit.js';
import { MAX_V8_INPUT_LENGTH } from './safe-regex.js';
import { sharedPatternsDir, SHARED_PATTERNS_MISSING } from './shared-fixtures.js';

const patternsDir = sharedPatternsDir();
const describeShared = patternsDir ? describe : describe.skip;

const repeatTo = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Lines built to make backtracking engines work hard, at the longest V8 length and at 64 KiB. */
function hostileLines(): string[] {
  const units = [
    'a', ' ', '1', '1.', 'a:', '1:2:', '"a\\', '/a', 'word ', '[a] ', '\uFFFDx', 'x,', ';',
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /', 'Oct 11 22:14:15 host prog[1]: ',
  ];
  const lines: string[] = [];
  for (const unit of units) lines.push(repeatTo(unit, MAX_V8_INPUT_LENGTH), repeatTo(unit, 65536));
  lines.push(`${repeatTo('a', MAX_V8_INPUT_LENGTH - 1)}!`, `${repeatTo('a', 65535)}!`);
  return lines;
}

/** Random bytes decoded as UTF-8, invalid sequences becoming U+FFFD (what acquisition yields). */
function randomLines(): string[] {
  const decoder = new TextDecoder('utf-8');
  const bytes = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 400 }), { seed: 42, numRuns: 40 });
  const printable = fc.sample(fc.string({ unit: fc.constantFrom(...' .:-/[]"=ab1'.split('')), maxLength: 300 }), { seed: 43, numRuns: 20 });
  return [...bytes.map((b) => decoder.decode(b)), ...printable];
}

describeShared(patternsDir ? 'the CrowdSec pattern library' : `the CrowdSec pattern library (${SHARED_PATTERNS_MISSING})`, () => {
  // describe.skip still runs this body: load nothing when the library is absent.
  const lib = patternsDir ? loadPatternDirectory(patternsDir) : new PatternLibrary();
  const names = lib.names();

  it('loads every pattern, with no conflicting duplicates', () => {
    expect(names.length).toBeGreaterThan(350);
    expect(lib.duplicates.filter((d) => !d.sameExpression)).toEqual([]);
  });

  const compiled = new Map<string, GrokPattern>();
  const onRe2 = new Map<string, GrokPattern>();

  it('compiles every named pattern, all of them on the V8 path', () => {
    for (const name of names) {
      // A frozen clock keeps every input up to MAX_V8_INPUT_LENGTH on V8, however slow.
      compiled.set(name, compileNamedGrok(lib, name, { clock: () => 0 }));
      onRe2.set(name, compileNamedGrok(lib, name, { engine: 're2' }));
    }
    const re2 = [...compiled].filter(([, g]) => g.regex.engine === 're2').map(([n, g]) => `${n}: ${g.regex.engineReason}`);
    expect(re2).toEqual([]);
  });

  it('needs RE2 for a few raw expansions (all groups kept), only for loops over optional groups', () => {
    const reasons = new Map<string, string>();
    for (const name of names) {
      const parsed = parseGoRegex(expandGrok(lib, lib.get(name)?.expression ?? '').regex);
      const js = emitJsRegex(parsed.ast, parsed.groupCount);
      if (!js.ok) reasons.set(name, js.reason);
    }
    expect([...reasons.keys()]).toContain('UNIXPATH');
    for (const reason of reasons.values()) expect(reason).toMatch(/inside a loop is not set by every iteration/);
  });

  it('gets the same answer from V8 and RE2 on random bytes and hostile lines, and always completes', () => {
    const inputs = [...randomLines(), ...hostileLines()];
    for (const name of names) {
      const g = compiled.get(name);
      const r = onRe2.get(name);
      if (!g || !r) throw new Error(`${name} did not compile`);
      for (const input of inputs) {
        const got = g.parse(input);
        if (input.length <= MAX_V8_INPUT_LENGTH) expect(got, `${name} on ${JSON.stringify(input.slice(0, 40))}…`).toEqual(r.parse(input));
      }
    }
  });
});
