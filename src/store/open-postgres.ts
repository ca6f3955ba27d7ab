import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { HerdError, errorMessage, silentLogger, type Clock, type Logger } from '../core/index.js';
import { migrateToLatest, storeMigrations } from './migrations.js';
import { createSqlStore } from './sql-store.js';
import type { Store } from './store-api.js';
import type { Tables } from './tables.js';

/**
 * The store on a PostgreSQL database shared by every herd process of a deployment (agents' local
 * API instances, the CLI). Same migrations and queries as SQLite; only the connection differs.
 * herd's tables live in the connection's current schema (`public`, or the first of a search_path
 * given in the url as `?options=-c%20search_path%3Dherd`), so herd can share a database with others.
 */

const DEFAULT_POOL_SIZE = 10;
/** A server that does not answer fails the open instead of hanging start-up. */
const CONNECT_TIMEOUT_MS = 10_000;
const INT8_OID = 20;

/**
 * The driver returns 64-bit integers (`bigint` columns: ms times, ids, counts) as text so as not to
 * lose precision; herd's are ms times and ids, far below 2^53, so this pool reads them as numbers.
 * Set on the pool, not on pg's global type table, so other users of pg in the process are unaffected.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable url)';
  }
}

function checkConfig(url: string, poolSize: number | undefined): void {
  let u: URL | null = null;
  try {
    u = new URL(url);
  } catch {
    u = null;
  }
  if (!u || (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')) {
    throw new HerdError(
      'HERD_STORE_CONFIG',
      `the PostgreSQL store url ${redactUrl(url)} is not a postgres:// URL; write it as postgres://user:password@host:5432/database`,
    );
  }
  if (poolSize !== undefined && (!Number.isInteger(poolSize) || poolSize < 1)) {
    throw new HerdError('HERD_STORE_CONFIG', `the PostgreSQL store poolSize ${poolSize} is not valid; use a whole number of connections, 1 or more`);
  }
}

/**
 * Connects, checks the server answers, and migrates to the latest schema (several processes may
 * open at once: Kysely's migrator holds a PostgreSQL advisory lock while it migrates).
 * Throws `HERD_STORE_CONFIG` for a bad url or pool size, `HERD_STORE_OPEN` when the server cannot
 * be reached or refuses the login, `HERD_STORE_MIGRATE` when the schema cannot be brought up to date.
 */
export async function openPostgresStore(
  config: { url: string; poolSize?: number },
  deps: { clock: Clock; logger?: Logger },
): Promise<Store> {
  const logger = deps.logger ?? silentLogger();
  checkConfig(config.url, config.poolSize);
  const where = redactUrl(config.url);
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'herd',
    types,
  });
  // An idle connection dropped by the server is replaced on next use; without a listener the
  // pool's 'error' event would end the process.
  pool.on('error', (err) => logger.warn({ db: where, err: errorMessage(err) }, 'store connection lost'));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  let schema: string | null;
  try {
    schema = (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema ?? null;
  } catch (err) {
    await db.destroy();
    throw new HerdError(
      'HERD_STORE_OPEN',
      `cannot connect to the PostgreSQL store ${where}: ${errorMessage(err)}; check the url (user, password, host, port, ` +
        'database), that the server is running and accepts connections from this host (listen_addresses, pg_hba.conf), ' +
        'and that the database exists',
      { cause: err },
    );
  }
  if (schema === null) {
    await db.destroy();
    throw new HerdError(
      'HERD_STORE_OPEN',
      `the PostgreSQL store ${where} has no schema to keep herd's tables in: its search_path names no existing schema; ` +
        'create the schema, or fix the search_path (the url\'s options=-c search_path=...)',
    );
  }
  try {
    const applied = await migrateToLatest(db as unknown as Kysely<unknown>, storeMigrations('postgres'), where, schema);
    if (applied.length > 0) logger.info({ db: where, migrations: applied }, 'store migrated');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  logger.debug({ db: where }, 'store opened');
  return createSqlStore(db, { clock: deps.clock, logger });
}
