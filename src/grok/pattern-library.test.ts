import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HerdError } from '../core/index.js';
import { expandGrok, loadPatternDirectory, parsePatternLines, PatternLibrary } from './index.js';

const library = (entries: Record<string, string>): PatternLibrary => {
  const lib = new PatternLibrary();
  for (const [name, expression] of Object.entries(entries)) lib.add(name, expression, 'test');
  return lib;
};

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof HerdError ? err.code : 'not a HerdError';
  }
  return undefined;
};

describe('parsePatternLines', () => {
  it('reads NAME<spaces>regex lines and skips comments and blank lines', () => {
    const text = '# comment\n\nWORD \\b\\w+\\b\r\nTWO\t\t%{WORD} %{WORD}  \n  INDENTED x\nLAST .*';
    expect(parsePatternLines(text)).toEqual([
      { name: 'WORD', expression: '\\b\\w+\\b', line: 3 },
      { name: 'TWO', expression: '%{WORD} %{WORD}  ', line: 4 },
      { name: 'LAST', expression: '.*', line: 6 },
    ]);
  });
});

describe('PatternLibrary', () => {
  it('keeps the first definition of a name and records the later one', () => {
    const lib = new PatternLibrary();
    expect(lib.add('NUM', '\\d+', 'a:1')).toBe(true);
    expect(lib.add('NUM', '[0-9]+', 'b:7')).toBe(false);
    expect(lib.get('NUM')?.expression).toBe('\\d+');
    expect(lib.duplicates).toEqual([
      {
        name: 'NUM',
        kept: { name: 'NUM', expression: '\\d+', origin: 'a:1' },
        ignored: { name: 'NUM', expression: '[0-9]+', origin: 'b:7' },
        sameExpression: false,
      },
    ]);
  });

  it('refuses references to names it does not have, naming them', () => {
    const lib = library({ A: 'a' });
    expect(() => lib.add('B', '%{A} %{MISSING:x}', 'file:3')).toThrow(/%\{MISSING\} does not exist/);
    expect(codeOf(() => lib.add('B', '%{MISSING}'))).toBe('HERD_GROK_UNKNOWN_PATTERN');
    expect(lib.has('B')).toBe(false);
  });

  it('refuses expressions that are not valid RE2, with the name and the place', () => {
    const lib = new PatternLibrary();
    let error: unknown;
    try {
      lib.add('BAD', '(?<=x)y', 'patterns/bad:12');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HerdError);
    expect((error as HerdError).code).toBe('HERD_REGEX_SYNTAX');
    expect((error as HerdError).message).toMatch(/^patterns\/bad:12: grok pattern BAD: invalid regular expression/);
    expect(codeOf(() => lib.add('EMPTY', ''))).toBe('HERD_GROK_PATTERN_INVALID');
  });

  it('adds a batch in dependency order and reports loops', () => {
    const lib = library({ NUM: '\\d+' });
    const dups = lib.addAll(
      [
        ['PAIR', '%{ONE}-%{ONE}'],
        ['ONE', '%{NUM:n}'],
        ['NUM', '[0-9]+'],
      ],
      'parser.yaml',
    );
    expect(dups).toEqual(['NUM']);
    expect(lib.get('PAIR')?.expression).toBe('%{ONE}-%{ONE}');
    expect(
      codeOf(() =>
        lib.addAll([
          ['X', '%{Y}'],
          ['Y', 'y%{X}'],
        ]),
      ),
    ).toBe('HERD_GROK_RECURSION');
    expect(codeOf(() => lib.addAll([['SELF', 'a%{SELF}']]))).toBe('HERD_GROK_RECURSION');
  });
});

describe('expandGrok', () => {
  const lib = library({
    NUM: '\\d+',
    PAIR: '%{NUM:left}-%{NUM:right}',
    TRIPLE: '%{PAIR} %{NUM:third}',
  });

  it('wraps each reference in a group and maps its semantic to that group', () => {
    const e = expandGrok(lib, 'n=%{NUM:n}');
    expect(e.regex).toBe('n=(\\d+)');
    expect([...e.semantics]).toEqual([['n', 2]]);
  });

  it('inherits the semantics of referenced patterns, at their place in the expansion', () => {
    const e = expandGrok(lib, '%{TRIPLE}');
    expect(e.regex).toBe('(((\\d+)-(\\d+)) (\\d+))');
    expect(Object.fromEntries(e.semantics)).toEqual({ left: 2, right: 8, third: 15 });
  });

  it('lets a semantic named by the pattern itself win over an inherited one', () => {
    const e = expandGrok(lib, '%{PAIR} %{NUM:left}');
    expect(Object.fromEntries(e.semantics)).toEqual({ right: 7, left: 14 });
  });

  it('lets the later of two equal semantics win', () => {
    const e = expandGrok(lib, '%{NUM:x} %{NUM:x}');
    expect(Object.fromEntries(e.semantics)).toEqual({ x: 6 });
    const inherited = expandGrok(lib, '%{PAIR} %{PAIR}');
    expect(Object.fromEntries(inherited.semantics)).toEqual({ left: 15, right: 21 });
  });

  it('leaves %{NAME:sem:type} as text, as grokky does', () => {
    expect(expandGrok(lib, '%{NUM:n:int}').regex).toBe('%{NUM:n:int}');
  });
});

describe('loadPatternDirectory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herd-patterns-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads files recursively, the base file first, and skips licences', () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'aaa'), 'GREETING %{WORD} there\nWORD redefined\n');
    writeFileSync(join(dir, 'grokky-base'), 'WORD \\b\\w+\\b\n');
    writeFileSync(join(dir, 'sub', 'more'), 'LOUD %{GREETING}!\n');
    writeFileSync(join(dir, 'LICENSE.txt'), 'Permission is hereby granted\n');
    const lib = loadPatternDirectory(dir);
    expect(lib.names().sort()).toEqual(['GREETING', 'LOUD', 'WORD']);
    expect(lib.get('WORD')?.expression).toBe('\\b\\w+\\b');
    expect(lib.duplicates.map((d) => [d.name, d.ignored.origin])).toEqual([['WORD', `${join(dir, 'aaa')}:2`]]);
  });

  it('names the directory it cannot read', () => {
    expect(codeOf(() => loadPatternDirectory(join(dir, 'missing')))).toBe('HERD_GROK_PATTERN_DIR');
  });
});

describe('PatternLibrary.fork', () => {
  it('starts with the patterns of the library it forks, and keeps what it adds to itself', () => {
    const base = new PatternLibrary();
    base.add('WORD', '\\w+', 'base');
    const fork = base.fork();
    expect(fork.add('GREETING', 'hello %{WORD}', 'pattern_syntax')).toBe(true);
    expect(fork.has('WORD')).toBe(true);
    expect(fork.has('GREETING')).toBe(true);
    expect(base.has('GREETING')).toBe(false);
    expect(fork.add('WORD', '\\d+', 'pattern_syntax')).toBe(false);
    expect(fork.get('WORD')?.expression).toBe('\\w+');
  });
});
