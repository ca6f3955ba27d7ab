import { HerdError } from '../core/index.js';

/** Where an offset falls in an expression's text: 1-based line and column (columns count characters). */
export interface SourcePosition {
  line: number;
  column: number;
  /** The text of that line, for the caret excerpt. */
  lineText: string;
}

export function positionOf(source: string, offset: number): SourcePosition {
  const at = Math.max(0, Math.min(offset, source.length));
  const lineStart = source.lastIndexOf('\n', at - 1) + 1;
  let lineEnd = source.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = source.length;
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < lineStart; i = source.indexOf('\n', i + 1)) line++;
  const column = Array.from(source.slice(lineStart, at)).length + 1;
  return { line, column, lineText: source.slice(lineStart, lineEnd).replace(/\r$/, '') };
}

/** `message (line:column)` followed by the line and a caret under the column, as expr-lang prints it. */
export function excerpt(source: string, offset: number, message: string): string {
  const p = positionOf(source, offset);
  const pad = '.'.repeat(p.column - 1);
  return `${message} (${p.line}:${p.column})\n | ${p.lineText}\n | ${pad}^`;
}

/**
 * The expression text could not be compiled: bad syntax, an unknown name, a wrong number of arguments
 * to a builtin, an invalid constant regular expression. Raised when content is loaded, never per event.
 */
export class ExprSyntaxError extends HerdError {
  /** The reason alone, without position or excerpt. */
  readonly detail: string;
  readonly line: number;
  readonly column: number;
  readonly source: string;

  /** `origin` says where the expression comes from (e.g. `parsers/sshd.yaml:12 filter`). */
  constructor(detail: string, source: string, offset: number, origin?: string) {
    const p = positionOf(source, offset);
    super(
      'HERD_EXPR_SYNTAX',
      `${excerpt(source, offset, detail)}\nFix the expression; herd follows the expr-lang language used by CrowdSec.`,
      { where: origin },
    );
    this.name = 'ExprSyntaxError';
    this.detail = detail;
    this.line = p.line;
    this.column = p.column;
    this.source = source;
  }
}

/**
 * Evaluating a compiled expression failed the way expr-lang fails at run time (member access on nil,
 * a type mismatch, integer division by zero, an error returned by a helper). Callers count and log it.
 */
export class ExprRuntimeError extends HerdError {
  readonly detail: string;
  readonly source: string;
  /** Character offset of the failing node in the source, or -1 when unknown. */
  readonly offset: number;

  constructor(detail: string, source: string, offset: number, cause?: unknown, origin?: string) {
    super('HERD_EXPR_RUNTIME', offset >= 0 ? excerpt(source, offset, detail) : `${detail} in expression: ${source}`, {
      cause,
      where: origin,
    });
    this.name = 'ExprRuntimeError';
    this.detail = detail;
    this.source = source;
    this.offset = offset;
  }
}

/** A lexing problem at a source offset (becomes an ExprSyntaxError). */
export class LexError extends Error {
  readonly pos: number;
  constructor(message: string, pos: number) {
    super(message);
    this.pos = pos;
  }
}

/**
 * What runtime operations throw inside an evaluation. `run()` turns it into an ExprRuntimeError that
 * carries the source; `pos` is the offset of the node that failed (-1 until a node claims it).
 */
export class RuntimeFault extends Error {
  pos: number;
  constructor(message: string, pos = -1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeFault';
    this.pos = pos;
  }
}

export function fault(message: string): RuntimeFault {
  return new RuntimeFault(message);
}

/** Attaches the position of the innermost failing node to whatever was thrown. */
export function locate(err: unknown, pos: number): RuntimeFault {
  if (err instanceof RuntimeFault) {
    if (err.pos < 0) err.pos = pos;
    return err;
  }
  if (err instanceof ExprRuntimeError) return new RuntimeFault(err.detail, pos, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new RuntimeFault(message, pos, { cause: err });
}
