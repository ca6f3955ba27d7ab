/**
 * Compiles calls of builtins: predicate builtins become loops (compile-predicates), the others check
 * their arity now, fold when their arguments are constant and pure, and otherwise call their body.
 */
import type { BuiltinNode } from './ast.js';
import { arityError, type CallSite } from './builtin-spec.js';
import { BUILTINS } from './builtins.js';
import { fold } from './compile-operators.js';
import { compileAnyMatch } from './compile-any-match.js';
import { compilePredicateBuiltin } from './compile-predicates.js';
import { dynamic, type Compiled, type CompilerContext, type Emit, type Frame } from './compile-types.js';
import { locate } from './errors.js';
import { isPredicateBuiltin } from './parser.js';

export function compileBuiltin(c: CompilerContext, node: BuiltinNode): Compiled {
  if (isPredicateBuiltin(node.name)) {
    if (node.name === 'any') {
      const matched = compileAnyMatch(c, node);
      if (matched !== null) return matched;
    }
    return compilePredicateBuiltin(c, node);
  }
  const spec = BUILTINS.get(node.name);
  if (spec === undefined) return c.fail(`unknown name ${node.name}`, node.pos);
  const problem = arityError(node.name, spec, node.args.length);
  if (problem !== null) return c.fail(problem, node.pos);
  const args = node.args.map((a) => c.compile(a));
  const kinds = args.map((a) => a.kind);
  const site: CallSite = { kinds, clock: c.clock, cache: new Map() };
  const kind = spec.kind(kinds);
  if (spec.pure && args.every((a) => a.constant)) {
    const values = args.map((a) => a.value);
    const folded = fold(() => spec.call(values, site), kind);
    if (folded) return folded;
  }
  const evs = args.map((a) => a.ev);
  const call = spec.call;
  const pos = node.pos;
  // Given objects, a builtin may call their methods (String, MarshalText): reads are done again after it.
  const mayCallMethods = !kinds.every((k) => k === 'string' || k === 'int' || k === 'float' || k === 'bool' || k === 'nil');
  const emit: Emit = (g) => {
    // Arguments first, then the call alone in the try, as the closures below do.
    const values = args.map((a) => g.value(a));
    const v = g.located(pos, () => `${g.constant(call)}([${values.join(', ')}], ${g.constant(site)})`);
    if (mayCallMethods) g.forget();
    return v;
  };
  switch (evs.length) {
    case 1: {
      const [a] = evs;
      return dynamic((f) => {
        const x = a(f);
        try {
          return call([x], site);
        } catch (e) {
          throw locate(e, pos);
        }
      }, kind, emit);
    }
    case 2: {
      const [a, b] = evs;
      return dynamic((f) => {
        const x = a(f);
        const y = b(f);
        try {
          return call([x, y], site);
        } catch (e) {
          throw locate(e, pos);
        }
      }, kind, emit);
    }
    default:
      return dynamic((f: Frame) => {
        const values = evs.map((e) => e(f));
        try {
          return call(values, site);
        } catch (e) {
          throw locate(e, pos);
        }
      }, kind, emit);
  }
}
