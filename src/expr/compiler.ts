/**
 * Compiles a syntax tree into a tree of closures, once; running the expression then calls the root
 * closure with a frame. Names are resolved here (unknown ones are compile errors), constants are
 * folded, builtins' arities are checked, and the static kind of each value is tracked. Nodes the
 * code generator handles also carry an `emit` that writes the same evaluation as source.
 */
import { systemClock, type Clock } from '../core/index.js';
import type { ConditionalNode, MapNode, Node } from './ast.js';
import { compileCall, compileMember, compileSlice } from './compile-access.js';
import { compileBuiltin } from './compile-builtins.js';
import { compileBinary, compileUnary, isImmutable } from './compile-operators.js';
import {
  CHAIN_NIL,
  constantOf,
  dynamic,
  type Compiled,
  type CompilerContext,
  type ExprCompileOptions,
  type FieldReaderFactory,
  type RegexCompiler,
} from './compile-types.js';
import { pathKey } from './emit-access.js';
import { ExprSyntaxError, fault, locate } from './errors.js';
import { asBool } from './value-ops.js';
import { goTypeOf, type ExprFunction, type StaticKind } from './values.js';

interface LetScope {
  name: string;
  slot: number;
  kind: StaticKind;
  constant: Compiled | null;
}

interface PredicateScope {
  item: number;
  index: number;
  acc: number;
}

export class Compiler implements CompilerContext {
  readonly regex: RegexCompiler;
  readonly clock: Clock;
  readonly fieldReader: FieldReaderFactory | undefined;
  private readonly source: string;
  private readonly origin: string | undefined;
  private readonly variables: ReadonlySet<string>;
  private readonly functions: Readonly<Record<string, ExprFunction>>;
  private readonly lets: LetScope[] = [];
  private readonly predicates: PredicateScope[] = [];
  private slotCount = 0;

  constructor(source: string, options: ExprCompileOptions) {
    this.source = source;
    this.origin = options.origin;
    this.variables = new Set(options.variables);
    this.functions = options.functions ?? {};
    this.regex = options.regex;
    this.clock = options.clock ?? systemClock;
    this.fieldReader = options.fieldReader;
  }

  get slots(): number {
    return this.slotCount;
  }

  fail(message: string, pos: number): never {
    throw new ExprSyntaxError(message, this.source, pos, this.origin);
  }

  allocSlots(n: number): number {
    const first = this.slotCount;
    this.slotCount += n;
    return first;
  }

  pushPredicate(item: number, index: number, acc: number): void {
    this.predicates.push({ item, index, acc });
  }

  popPredicate(): void {
    this.predicates.pop();
  }

  private hasFunction(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.functions, name);
  }

  isEnvVariable(name: string): boolean {
    return this.lookupLet(name) === undefined && this.variables.has(name);
  }

  functionNamed(name: string): ExprFunction | undefined {
    if (this.lookupLet(name) !== undefined || this.variables.has(name)) return undefined;
    return this.hasFunction(name) ? this.functions[name] : undefined;
  }

  private lookupLet(name: string): LetScope | undefined {
    for (let i = this.lets.length - 1; i >= 0; i--) if (this.lets[i].name === name) return this.lets[i];
    return undefined;
  }

  compile(node: Node, spine = false): Compiled {
    switch (node.type) {
      case 'Nil':
        return constantOf(null, 'nil');
      case 'Bool':
        return constantOf(node.value, 'bool');
      case 'Integer':
        return constantOf(node.value, 'int');
      case 'Float':
        return constantOf(node.value, 'float');
      case 'String':
        return constantOf(node.value, 'string');
      case 'Identifier':
        return this.identifier(node.name, node.pos);
      case 'Unary':
        return compileUnary(this, node);
      case 'Binary':
        return compileBinary(this, node);
      case 'Member':
        return compileMember(this, node, spine);
      case 'Chain': {
        const inner = this.compile(node.node, true);
        const ev = inner.ev;
        return dynamic((f) => {
          const v = ev(f);
          return v === CHAIN_NIL ? null : v;
        }, inner.kind);
      }
      case 'Slice':
        return compileSlice(this, node);
      case 'Call':
        return compileCall(this, node, spine);
      case 'Builtin':
        return compileBuiltin(this, node);
      case 'Predicate':
        return this.compile(node.node);
      case 'Pointer':
        return this.pointer(node.name, node.pos);
      case 'Let':
        return this.let(node.name, node.value, node.body);
      case 'Sequence': {
        const parts = node.nodes.map((n) => this.compile(n));
        const last = parts[parts.length - 1];
        if (parts.every((p) => p.constant)) return last;
        const evs = parts.map((p) => p.ev);
        return dynamic(
          (f) => {
            for (let i = 0; i < evs.length - 1; i++) evs[i](f);
            return evs[evs.length - 1](f);
          },
          last.kind,
          (g) => {
            for (let i = 0; i < parts.length - 1; i++) g.value(parts[i]);
            return g.value(last);
          },
        );
      }
      case 'Conditional':
        return this.conditional(node);
      case 'Array': {
        const parts = node.nodes.map((n) => this.compile(n));
        const evs = parts.map((p) => p.ev);
        return dynamic(
          (f) => {
            const out = new Array<unknown>(evs.length);
            for (let i = 0; i < evs.length; i++) {
              const v = evs[i](f);
              out[i] = v === undefined ? null : v;
            }
            return out;
          },
          'array',
          (g) => {
            const items = parts.map((p) => {
              const v = g.value(p);
              return p.constant ? v : `${v} === undefined ? null : ${v}`;
            });
            return g.assign(`[${items.join(', ')}]`);
          },
        );
      }
      case 'Map':
        return this.map(node);
    }
  }

  identifier(name: string, pos: number): Compiled {
    const local = this.lookupLet(name);
    if (local) {
      if (local.constant) return local.constant;
      const slot = local.slot;
      return dynamic((f) => f.slots[slot], local.kind);
    }
    if (name === '$env') return dynamic((f) => f.env, 'map', (g) => g.env);
    if (this.variables.has(name)) {
      return dynamic(
        (f) => {
          const v = f.env[name];
          return v === undefined ? null : v;
        },
        'any',
        (g) =>
          g.reuse(pathKey(name, []), () => {
            const v = g.assign(`${g.env}[${g.constant(name)}]`);
            g.line(`if (${v} === undefined) ${v} = null;`);
            return v;
          }),
      );
    }
    if (this.hasFunction(name)) return constantOf(this.functions[name], 'any');
    return this.fail(`unknown name ${name}`, pos);
  }

  private pointer(name: string, pos: number): Compiled {
    const scope = this.predicates[this.predicates.length - 1];
    if (!scope) return this.fail('cannot use pointer accessor outside predicate', pos);
    let slot: number;
    if (name === '') slot = scope.item;
    else if (name === 'index') slot = scope.index;
    else if (name === 'acc') slot = scope.acc;
    else return this.fail(`unknown pointer #${name}`, pos);
    return dynamic((f) => {
      const v = f.slots[slot];
      return v === undefined ? null : v;
    }, name === 'index' ? 'int' : 'any');
  }

  private let(name: string, valueNode: Node, body: Node): Compiled {
    const value = this.compile(valueNode);
    if (value.constant && isImmutable(value.value)) {
      this.lets.push({ name, slot: -1, kind: value.kind, constant: value });
      try {
        return this.compile(body);
      } finally {
        this.lets.pop();
      }
    }
    const slot = this.allocSlots(1);
    this.lets.push({ name, slot, kind: value.kind, constant: null });
    let inner: Compiled;
    try {
      inner = this.compile(body);
    } finally {
      this.lets.pop();
    }
    const v = value.ev;
    const b = inner.ev;
    return dynamic((f) => {
      f.slots[slot] = v(f);
      return b(f);
    }, inner.kind);
  }

  private conditional(node: ConditionalNode): Compiled {
    const cond = this.compile(node.cond);
    const then = this.compile(node.then);
    const otherwise = this.compile(node.otherwise);
    if (cond.constant && typeof cond.value === 'boolean') return cond.value ? then : otherwise;
    const c = cond.ev;
    const a = then.ev;
    const b = otherwise.ev;
    const pos = node.pos;
    return dynamic(
      (f) => {
        const v = c(f);
        if (v === true) return a(f);
        if (v === false) return b(f);
        try {
          return asBool(v) ? a(f) : b(f);
        } catch (e) {
          throw locate(e, pos);
        }
      },
      then.kind === otherwise.kind ? then.kind : 'any',
      (g) => {
        const v = g.value(cond);
        const t = g.temp();
        const yes = g.block(() => g.line(`${t} = ${g.value(then)};`));
        const no = g.block(() => g.line(`${t} = ${g.value(otherwise)};`));
        // Not a bool: asBool throws, so neither branch runs.
        const bad = g.block(() => g.located(pos, () => `${g.constant(asBool)}(${v})`));
        g.line(`if (${v} === true) {${yes}} else if (${v} === false) {${no}} else {${bad}}`);
        return t;
      },
    );
  }

  private map(node: MapNode): Compiled {
    const pairs = node.pairs.map((p) => ({ key: this.compile(p.key), value: this.compile(p.value) }));
    const keys = pairs.map((p) => p.key.ev);
    const values = pairs.map((p) => p.value.ev);
    const pos = node.pos;
    return dynamic((f) => {
      const out = Object.create(null) as Record<string, unknown>;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i](f);
        if (typeof k !== 'string') {
          throw locate(fault(`interface conversion: interface {} is ${goTypeOf(k)}, not string`), pos);
        }
        const v = values[i](f);
        out[k] = v === undefined ? null : v;
      }
      return out;
    }, 'map');
  }
}
