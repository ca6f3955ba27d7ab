/**
 * compileExpr: parse once, compile once, run many times. The compiled tree of closures runs as it is
 * or, by default, is written as one generated function (codegen.ts). A run reuses one frame between
 * runs (a run that re-enters the same expression gets its own).
 */
import { BUILTIN_NAMES } from './builtins.js';
import { generate, type GeneratedRun } from './codegen.js';
import { Compiler } from './compiler.js';
import type { Compiled, Eval, ExprCompileOptions, Frame } from './compile-types.js';
import { ExprRuntimeError, ExprSyntaxError, RuntimeFault } from './errors.js';
import { parse } from './parser.js';
import type { StaticKind } from './values.js';

export interface CompiledExpr {
  readonly source: string;
  /**
   * What is known at compile time of the value `run` returns: 'int' or 'float' when the expression
   * says so (Go keeps them apart: `Atof(x)` is a float64 even when integral), 'any' when unknown.
   */
  readonly resultKind: StaticKind;
  /** Evaluates the expression; throws ExprRuntimeError where expr-lang fails at run time. */
  run(env: Readonly<Record<string, unknown>>): unknown;
}

const NO_ENV: Readonly<Record<string, unknown>> = Object.freeze({});

class CompiledExpression implements CompiledExpr {
  readonly source: string;
  readonly resultKind: StaticKind;
  private readonly root: Eval;
  private readonly slotCount: number;
  private readonly origin: string | undefined;
  private idle: Frame | null;

  constructor(source: string, root: Eval, resultKind: StaticKind, slotCount: number, origin?: string) {
    this.source = source;
    this.origin = origin;
    this.root = root;
    this.resultKind = resultKind;
    this.slotCount = slotCount;
    this.idle = { env: NO_ENV, slots: new Array<unknown>(slotCount) };
  }

  run(env: Readonly<Record<string, unknown>>): unknown {
    let f = this.idle;
    if (f === null) f = { env, slots: new Array<unknown>(this.slotCount) };
    else {
      this.idle = null;
      f.env = env;
    }
    try {
      const v = this.root(f);
      return v === undefined ? null : v;
    } catch (err) {
      throw runtimeError(err, this.source, this.origin);
    } finally {
      f.env = NO_ENV;
      this.idle = f;
    }
  }
}

/** An expression run by its generated function (which turns failures into ExprRuntimeError itself). */
class GeneratedExpression implements CompiledExpr {
  readonly source: string;
  readonly resultKind: StaticKind;
  readonly run: GeneratedRun;
  /** The generated source (see generatedCode). */
  readonly code: string;

  constructor(source: string, resultKind: StaticKind, run: GeneratedRun, code: string) {
    this.source = source;
    this.resultKind = resultKind;
    this.run = run;
    this.code = code;
  }
}

function runtimeError(err: unknown, source: string, origin: string | undefined): ExprRuntimeError {
  if (err instanceof ExprRuntimeError) return err;
  if (err instanceof RuntimeFault) return new ExprRuntimeError(err.message, source, err.pos, err.cause ?? err, origin);
  const message = err instanceof Error ? err.message : String(err);
  return new ExprRuntimeError(message, source, -1, err, origin);
}

/** The source of the function generated for a compiled expression; null when it runs as closures. */
export function generatedCode(expr: CompiledExpr): string | null {
  return expr instanceof GeneratedExpression ? expr.code : null;
}

/** Parses and compiles expr-lang text; throws ExprSyntaxError (HERD_EXPR_SYNTAX) when it cannot. */
export function compileExpr(source: string, options: ExprCompileOptions): CompiledExpr {
  const variables = new Set(options.variables);
  const functions = options.functions ?? {};
  const ast = parse(
    source,
    {
      builtins: BUILTIN_NAMES,
      isOverridden: (name) => variables.has(name) || Object.prototype.hasOwnProperty.call(functions, name),
    },
    options.origin,
  );
  const compiler = new Compiler(source, options);
  let root: Compiled;
  try {
    root = compiler.compile(ast);
  } catch (err) {
    // A tree within expr-lang's node limit can still be too deep for recursive compilation.
    if (err instanceof RangeError) throw new ExprSyntaxError('expression is nested too deeply', source, 0, options.origin);
    throw err;
  }
  if (options.backend !== 'closures') {
    const origin = options.origin;
    const generated = generate(root, compiler.slots, (err) => runtimeError(err, source, origin));
    if (generated !== null) return new GeneratedExpression(source, root.kind, generated.run, generated.code);
  }
  return new CompiledExpression(source, root.ev, root.kind, compiler.slots, options.origin);
}
