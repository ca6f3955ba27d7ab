/**
 * Every error herd raises on purpose is a HerdError: a stable `code` that scripts and tests can
 * match on, and a message that says what happened, where, and what to do next.
 */
export class HerdError extends Error {
  readonly code: string;
  /** Where the problem is, when it is in a file: `path:line` (line is 1-based). */
  readonly where?: string;

  constructor(code: string, message: string, options?: { where?: string; cause?: unknown }) {
    super(options?.where ? `${options.where}: ${message}` : message, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'HerdError';
    this.code = code;
    this.where = options?.where;
  }
}

/** Formats `file:line` (line 1-based); the line is left out when unknown. */
export function fileLine(file: string, line?: number): string {
  return line && line > 0 ? `${file}:${line}` : file;
}

/** The message of anything thrown, for logs and counters. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
