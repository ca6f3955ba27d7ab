import type { Node } from './ast.js';
import type { CompilerContext } from './compile-types.js';

/** Builtins without side effects whose answer depends only on their arguments. */
const SAFE_BUILTINS = new Set(['lower', 'upper', 'trim', 'trimPrefix', 'trimSuffix', 'string', 'len']);

/**
 * A side-effect-free expression over the environment (and `#` when `pointer` is true): member reads,
 * literals, comparisons and logic, and calls of pure helpers. Evaluating it again on the same inputs
 * gives the same value.
 */
export function isPureNode(c: CompilerContext, n: Node, pointer: boolean): boolean {
  switch (n.type) {
    case 'String':
    case 'Integer':
    case 'Float':
    case 'Bool':
    case 'Nil':
    case 'Identifier':
      return true;
    case 'Pointer':
      return pointer && n.name === '';
    case 'Member':
      return !n.method && isPureNode(c, n.node, pointer) && isPureNode(c, n.property, pointer);
    case 'Chain':
      return isPureNode(c, n.node, pointer);
    case 'Unary':
      return isPureNode(c, n.node, pointer);
    case 'Binary':
      return isPureNode(c, n.left, pointer) && isPureNode(c, n.right, pointer);
    case 'Array':
      return n.nodes.every((x) => isPureNode(c, x, pointer));
    case 'Call': {
      if (n.callee.type !== 'Identifier') return false;
      const fn = c.functionNamed(n.callee.name);
      return fn !== undefined && fn.pure === true && n.args.every((a) => isPureNode(c, a, pointer));
    }
    case 'Builtin':
      return SAFE_BUILTINS.has(n.name) && n.args.every((a) => isPureNode(c, a, pointer));
    default:
      return false;
  }
}

