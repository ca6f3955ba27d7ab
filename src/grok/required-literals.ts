/**
 * Literal strings that every match must contain, for a cheap `includes` check before the regex
 * runs (grokky's fast reject). Taken from concatenations and required repeats only: nothing under
 * an alternation or an optional part, nothing case-insensitive.
 */

import type { RegexNode } from './regex-ast.js';

/** Shorter literals reject too little to pay for the check (grokky uses 3 as well). */
export const MIN_REQUIRED_LITERAL_LENGTH = 3;

/** The code point a node always matches, when it is one fixed, case-sensitive character. */
function fixedChar(node: RegexNode): string | undefined {
  if (node.kind === 'literal' && !node.fold) return String.fromCodePoint(node.cp);
  if (node.kind === 'class' && node.ranges.length === 2 && node.ranges[0] === node.ranges[1]) {
    return String.fromCodePoint(node.ranges[0]);
  }
  return undefined;
}

function collect(node: RegexNode, out: string[]): void {
  switch (node.kind) {
    case 'concat': {
      let run = '';
      for (const sub of node.subs) {
        const ch = fixedChar(sub);
        if (ch !== undefined) {
          run += ch;
          continue;
        }
        if (run !== '') out.push(run);
        run = '';
        collect(sub, out);
      }
      if (run !== '') out.push(run);
      return;
    }
    case 'capture':
      collect(node.sub, out);
      return;
    case 'repeat':
      if (node.min >= 1) collect(node.sub, out);
      return;
    default: {
      const ch = fixedChar(node);
      if (ch !== undefined) out.push(ch);
    }
  }
}

/** The required literals of a pattern, at least MIN_REQUIRED_LITERAL_LENGTH long, none inside another. */
export function requiredLiterals(ast: RegexNode): string[] {
  const all: string[] = [];
  collect(ast, all);
  const unique = [...new Set(all.filter((s) => s.length >= MIN_REQUIRED_LITERAL_LENGTH))];
  return unique.filter((a) => !unique.some((b) => b !== a && b.length > a.length && b.includes(a)));
}
