/**
 * Generators of Go RE2 expressions and of strings they match, for the property tests of this
 * folder. Test code only (not built).
 */

import fc from 'fast-check';
import { foldOrbit } from './case-fold.js';
import type { RegexNode } from './regex-ast.js';

/** Go RE2 sources built from parts that mean the same to Go and to the re2 binding. */
export function goRegex(depth: number): fc.Arbitrary<string> {
  const literal = fc.constantFrom('a', 'b', 'A', 'k', '-', ' ', '1', 'é', '\\.', '\\-', '\\n', '\\x41', '\\x{62}', '\\141', '\\Q-a\\E', '\\x{212A}');
  const cls = fc.constantFrom(
    '[ab]', '[^a]', '[a-c]', '[^\\n]', '.', '\\d', '\\w', '\\s', '\\W', '\\S', '[[:alpha:]]', '[[:^digit:]]', '[a-]', '[]a]', '[^]a]', '[\\d-]', '[k]',
    '\\pL', '\\PL', '[\\p{Greek}a]', '[^\\p{Greek}\\d]',
  );
  // No \B: RE2 C++ (the oracle) can match it between the bytes of one UTF-8 character, Go cannot.
  const anchor = fc.constantFrom('^', '$', '\\b', '\\A', '\\z');
  const leaf = fc.oneof({ weight: 4, arbitrary: literal }, { weight: 3, arbitrary: cls }, { weight: 1, arbitrary: anchor });
  if (depth === 0) return leaf;
  const inner = goRegex(depth - 1);
  const concat = fc.array(inner, { minLength: 0, maxLength: 3 }).map((xs) => xs.join(''));
  const alt = fc.array(concat, { minLength: 1, maxLength: 3 }).map((xs) => xs.join('|'));
  const group = fc.tuple(fc.constantFrom('(', '(?:', '(?i:', '(?s:', '(?U:', '(?m:', '(?i)(?:'), alt).map(([open, body]) => `${open}${body})`);
  const quantifier = fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,2}', '{2,}', '*?', '+?', '??', '{1,2}?', '{0,1}');
  const repeated = fc.tuple(fc.oneof(leaf, group), quantifier).map(([x, q]) => `(?:${x})${q}`);
  return fc.oneof({ weight: 2, arbitrary: leaf }, { weight: 2, arbitrary: group }, { weight: 2, arbitrary: repeated }, { weight: 1, arbitrary: alt });
}

/**
 * Sources rich in literals (words, alternations of words, case-insensitive parts, small classes,
 * the characters that fold to ASCII, U+FFFD, a character outside the BMP, an empty class), the
 * material of literal prefilters.
 */
export function literalRegex(depth: number): fc.Arbitrary<string> {
  const word = fc.constantFrom('nmap', 'sql', 'abc', 'ab', 'Ks', 'ks', 'ss', 'x', 'é', 'ÉtÉ', '\\.\\./', '\\$\\{', '\\x{212A}s', '\\x{17F}k', '\\x{fffd}', '\\x{1F600}', 'σς', 'straße');
  const other = fc.constantFrom('[Ss]', '[ab]', '[Kk\\x{212A}]', '[0-9]', '.', '\\w+', '.*', '\\b', '^', '$', '[^\\x00-\\x{10FFFF}]', '\\pL', '[^a]');
  const leaf = fc.oneof({ weight: 5, arbitrary: word }, { weight: 2, arbitrary: other });
  if (depth === 0) return leaf;
  const inner = literalRegex(depth - 1);
  const concat = fc.array(inner, { minLength: 1, maxLength: 3 }).map((xs) => xs.join(''));
  const alt = fc.array(concat, { minLength: 1, maxLength: 3 }).map((xs) => xs.join('|'));
  const group = fc.tuple(fc.constantFrom('(', '(?:', '(?i:', '(?i)(?:'), alt).map(([open, body]) => `${open}${body})`);
  const quantifier = fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,2}', '{2,}', '{5}', '+?');
  const repeated = fc.tuple(group, quantifier).map(([x, q]) => `${x}${q}`);
  return fc.oneof({ weight: 2, arbitrary: leaf }, { weight: 3, arbitrary: group }, { weight: 1, arbitrary: repeated }, { weight: 2, arbitrary: alt });
}

/**
 * A string that the node matches, if its assertions hold where it lands: choices are made by
 * `pick(n)`, a number in [0, n). Unicode property classes give a letter.
 */
export function sampleMatch(node: RegexNode, pick: (n: number) => number): string {
  switch (node.kind) {
    case 'empty':
    case 'assert':
      return '';
    case 'literal': {
      const members = node.fold ? foldOrbit(node.cp) : [node.cp];
      return String.fromCodePoint(members[pick(members.length)]);
    }
    case 'class': {
      if (node.ranges.length === 0) return '';
      const i = 2 * pick(node.ranges.length / 2);
      const lo = node.ranges[i];
      return String.fromCodePoint(lo + pick(Math.min(node.ranges[i + 1] - lo + 1, 256)));
    }
    case 'unicodeClass':
      return 'a';
    case 'capture':
      return sampleMatch(node.sub, pick);
    case 'concat':
      return node.subs.map((s) => sampleMatch(s, pick)).join('');
    case 'alternate':
      return sampleMatch(node.subs[pick(node.subs.length)], pick);
    case 'repeat': {
      const extra = node.max === -1 ? 3 : node.max - node.min;
      const count = Math.min(node.min + pick(extra + 1), 12);
      let s = '';
      for (let i = 0; i < count; i++) s += sampleMatch(node.sub, pick);
      return s;
    }
  }
}

/** Characters for inputs: ASCII, the cases that fold to ASCII, other scripts, U+FFFD, a lone surrogate. */
export const INPUT_CHARS = ['a', 'b', 'A', 'B', 'k', 'K', '\u212A', 's', 'S', '\u017F', '-', ' ', '\n', '1', '_', 'é', 'É', '.', '/', '$', '{', 'σ', 'Σ', 'ß', '\uFFFD', '\uD800', '😀'];
