/**
 * Writes the AST back as RE2 syntax for the `re2` binding, in a canonical form that needs no
 * global flags and that the binding's JS-to-RE2 translation leaves alone: every non-alphanumeric
 * character is `\x{…}`, flags are local (`(?i:…)`), anchors are explicit (`\A`, `\z`, `(?m:^)`).
 * Captures keep their numbers: the same groups in the same order.
 */

import { MAX_RUNE, type RangeList } from './char-class.js';
import type { RegexNode } from './regex-ast.js';

function char(cp: number): string {
  const alnum = (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  return alnum ? String.fromCharCode(cp) : `\\x{${cp.toString(16)}}`;
}

function items(ranges: RangeList): string {
  let s = '';
  for (let i = 0; i < ranges.length; i += 2) {
    s += ranges[i] === ranges[i + 1] ? char(ranges[i]) : `${char(ranges[i])}-${char(ranges[i + 1])}`;
  }
  return s;
}

function emit(node: RegexNode): string {
  switch (node.kind) {
    case 'empty':
      return '(?:)';
    case 'literal':
      return node.fold ? `(?i:${char(node.cp)})` : char(node.cp);
    case 'class':
      if (node.ranges.length === 0) return `[^\\x{0}-\\x{${MAX_RUNE.toString(16)}}]`;
      return `[${items(node.ranges)}]`;
    case 'unicodeClass': {
      const props = node.props.map((p) => `\\${p.negated ? 'P' : 'p'}{${p.name}}`).join('');
      const cls = `[${node.negated ? '^' : ''}${items(node.ranges)}${props}]`;
      return node.fold ? `(?i:${cls})` : cls;
    }
    case 'assert':
      switch (node.assertion) {
        case 'beginText':
          return '\\A';
        case 'endText':
          return '\\z';
        case 'beginLine':
          return '(?m:^)';
        case 'endLine':
          return '(?m:$)';
        case 'wordBoundary':
          return '\\b';
        case 'notWordBoundary':
          return '\\B';
      }
      return '';
    case 'capture':
      return `(${emit(node.sub)})`;
    case 'concat':
      return node.subs.map(emit).join('');
    case 'alternate':
      return `(?:${node.subs.map(emit).join('|')})`;
    case 'repeat': {
      const lazy = node.greedy ? '' : '?';
      const { min, max } = node;
      const q =
        min === 0 && max === -1 ? '*' : min === 1 && max === -1 ? '+' : min === 0 && max === 1 ? '?' : max === -1 ? `{${min},}` : min === max ? `{${min}}` : `{${min},${max}}`;
      return `(?:${emit(node.sub)})${q}${lazy}`;
    }
  }
}

/** The RE2 source for a parsed Go regex. */
export function emitRe2Regex(ast: RegexNode): string {
  return emit(ast);
}
