import { HerdError, errorMessage } from '../core/index.js';

/** How the store reports failures of the database underneath, on either engine. */

export const QUERY_HINT = 'check that the database is reachable and not locked by another program';

/** `err` as a HerdError with `code`; a HerdError already thrown (a bad query, a conflict) passes as is. */
export function storeError(code: string, what: string, err: unknown, hint: string): HerdError {
  if (err instanceof HerdError) return err;
  return new HerdError(code, `${what} failed: ${errorMessage(err)}; ${hint}`, { cause: err });
}

/** Runs a read or a single write, reporting a failure as `HERD_STORE_QUERY`. */
export async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw storeError('HERD_STORE_QUERY', what, err, QUERY_HINT);
  }
}

/** A UNIQUE (or primary key) constraint refused the write: SQLite's SQLITE_CONSTRAINT_*, PostgreSQL's 23505. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
