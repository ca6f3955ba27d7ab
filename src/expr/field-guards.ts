import type { Node } from './ast.js';
import { BUILTIN_NAMES } from './builtins.js';
import { parse } from './parser.js';

/**
 * Cheap necessary conditions of a boolean expression: the top-level conjuncts of the form
 * `root.A.B == 'text'` or `root.A.B in ['x', 'y']`. An engine that evaluates many filters per event
 * (one per scenario) checks these with two property reads and a Set lookup, and runs the whole
 * filter only when they hold — the filter can only be true when every guard is. Guards are a
 * sound shortcut, never a replacement: the full filter still decides.
 */
export interface FieldGuard {
  /** The variable and the names read from it, e.g. `evt` and ['Meta', 'log_type']. */
  root: string;
  path: string[];
  values: string[];
}

function memberPath(n: Node, variables: ReadonlySet<string>): { root: string; path: string[] } | null {
  const path: string[] = [];
  let cur = n;
  while (cur.type === 'Member') {
    if (cur.optional || cur.method || cur.property.type !== 'String') return null;
    path.unshift(cur.property.value);
    cur = cur.node;
  }
  if (cur.type !== 'Identifier' || !variables.has(cur.name) || path.length === 0) return null;
  return { root: cur.name, path };
}

function guardOf(n: Node, variables: ReadonlySet<string>): FieldGuard | null {
  if (n.type !== 'Binary') return null;
  if (n.op === '==') {
    const [member, lit] = n.left.type === 'String' ? [n.right, n.left] : [n.left, n.right];
    if (lit.type !== 'String') return null;
    const p = memberPath(member, variables);
    return p ? { ...p, values: [lit.value] } : null;
  }
  if (n.op === 'in' && n.right.type === 'Array' && n.right.nodes.length > 0 && n.right.nodes.every((x) => x.type === 'String')) {
    const p = memberPath(n.left, variables);
    return p ? { ...p, values: n.right.nodes.map((x) => (x as { value: string }).value) } : null;
  }
  return null;
}

function conjuncts(n: Node, out: Node[]): void {
  if (n.type === 'Binary' && (n.op === '&&' || n.op === 'and')) {
    conjuncts(n.left, out);
    conjuncts(n.right, out);
  } else out.push(n);
}

/** The guards of `source` (an empty list when it has none or does not parse). */
export function fieldGuards(source: string, variables: readonly string[]): FieldGuard[] {
  const vars = new Set(variables);
  let tree: Node;
  try {
    tree = parse(source, { builtins: BUILTIN_NAMES, isOverridden: (name) => vars.has(name) });
  } catch {
    return [];
  }
  const parts: Node[] = [];
  conjuncts(tree, parts);
  const out: FieldGuard[] = [];
  for (const p of parts) {
    const g = guardOf(p, vars);
    if (g) out.push(g);
  }
  return out;
}
