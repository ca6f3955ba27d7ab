/**
 * The shape of a non-predicate builtin: its arity (checked when compiling, with expr-lang's
 * messages), whether it may be folded at compile time, the static kind it yields, and its body.
 */
import type { Clock } from '../core/index.js';
import type { StaticKind } from './values.js';

/** What a builtin call site knows: the static kinds of its arguments and the injected clock. */
export interface CallSite {
  readonly kinds: readonly StaticKind[];
  readonly clock: Clock;
  /** Per call site memo (compiled layouts, regexes) so run-time arguments are compiled once. */
  readonly cache: Map<string, unknown>;
}

export interface BuiltinSpec {
  readonly min: number;
  readonly max: number;
  /** Which of expr-lang's arity messages applies: its `Validate` functions or its typed signatures. */
  readonly arity: 'validate' | 'types' | 'aggregate';
  /** No side effects and no clock: calls with constant arguments are folded at compile time. */
  readonly pure: boolean;
  kind(args: readonly StaticKind[]): StaticKind;
  call(args: unknown[], site: CallSite): unknown;
}

export function arityError(name: string, spec: BuiltinSpec, got: number): string | null {
  if (got >= spec.min && got <= spec.max) return null;
  if (spec.arity === 'types' || spec.arity === 'aggregate') {
    return got < spec.min ? `not enough arguments to call ${name}` : `too many arguments to call ${name}`;
  }
  if (spec.min === spec.max) return `invalid number of arguments (expected ${spec.min}, got ${got})`;
  if (got < spec.min) return `invalid number of arguments (expected at least ${spec.min}, got ${got})`;
  return `invalid number of arguments (expected at most ${spec.max}, got ${got})`;
}

export const always =
  (k: StaticKind) =>
  (): StaticKind =>
    k;
