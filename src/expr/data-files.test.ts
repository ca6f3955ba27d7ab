import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import RE2 from 're2';
import { afterAll, describe, expect, it } from 'vitest';
import { HerdError } from '../core/index.js';
import { compileRegex } from '../grok/index.js';
import { sharedDir } from '../grok/shared-fixtures.js';
import { compileExpr } from './compile-expr.js';
import { DataFiles, type DataFileEntry } from './data-files.js';

const dir = mkdtempSync(join(tmpdir(), 'herd-data-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): DataFileEntry & { path: string } {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { dest_file: name, source_url: `https://hub-data.example/${name}`, path };
}

function loaded(...entries: (DataFileEntry & { type: string })[]) {
  const warnings: string[] = [];
  const files = new DataFiles({ resolve: (e) => join(dir, e.dest_file), warn: (m) => warnings.push(m) });
  for (const e of entries) files.load(e);
  const functions = files.helpers();
  const run = (src: string, env: Record<string, unknown> = {}): unknown =>
    compileExpr(src, { variables: Object.keys(env), functions, regex: (s) => compileRegex(s) }).run(env);
  return { files, run, warnings, functions };
}

function loadError(entry: DataFileEntry): HerdError {
  const files = new DataFiles({ resolve: (e) => join(dir, e.dest_file) });
  try {
    files.load(entry);
  } catch (err) {
    expect(err).toBeInstanceOf(HerdError);
    return err as HerdError;
  }
  throw new Error('the entry loaded without error');
}

describe('string data files (File)', () => {
  const list = file('paths.txt', '# sensitive paths\n/.env\r\n\n/wp-config.php\n#/ignored\n /spaced\n/last');

  it('gives the lines without comments, empty lines or the \\r of CRLF files', () => {
    const { run } = loaded({ ...list, type: 'string' });
    expect(run('File("paths.txt")')).toEqual(['/.env', '/wp-config.php', ' /spaced', '/last']);
    expect(run('"/.env" in File("paths.txt")')).toBe(true);
    expect(run('any(File("paths.txt"), { "/x/wp-config.php" endsWith # })')).toBe(true);
    expect(run('"/spaced" in File("paths.txt")')).toBe(false);
  });

  it('loads a file once: a second load of the same dest_file reads nothing', () => {
    const f = file('once.txt', 'a\n');
    const { files, run } = loaded({ ...f, type: 'string' });
    writeFileSync(f.path, 'b\n');
    files.load({ ...f, type: 'string' });
    expect(run('File("once.txt")')).toEqual(['a']);
  });

  it('ignores an entry without type, as CrowdSec does (the GeoIP databases), without reading it', () => {
    const { files } = loaded();
    files.load({ dest_file: 'GeoLite2-City.mmdb', source_url: 'https://hub-data.example/GeoLite2-City.mmdb' });
    expect(files.has('GeoLite2-City.mmdb', 'string')).toBe(false);
  });

  it('answers an empty list for a file that was never loaded, and reports it once', () => {
    const { run, warnings } = loaded();
    expect(run('File("nope.txt")')).toEqual([]);
    expect(run('len(File("nope.txt"))')).toBe(0);
    expect(warnings).toEqual(["file 'nope.txt' (type:string) not found in expr library: declare it in the data: section of the parser or scenario that uses it"]);
  });

  it('refuses a file that cannot be read, naming the path and what to do', () => {
    const err = loadError({ dest_file: 'missing.txt', type: 'string', source_url: 'https://hub-data.example/missing.txt' });
    expect(err.code).toBe('HERD_DATA_FILE');
    expect(err.where).toBe(join(dir, 'missing.txt'));
    expect(err.message).toContain("cannot read data file 'missing.txt' (downloaded from https://hub-data.example/missing.txt)");
    expect(err.message).toContain('--data-source');
  });

  it('refuses an unknown type and a line of 64 KiB or more', () => {
    expect(loadError({ dest_file: 'paths.txt', type: 'modsec' }).message).toContain("unknown data type 'modsec'");
    const long = file('long.txt', `ok\n${'x'.repeat(64 * 1024)}\n`);
    const err = loadError({ ...long, type: 'string' });
    expect(err.where).toBe(`${long.path}:2`);
  });
});

describe('regexp data files (RegexpInFile)', () => {
  const agents = file('agents.regex', '# bad agents\n\\bzgrab\\b\n(?i)masscan\n^curl/\n\nsqlmap/[0-9.]+$\n');

  it('tells whether any pattern matches, with Go RE2 syntax and flags', () => {
    const { run } = loaded({ ...agents, type: 'regexp' });
    const cases: [string, boolean][] = [
      ['Mozilla/5.0 zgrab/0.x', true],
      ['zgrabber', false],
      ['MassCan/1.0', true],
      ['curl/7.68.0', true],
      ['my curl/7.68.0', false],
      ['sqlmap/1.4.7', true],
      ['sqlmap/1.4.7 x', false],
      ['Mozilla/5.0 (X11; Linux x86_64)', false],
    ];
    for (const [ua, want] of cases) expect(run('RegexpInFile(ua, "agents.regex")', { ua })).toBe(want);
  });

  it('accepts type regex as well as regexp', () => {
    const { run } = loaded({ ...agents, type: 'regex' });
    expect(run('RegexpInFile("zgrab", "agents.regex")')).toBe(true);
  });

  it('answers false for a file that was never loaded as regexp', () => {
    const { run, warnings } = loaded({ ...agents, type: 'string' });
    expect(run('RegexpInFile("zgrab", "agents.regex")')).toBe(false);
    expect(warnings).toHaveLength(1);
  });

  it('refuses a line that is not a valid Go regular expression, naming its line', () => {
    const bad = file('bad.regex', '# header\nok\n(unclosed\n');
    const err = loadError({ ...bad, type: 'regexp' });
    expect(err.code).toBe('HERD_DATA_FILE');
    expect(err.where).toBe(`${bad.path}:3`);
    expect(err.message).toContain('invalid regular expression');
    expect(loadError({ ...file('lookbehind.regex', '(?<=a)b\n'), type: 'regexp' }).where).toBe(`${join(dir, 'lookbehind.regex')}:1`);
  });

  it('splits a set RE2 refuses as a whole, with the same answers', () => {
    // Each pattern is fine alone; together they exceed RE2's memory budget for one set.
    const lines = Array.from({ length: 120 }, (_, i) => `x${i}q[^y]{1000}z`);
    expect(() => new RE2.Set(lines.map((l) => compileRegex(l, { engine: 're2' }).compiledSource))).toThrow();
    const big = file('big.regex', `${lines.join('\n')}\n`);
    const { run } = loaded({ ...big, type: 'regexp' });
    const hit = `x77q${'a'.repeat(1000)}z`;
    expect(run('RegexpInFile(s, "big.regex")', { s: hit })).toBe(true);
    expect(run('RegexpInFile(s, "big.regex")', { s: `x77q${'a'.repeat(999)}z` })).toBe(false);
  });

  it('matches exactly as testing each pattern alone (property)', () => {
    const patterns = ['\\bab\\b', '(?i)Ba+c', '^a.c$', 'c[^a-b]{2}', '(?:ab|ba){2,}', '\\Ac', 'a\\z', '[[:digit:]]{3}', 'é+b', '(?i)É'];
    const f = file('prop.regex', `${patterns.join('\n')}\n`);
    const { functions } = loaded({ ...f, type: 'regexp' });
    const singles = patterns.map((p) => compileRegex(p, { engine: 're2' }));
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', ' ', '1', 'é', 'É', '\n'), maxLength: 12 }), (s) => {
        expect(functions.RegexpInFile!(s, 'prop.regex')).toBe(singles.some((r) => r.test(s)));
      }),
      { seed: 7, numRuns: 3000 },
    );
  });
});

describe('map data files (LookupFile, FileMap)', () => {
  const rows = [
    '# technology probes',
    '{"tag": "F5", "pattern": "/tmui/", "type": "contains"}',
    '{"tag": "Generic", "pattern": "/.env", "type": "contains"}',
    '{"tag": "Prefix", "pattern": "/admin", "type": "contains"}',
    '{"tag": "Admin", "pattern": "/admin/", "type": "contains"}',
    '',
    '{"tag": "Specific", "pattern": "/specific/endpoint.php", "type": "equals"}',
    '{"tag": "Overlap-contains", "pattern": "/overlap", "type": "contains"}',
    '{"tag": "Overlap-first", "pattern": "/overlap", "type": "equals"}',
    '{"tag": "Overlap-last", "pattern": "/overlap", "type": "equals"}',
    '{"tag": "WP-Plugin", "pattern": "^/wp-content/plugins/[^/]+/readme\\\\.txt$", "type": "regex"}',
    '{"tag": "VPN", "pattern": "^/(dana|logon)/", "type": "regex"}',
    '{"tag": "Broken", "pattern": "(unclosed", "type": "regex"}',
    '{"tag": "Any-logon", "pattern": "logon", "type": "regex"}',
  ];
  const map = file('tech.json', `${rows.join('\n')}\n`);

  it('looks up equals rows, then the leftmost contains row, then the first regex row', () => {
    const { run, warnings } = loaded({ ...map, type: 'map' });
    const cases: [string, string][] = [
      ['/specific/endpoint.php', 'Specific'],
      ['/specific/endpoint.php/extra', ''],
      ['/x/tmui/login.jsp', 'F5'],
      ['/a/.env/tmui/', 'Generic'], // leftmost start wins over row order
      ['/admin/panel', 'Prefix'], // same start: the earlier row wins
      ['/overlap', 'Overlap-last'], // equals before contains; the last equals row of a pattern
      ['/overlap/x', 'Overlap-contains'],
      ['/wp-content/plugins/akismet/readme.txt', 'WP-Plugin'],
      ['/logon/LogonPoint', 'VPN'],
      ['/x/logon', 'Any-logon'],
      ['/normal/page.html', ''],
      ['', ''],
    ];
    for (const [path, tag] of cases) expect(run('LookupFile(p, "tech.json")', { p: path })).toBe(tag);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${map.path}:13: invalid regex pattern '(unclosed'`);
  });

  it('gives the rows as maps of strings with FileMap', () => {
    const { run } = loaded({ ...map, type: 'map' });
    expect(run('len(FileMap("tech.json"))')).toBe(rows.filter((r) => r.startsWith('{')).length);
    expect(run('FileMap("tech.json")[0].tag')).toBe('F5');
    expect(run('FileMap("tech.json")[0].missing')).toBe('');
    expect(run('FileMap("nope.json")')).toEqual([]);
    expect(run('LookupFile("/tmui/", "nope.json")')).toBe('');
  });

  it("refuses rows CrowdSec refuses: not JSON, missing pattern, tag or type, unknown type", () => {
    const cases: [string, string][] = [
      ['{"tag": "x", "pattern": "/a"', 'failed to parse JSON line'],
      ['{"tag": "x", "type": "equals"}', "missing mandatory 'pattern' field"],
      ['{"pattern": "/a", "type": "equals"}', "missing mandatory 'tag' field"],
      ['{"tag": "x", "pattern": "/a"}', "missing mandatory 'type' field"],
      ['{"tag": "x", "pattern": "/a", "type": "foobar"}', "unknown entry type 'foobar'"],
      ['{"tag": "x", "pattern": "/a", "type": "equals", "n": 1}', 'map row holds strings only'],
    ];
    cases.forEach(([row, message], i) => {
      const f = file(`bad-${i}.json`, `{"tag": "ok", "pattern": "/ok", "type": "equals"}\n${row}\n`);
      const err = loadError({ ...f, type: 'map' });
      expect(err.where).toBe(`${f.path}:2`);
      expect(err.message).toContain(message);
    });
  });
});

const shared = sharedDir();
const web = shared === undefined ? undefined : join(shared, 'crowdsec-data', 'web');
const webPresent = web !== undefined && existsSync(join(web, 'bad_user_agents.regex.txt'));
const SHARED_DATA_MISSING = 'skipped: the shared CrowdSec data files (../shared/crowdsec-data, or HERD_SHARED_DIR) are not present';

describe.skipIf(!webPresent)(webPresent ? 'the hub data files' : `the hub data files (${SHARED_DATA_MISSING})`, () => {
  const all = (): DataFiles => new DataFiles({ resolve: (e) => join(web!, e.dest_file) });

  it('loads every web list as CrowdSec would type it', () => {
    const files = all();
    for (const name of ['admin_interfaces.txt', 'backdoors.txt', 'bad_user_agents.txt', 'sensitive_data.txt', 'sqli_probe_patterns.txt', 'xss_probe_patterns.txt']) {
      files.load({ dest_file: name, type: 'string' });
      expect(files.has(name, 'string')).toBe(true);
    }
    files.load({ dest_file: 'bad_user_agents.regex.txt', type: 'regexp' });
    files.load({ dest_file: 'technology_probing.json', type: 'map' });
    const h = files.helpers();
    expect(h.RegexpInFile!('Mozilla/5.0 zgrab/0.x', 'bad_user_agents.regex.txt')).toBe(true);
    expect(h.RegexpInFile!('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36', 'bad_user_agents.regex.txt')).toBe(false);
    expect(h.LookupFile!('/ampps-admin/index.php', 'technology_probing.json')).toBe('ampps-admin-login-panel-probing');
    expect(h.LookupFile!('/x/ampps/y', 'technology_probing.json')).toBe('ampps-probing');
    expect(h.LookupFile!('/index.html', 'technology_probing.json')).toBe('');
  });

  it('matches bad_user_agents.regex.txt exactly as its patterns one by one, on every agent of the lists', () => {
    const files = all();
    files.load({ dest_file: 'bad_user_agents.regex.txt', type: 'regexp' });
    // The file's patterns (`\bName\b`, `\ ` for a space) mean the same in JS without flags: an
    // independent reference for these inputs (no line terminators).
    const patterns = readFileSync(join(web!, 'bad_user_agents.regex.txt'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((p) => new RegExp(p));
    const agents = readFileSync(join(web!, 'bad_user_agents.txt'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const samples = [
      ...agents.map((a) => `Mozilla/5.0 (compatible; ${a}/1.0)`),
      ...agents.map((a) => `x${a.toLowerCase()}y`),
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'curl/8.4.0',
      '',
    ];
    const h = files.helpers();
    let hits = 0;
    for (const s of samples) {
      const want = patterns.some((p) => p.test(s));
      if (want) hits++;
      expect(h.RegexpInFile!(s, 'bad_user_agents.regex.txt')).toBe(want);
    }
    expect(hits).toBeGreaterThan(agents.length / 2);
    // Pieces of agent names glued with separators: near misses of word boundaries and case.
    const piece = fc.oneof(fc.constantFrom(...agents), fc.constantFrom(...agents).map((a) => a.slice(0, Math.max(1, a.length - 1))), fc.constantFrom(' ', '/', '-', '_', 'x', '1', 'É', '(', ';'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 5 }), (parts) => {
        const s = parts.join('');
        expect(h.RegexpInFile!(s, 'bad_user_agents.regex.txt')).toBe(patterns.some((p) => p.test(s)));
      }),
      { seed: 13, numRuns: 1500 },
    );
  });

  it('tests a user agent against the whole list in a few microseconds', () => {
    const files = all();
    files.load({ dest_file: 'bad_user_agents.regex.txt', type: 'regexp' });
    const h = files.helpers();
    const uas = Array.from({ length: 20_000 }, (_, i) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/${i}.0 Safari/537.36`);
    const started = performance.now();
    for (const ua of uas) h.RegexpInFile!(ua, 'bad_user_agents.regex.txt');
    const perCallUs = ((performance.now() - started) * 1000) / uas.length;
    // 50 000 lines/s leaves 20 µs per line for everything; this helper must take a small part of it.
    expect(perCallUs).toBeLessThan(10);
  });
});
