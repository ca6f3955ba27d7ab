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
}

export type FieldReader = (env: Readonly<Record<string, unknown>>) => unknown;
export type FieldReaderFactory = (root: string, path: readonly string[]) => FieldReader | null;

/** Where a compiled expression keeps its state while it runs: the environment and local slots. */
export interface Frame {
  env: Readonly<Record<string, unknown>>;
  /** `let` variables and the `#`, `#index`, `#acc` of predicates, at slots fixed at compile time. */
  slots: unknown[];
}

export type Eval = (f: Frame) => unknown;

/** A compiled node: its closure, what is known of its value, and its value when it is constant. */
export interface Compiled {
  ev: Eval;
  kind: StaticKind;
  constant: boolean;
  value: unknown;
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

export function dynamic(ev: Eval, kind: StaticKind): Compiled {
  return { ev, kind, constant: false, value: undefined };
}
