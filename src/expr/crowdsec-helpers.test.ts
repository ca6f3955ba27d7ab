import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { compileExpr } from './compile-expr.js';
import { crowdsecHelpers, globMatch } from './crowdsec-helpers.js';
import { DataFiles } from './data-files.js';
import { ExprRuntimeError } from './errors.js';
import { GoDuration } from './go-duration.js';
import { GoTime } from './go-time.js';
import { Stash } from './stash.js';
import { createStringMap } from './values.js';

const logged: string[] = [];
const helpers = crowdsecHelpers({
  clock: new ManualClock(Date.UTC(2024, 0, 2, 3, 4, 5)),
  logInfo: (m) => logged.push(m),
  hostname: () => 'herd-test',
});

const env: Record<string, unknown> = {
  evt: {
    Meta: createStringMap({ source_ip: '192.168.1.20', http_path: '/a%20b?x=1' }),
    Parsed: createStringMap({ request: '/index.php?user=admin&pass=x%20y&user=root' }),
  },
  times: [GoTime.date(2024, 1, 1, 0, 0, 0), GoTime.date(2024, 1, 1, 0, 10, 0), GoTime.date(2024, 1, 1, 0, 40, 0)],
};

function run(src: string): unknown {
  return compileExpr(src, { variables: Object.keys(env), functions: helpers, regex: (s) => new RE2(s) }).run(env);
}

/** CrowdSec's recursive Match, transcribed as the reference for the linear one. */
function referenceMatch(pattern: Buffer, name: Buffer): boolean {
  if (pattern.length === 0) return name.length === 0;
  if (name.length === 0) return pattern.length === 1 && pattern[0] === 0x2a;
  if (pattern[0] === 0x2a) {
    for (let i = 0; i <= name.length; i++) if (referenceMatch(pattern.subarray(1), name.subarray(i))) return true;
    return false;
  }
  if (pattern[0] === 0x3f || pattern[0] === name[0]) return referenceMatch(pattern.subarray(1), name.subarray(1));
  return false;
}

describe('CrowdSec helpers', () => {
  const cases: [string, unknown][] = [
    ['Atof("1.5")', 1.5],
    ['Atof("x")', 0],
    ['Atof("1e400")', Infinity],
    ['string(Atof("1000000"))', '1e+06'],
    ['Upper("abc")', 'ABC'],
    ['Lower("ABC")', 'abc'],
    ['IpInRange(evt.Meta.source_ip, "192.168.1.0/24")', true],
    ['IpInRange(evt.Meta.source_ip, "10.0.0.0/8")', false],
    ['IpInRange("nope", "10.0.0.0/8")', false],
    ['IpToRange("192.168.1.20", "/24")', '192.168.1.0/24'],
    ['IpToRange("2001:db8::1", "64")', '2001:db8::/64'],
    ['IsIPV4("1.2.3.4") && !IsIPV6("1.2.3.4") && IsIPV6("::1") && IsIP("::1") && !IsIP("x")', true],
    ['TimeNow()', '2024-01-02T03:04:05Z'],
    ['ParseUnix("1700000000")', '2023-11-14T22:13:20Z'],
    ['ParseUnix("1700000000.123")', '2023-11-14T22:13:20Z'],
    ['ParseUnix("abc")', ''],
    ['ParseUnix("0")', ''],
    ['ParseUri(evt.Parsed.request)', { user: ['admin', 'root'], pass: ['x y'] }],
    ['ParseUri(evt.Parsed.request)["user"][1]', 'root'],
    ['ParseUri("/x?a=1;b=2")', {}],
    ['ParseQuery("a=1;b&a=2")', { a: ['1;b', '2'] }],
    ['ExtractQueryParam("/p?x=1&y=2&x=3", "x")', ['1', '3']],
    ['ExtractQueryParam("/p", "x")', []],
    ['PathUnescape("/a%20b")', '/a b'],
    ['PathUnescape("/a%zzb")', '/a%zzb'],
    ['QueryUnescape("a+b%41")', 'a bA'],
    ['PathEscape("a b/c")', 'a%20b%2Fc'],
    ['QueryEscape("a b/c")', 'a+b%2Fc'],
    ['Sprintf("%s-%d-%.2f-%v", "a", 5, 1.5, [1, 2])', 'a-5-1.50-[1 2]'],
    ['Fields(" a  b ")', ['a', 'b']],
    ['Index("héllo", "l")', 3],
    ['IndexAny("chicken", "kmn")', 4],
    ['Join(Split("a,b,c", ","), "|")', 'a|b|c'],
    ['SplitN("a,b,c", ",", 2)', ['a', 'b,c']],
    ['SplitAfter("a,b", ",")', ['a,', 'b']],
    ['SplitAfterN("a,b,c", ",", 2)', ['a,', 'b,c']],
    ['Replace("aaa", "a", "b", 2)', 'bba'],
    ['ReplaceAll("aaa", "a", "b")', 'bbb'],
    ['Trim("--x--", "-")', 'x'],
    ['TrimLeft("--x--", "-")', 'x--'],
    ['TrimRight("--x--", "-")', '--x'],
    ['TrimSpace("  x  ")', 'x'],
    ['TrimPrefix("prefix-x", "prefix-")', 'x'],
    ['TrimSuffix("x-suffix", "-suffix")', 'x'],
    ['Get(Split("a,b", ","), 1)', 'b'],
    ['Get(Split("a,b", ","), 5)', ''],
    ['ToString("x")', 'x'],
    ['ToString(1)', ''],
    ['Match("*.php", "index.php")', true],
    ['Match("a?c", "abc")', true],
    ['Match("a*", "b")', false],
    ['KeyExists("a", {a: 1})', true],
    ['KeyExists("b", {a: 1})', false],
    ['B64Decode("aGVsbG8=")', 'hello'],
    ['ToJsonString({b: [1, "<"], a: nil})', '{"a":null,"b":[1,"\\u003c"]}'],
    ['FloatApproxEqual(0.1 + 0.2, 0.3)', true],
    ['FloatApproxEqual(0.1, 0.2)', false],
    ['Flatten([1, [2, [3]]], 4)', [1, 2, 3, 4]],
    ['Distinct([1, 2, 1, "a", "a"])', [1, 2, 'a']],
    ['FlattenDistinct([1, [1, 2]], [2, 3])', [1, 2, 3]],
    ['Distance("0", "0", "48.8566", "2.3522")', 0],
    ['Hostname()', 'herd-test'],
    ['LogInfo("hello %s", "world")', true],
    ['AverageInterval(times).String()', '20m0s'],
    ['MedianInterval(times) == duration("20m")', true],
    ['MedianInterval(times[:2]).Minutes()', 10],
  ];
  for (const [src, want] of cases) {
    it(`evaluates ${src}`, () => {
      expect(run(src)).toEqual(want);
    });
  }

  it('computes the haversine distance in km', () => {
    const km = run('Distance("48.8566", "2.3522", "51.5074", "-0.1278")') as number;
    expect(km).toBeGreaterThan(343);
    expect(km).toBeLessThan(344.5);
  });

  it('formats LogInfo messages with Sprintf before handing them to the logger', () => {
    run('LogInfo("count=%d ip=%s", 3, evt.Meta.source_ip)');
    expect(logged).toContain('count=3 ip=192.168.1.20');
  });

  it('returns durations from the interval helpers', () => {
    expect(run('AverageInterval(times)')).toEqual(new GoDuration(20 * 60e9));
  });

  it('fails on wrong argument types and helper errors', () => {
    expect(() => run('Atof(1)')).toThrow(ExprRuntimeError);
    expect(() => run('Upper(nil)')).toThrow(/cannot use <nil> as argument \(type string\) to call Upper/);
    expect(() => run('B64Decode("%%%")')).toThrow(/illegal base64 data/);
    expect(() => run('Distance("x", "0", "1", "1")')).toThrow(/lat1 is not a float/);
    expect(() => run('AverageInterval([now()])')).toThrow(/at least two times/);
    expect(() => run('Get(Split("a", ","), -1)')).toThrow(/index out of range/);
  });

  it('declares float results so string() prints them as Go does', () => {
    expect(helpers.Atof.resultKind).toBe('float');
    expect(run('type(Atof("2"))')).toBe('float');
  });

  it('matches globs exactly as CrowdSec Match, on any pattern', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*?é]{0,7}$/), fc.stringMatching(/^[abé]{0,8}$/), (pattern, name) => {
        expect(globMatch(pattern, name)).toBe(referenceMatch(Buffer.from(pattern), Buffer.from(name)));
      }),
      { seed: 1234, numRuns: 2000 },
    );
    expect(globMatch('**', '')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('a**', 'a')).toBe(false);
    expect(globMatch('*'.repeat(30) + 'b', 'a'.repeat(2000))).toBe(false);
  });

  it('always has the JSON, key=value and XML helpers; the file and stash helpers only with their state', () => {
    const pure = ['JsonExtract', 'JsonExtractUnescape', 'JsonExtractLib', 'JsonExtractSlice', 'JsonExtractObject', 'UnmarshalJSON', 'ParseKV', 'ParseKVLax', 'XMLGetNodeValue', 'XMLGetAttributeValue'];
    const stateful = ['File', 'RegexpInFile', 'FileMap', 'LookupFile', 'GetFromStash', 'SetInStash'];
    const bare = crowdsecHelpers();
    for (const name of pure) expect(bare[name], name).toBeTypeOf('function');
    for (const name of stateful) expect(bare[name], name).toBeUndefined();
    const full = crowdsecHelpers({ dataFiles: new DataFiles({ resolve: (e) => e.dest_file }), stash: new Stash({ clock: new ManualClock(0) }) });
    for (const name of stateful) expect(full[name], name).toBeTypeOf('function');
  });
});

describe('one-string helpers (Upper, Lower, PathUnescape, QueryUnescape)', () => {
  const helpers = crowdsecHelpers();
  const compile = (src: string) => compileExpr(src, { variables: ['s'], functions: helpers, regex: (p) => new RE2(p) });

  it('refuse a wrong number of arguments when compiling, as expr-lang does for typed functions', () => {
    expect(() => compile('Upper(s, s)')).toThrow(/too many arguments to call Upper/);
    expect(() => compile('Lower()')).toThrow(/not enough arguments to call Lower/);
  });

  it('fail at run time on a value that is not a string, and give the same answer for a repeated input', () => {
    expect(() => compile('Upper(s)').run({ s: 1 })).toThrow(/cannot use int as argument \(type string\) to call Upper/);
    const f = compile('Upper(s) + Lower(s) + QueryUnescape(s)');
    for (let i = 0; i < 40; i++) expect(f.run({ s: `a%41${i % 20}` })).toBe(`A%41${i % 20}a%41${i % 20}aA${i % 20}`);
  });

  it('fold a call with a constant argument when compiling', () => {
    expect(compile("Upper('/admin') == '/ADMIN'").run({ s: '' })).toBe(true);
  });
});
