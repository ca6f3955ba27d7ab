/**
 * Types shared by the compiler's parts: the frame a compiled expression runs in, the closure each
 * node becomes, and the options compileExpr takes.
 */
import type { Clock } from '../core/index.js';
import type { Node } from './ast.js';
import type { ExprFunction, StaticKind } from './values.js';

export interface RegexLike {
  test(s: string): boolean;
  exec(s: string): (string | undefined)[] | null;
}

/** Compiles a Go (RE2) regular expression; src/grok provides one that is safe on hostile input. */
export type RegexCompiler = (goSource: string) => RegexLike;

export interface ExprCompileOptions {
  /** Names the environment provides, e.g. ['evt']; any other name is a compile error. */
  variables: readonly string[];
  /** Extra functions (CrowdSec helpers, ...); a name here takes precedence over a builtin. */
  functions?: Readonly<Record<string, ExprFunction>>;
  /** For `matches` (constant patterns are compiled once, at compile time). */
  regex: RegexCompiler;
  /** The clock `now()` reads; the system clock when absent. */
  clock?: Clock;
  /** Where the text comes from (`file:line field`), prefixed to error messages. */
  origin?: string;
  /**
   * Direct readers for paths of the environment the host knows the shape of (`evt.Meta.x` on a
   * CrowdSec event): returns a function reading the path from the environment with exactly the
   * result member access would give, or null to use generic member access.
   */
  fieldReader?: FieldReaderFactory;
  /**
   * How the expression runs: 'auto' (the default) generates one JavaScript function for it when its
   * root can be generated (subtrees that cannot run as closures inside it); 'closures' runs the tree
   * of closures. Both give the same results and errors.
   */
  backend?: 'auto' | 'closures';
}

/**
 * A host's reader for a path. With `inline`, the reader promises it is exactly "read
 * `env[root][names[0]]…[names[n-1]]`, and give '' when the last read is undefined"
 * (`missingAsEmpty`) — the code generator then writes those reads into each generated function
 * (one property access site per expression, which V8 keeps monomorphic) instead of calling the
 * reader.
 */
export type FieldReader = ((env: Readonly<Record<string, unknown>>) => unknown) & {
  inline?: { names: readonly string[]; missingAsEmpty: boolean };
};
export type FieldReaderFactory = (root: string, path: readonly string[]) => FieldReader | null;

/** Where a compiled expression keeps its state while it runs: the environment and local slots. */
export interface Frame {
  env: Readonly<Record<string, unknown>>;
  /** `let` variables and the `#`, `#index`, `#acc` of predicates, at slots fixed at compile time. */
  slots: unknown[];
}

export type Eval = (f: Frame) => unknown;

/**
 * A compiled node: its closure, what is known of its value, its value when it is constant, and how
 * the code generator writes it (absent: the generated function calls the closure).
 */
export interface Compiled {
  ev: Eval;
  kind: StaticKind;
  constant: boolean;
  value: unknown;
  emit?: Emit;
}

/**
 * Writes a node into the generated function with the same semantics as its closure (same order of
 * evaluation, same try/catch extents, same helpers); returns the atom holding its value.
 */
export type Emit = (g: Emitter) => string;

/**
 * What an emitter may write with. Code fragments are fixed templates and atoms: a value from the
 * expression (string, number, regex, function, position) enters only through `constant`, so the
 * generated source never contains text of the expression.
 */
export interface Emitter {
  /** The atom holding the value of a compiled node: emits its code, or calls its closure. */
  value(c: Compiled): string;
  /** A name bound to a captured value (the same value always gets the same name). */
  constant(v: unknown): string;
  /** Appends `t = code;` for a fresh local t, and returns t. */
  assign(code: string): string;
  /** A fresh local, declared and unassigned. */
  temp(): string;
  /** Appends a statement. */
  line(code: string): void;
  /** The statements `body` emits, as source for a block, instead of appending them. */
  block(body: () => void): string;
  /** Emits `body` inside `try { } catch (e) { throw locate(e, pos) }`; returns its result's atom. */
  located(pos: number, body: () => string): string;
  /**
   * The atom of a read already emitted under `key` where this code runs after it (same block or an
   * enclosing one) with no call in between; otherwise emits `read` and remembers its atom. For reads
   * of the environment, which nothing but a call can change while an expression runs.
   */
  reuse(key: string, read: () => string): string;
  /** Forgets every remembered read: emitted after anything that may change the environment (calls). */
  forget(): void;
  /** The atom of the environment the expression runs in. */
  readonly env: string;
}

/** What the parts of the compiler need from the compiler. */
export interface CompilerContext {
  /** Compiles a node; `spine` when it is on the path of an optional chain (may yield CHAIN_NIL). */
  compile(node: Node, spine?: boolean): Compiled;
  fail(message: string, pos: number): never;
  allocSlots(n: number): number;
  pushPredicate(item: number, index: number, acc: number): void;
  popPredicate(): void;
  /** A name of the environment, not shadowed by a `let`. */
  isEnvVariable(name: string): boolean;
  /** A function of the functions table, unless a `let` or a variable of that name hides it. */
  functionNamed(name: string): ExprFunction | undefined;
  /** The value a name stands for (let, $env, variable, function); compile error when unknown. */
  identifier(name: string, pos: number): Compiled;
  readonly regex: RegexCompiler;
  readonly clock: Clock;
  readonly fieldReader: FieldReaderFactory | undefined;
}

/** Marks the value of an optional chain that met nil at a `?.`; the chain's end turns it into nil. */
export const CHAIN_NIL: unique symbol = Symbol('expr.chainNil');

export function constantOf(value: unknown, kind: StaticKind): Compiled {
  return { ev: () => value, kind, constant: true, value };
}

export function dynamic(ev: Eval, kind: StaticKind, emit?: Emit): Compiled {
  return { ev, kind, constant: false, value: undefined, emit };
}
