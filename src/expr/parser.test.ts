import { describe, expect, it } from 'vitest';
import type { Node } from './ast.js';
import { BUILTIN_NAMES } from './builtins.js';
import { ExprSyntaxError } from './errors.js';
import { lex } from './lexer.js';
import { parse } from './parser.js';

const options = { builtins: BUILTIN_NAMES, isOverridden: (name: string) => name === 'len2' };

/** A compact, fully parenthesised rendering of a tree, to check how text was grouped. */
function show(n: Node): string {
  switch (n.type) {
    case 'Nil':
      return 'nil';
    case 'Bool':
    case 'Integer':
    case 'Float':
      return String(n.value);
    case 'String':
      return JSON.stringify(n.value);
    case 'Identifier':
      return n.name;
    case 'Unary':
      return `(${n.op} ${show(n.node)})`;
    case 'Binary':
      return `(${show(n.left)} ${n.op} ${show(n.right)})`;
    case 'Member':
      return `${show(n.node)}${n.optional ? '?.' : '.'}[${show(n.property)}]`;
    case 'Chain':
      return `chain(${show(n.node)})`;
    case 'Slice':
      return `${show(n.node)}[${n.from ? show(n.from) : ''}:${n.to ? show(n.to) : ''}]`;
    case 'Call':
      return `${show(n.callee)}(${n.args.map(show).join(', ')})`;
    case 'Builtin':
      return `${n.name}!(${n.args.map(show).join(', ')})`;
    case 'Predicate':
      return `{${show(n.node)}}`;
    case 'Pointer':
      return `#${n.name}`;
    case 'Let':
      return `let ${n.name} = ${show(n.value)}; ${show(n.body)}`;
    case 'Sequence':
      return n.nodes.map(show).join('; ');
    case 'Conditional':
      return `(${show(n.cond)} ? ${show(n.then)} : ${show(n.otherwise)})`;
    case 'Array':
      return `[${n.nodes.map(show).join(', ')}]`;
    case 'Map':
      return `{${n.pairs.map((p) => `${show(p.key)}: ${show(p.value)}`).join(', ')}}`;
  }
}

describe('the lexer follows expr-lang', () => {
  it('glues operators and keywords as expr-lang does', () => {
    const tokens = lex('a not in b && c ?? d?.e != 1..3 ** 2');
    expect(tokens.map((t) => `${t.kind}:${t.value}`)).toEqual([
      'Identifier:a',
      'Operator:not',
      'Operator:in',
      'Identifier:b',
      'Operator:&&',
      'Identifier:c',
      'Operator:??',
      'Identifier:d',
      'Operator:?.',
      'Identifier:e',
      'Operator:!=',
      'Number:1',
      'Operator:..',
      'Number:3',
      'Operator:**',
      'Number:2',
      'EOF:',
    ]);
  });

  it('reads numbers, strings and pointers', () => {
    expect(lex('.5 1e3 0x1F 1_000 #index `a``b`').map((t) => t.value)).toEqual([
      '.5',
      '1e3',
      '0x1F',
      '1_000',
      '#',
      'index',
      'a`b',
      '',
    ]);
    expect(lex('"a\\tb\\u00e9\\x41\\101\\u{1F600}"')[0].value).toBe('a\tbéAA😀');
    expect(lex("'it\\'s'")[0].value).toBe("it's");
  });
});

describe('the parser groups like expr-lang', () => {
  const cases: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['-2 ** 2', '(- (2 ** 2))'],
    ['not a == b', '((not a) == b)'],
    ['!a && b', '((! a) && b)'],
    ['a or b and c', '(a or (b and c))'],
    ['2 ** 3 ** 2', '(2 ** (3 ** 2))'],
    ['a < b < c', '((a < b) && (b < c))'],
    ['a == b == c', '((a == b) == c)'],
    ['a not in b', '(not (a in b))'],
    ['a not matches "x"', '(not (a matches "x"))'],
    ['a ?? b ?? c', '((a ?? b) ?? c)'],
    ['x + a ?? b', '(x + (a ?? b))'],
    ['a ? b : c ? d : e', '(a ? b : (c ? d : e))'],
    ['a ?: b', '(a ? a : b)'],
    ['a?.b.c', 'chain(a?.["b"].["c"])'],
    ['a?.[0]', 'chain(a?.[0])'],
    ['a?.b[0]', 'chain(a?.["b"]).[0]'],
    ['a.b(1, 2)', 'a.["b"](1, 2)'],
    ['a[1:2]', 'a[1:2]'],
    ['a[:]', 'a[:]'],
    ['a[-1:]', 'a[(- 1):]'],
    ['x | split(",") | len()', 'len!(split!(x, ","))'],
    ['arr | filter(# > 1)', 'filter!(arr, {(# > 1)})'],
    ['map(a, .Name)', 'map!(a, {#.["Name"]})'],
    ['reduce(a, #acc + #, 0)', 'reduce!(a, {(#acc + #)}, 0)'],
    ['len2(x)', 'len2(x)'],
    ['::len(x)', 'len!(x)'],
    ['foo(1,)', 'foo(1)'],
    ['let x = 1; let y = 2; x + y', 'let x = 1; let y = 2; (x + y)'],
    ['if a { 1 } else if b { 2 } else { 3 }', '(a ? 1 : (b ? 2 : 3))'],
    ['{a: 1, "b": 2, 3: 4, (k): 5}', '{"a": 1, "b": 2, "3": 4, k: 5}'],
    ['[1, 2,]', '[1, 2]'],
    ['a.not', 'a.["not"]'],
    ['1; 2', '1; 2'],
    ['$env["x"]', '$env.["x"]'],
  ];
  for (const [src, want] of cases) {
    it(`parses ${src}`, () => {
      expect(show(parse(src, options))).toBe(want);
    });
  }
});

describe('syntax errors point at the right place', () => {
  const cases: [string, string, number, number][] = [
    ['1 + * 2', 'unexpected token Operator("*")', 1, 5],
    ['1 +', 'unexpected token EOF', 1, 4],
    ['foo(', 'unexpected token EOF', 1, 5],
    ['a ? b', 'unexpected token EOF', 1, 6],
    ['[1, 2', 'unexpected token EOF', 1, 6],
    ['"abc', 'literal not terminated', 1, 4],
    ['a @ b', "unrecognized character: U+0040 '@'", 1, 3],
    ['a.', 'unexpected end of expression', 1, 3],
    ['a.1', 'unexpected token Number(".1")', 1, 2],
    ['1 +\n  2 *', 'unexpected token EOF', 2, 6],
    ['x\n+ )', 'unexpected token Bracket(")")', 2, 3],
    ['#', 'cannot use pointer accessor outside predicate', 1, 1],
    ['let x = 1 x', 'unexpected token Identifier("x")', 1, 11],
    ['{a 1}', 'unexpected token Number("1")', 1, 4],
    ['0x', 'invalid hex literal: strconv.ParseInt: parsing "0x": invalid syntax', 1, 1],
    ['1a', 'bad number syntax: "1a"', 1, 1],
    ['9223372036854775808', 'integer literal is too large', 1, 1],
    ["'\\z'", 'invalid char escape', 1, 3],
    ['a ?? b + c', 'Operator (+) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.', 1, 8],
    ['map(a)', 'expected at least 2 arguments', 1, 6],
    ['filter(a, # > 1; 2)', 'wrap predicate with brackets { and }', 1, 16],
    ['a not b', 'unexpected token Identifier("b")', 1, 7],
    ['/* open', 'unclosed comment', 1, 7],
    ['été + (', 'unexpected token EOF', 1, 8],
  ];
  for (const [src, detail, line, column] of cases) {
    it(`reports ${JSON.stringify(detail)} at ${line}:${column} for ${JSON.stringify(src)}`, () => {
      try {
        parse(src, options);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ExprSyntaxError);
        const e = err as ExprSyntaxError;
        expect(e.detail).toBe(detail);
        expect([e.line, e.column]).toEqual([line, column]);
        expect(e.message).toContain(`(${line}:${column})`);
      }
    });
  }

  it('refuses trees larger or deeper than expr-lang allows', () => {
    expect(() => parse(Array(6000).fill('1').join(' + '), options)).toThrow(/exceeds maximum allowed nodes/);
    expect(() => parse('('.repeat(20000) + '1' + ')'.repeat(20000), options)).toThrow(ExprSyntaxError);
  });

  it('prefixes the origin of the expression', () => {
    try {
      parse('1 +', options, 'parsers/sshd.yaml:12 filter');
      expect.unreachable();
    } catch (err) {
      expect((err as ExprSyntaxError).message.startsWith('parsers/sshd.yaml:12 filter: unexpected token EOF (1:4)')).toBe(
        true,
      );
    }
  });
});
