import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { HerdError, errorMessage, silentLogger, type Clock, type Logger } from '../core/index.js';
import { migrateToLatest, storeMigrations } from './migrations.js';
import { openPostgresStore } from './open-postgres.js';
import { createSqlStore } from './sql-store.js';
import type { Store, StoreConfig } from './store-api.js';
import type { Tables } from './tables.js';

/** How long a writer waits for another process's lock before SQLITE_BUSY (ms). */
const BUSY_TIMEOUT_MS = 5000;

function openSqliteFile(path: string): Database.Database {
  let database: Database.Database | undefined;
  try {
    database = new Database(path);
    // WAL: readers never block the writer. NORMAL: a crash of herd loses nothing committed; only a
    // power cut can lose the last transactions, never corrupt the file.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    database.pragma('foreign_keys = ON');
    return database;
  } catch (err) {
    database?.close();
    throw new HerdError(
      'HERD_STORE_OPEN',
      `cannot open the SQLite store ${path}: ${errorMessage(err)}; check that its directory exists and is writable by herd, ` +
        'that the disk is not full, and that the file is a herd database',
      { cause: err },
    );
  }
}

/** Statements kept per database (distinct SQL texts; the cache empties when full). */
const MAX_CACHED_STATEMENTS = 256;

/**
 * Kysely prepares every query it runs; preparing costs more than running the small statements the
 * pipeline commits (an alert, its decisions, a cursor, counters). This keeps prepared statements by
 * SQL text and hands them out again — safe because queries run one at a time on this connection.
 */
function withStatementCache(database: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = database.prepare(sql);
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  };
  return new Proxy(database, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Opens the store — a SQLite file or a PostgreSQL database — and migrates it to the latest schema
 * (a no-op when it already is). The clock stamps what is stored (`createdAt`, cursors' times) and
 * decides which decisions are active. Throws `HERD_STORE_CONFIG` for an unknown type or bad
 * settings, `HERD_STORE_OPEN` when the database cannot be opened or reached, `HERD_STORE_MIGRATE`
 * when its schema cannot be brought up to date.
 */
export async function openStore(config: StoreConfig, deps: { clock: Clock; logger?: Logger }): Promise<Store> {
  switch (config.type) {
    case 'sqlite':
      return openSqliteStore(config.path, deps);
    case 'postgres':
      return openPostgresStore(config, deps);
    default:
      throw new HerdError(
        'HERD_STORE_CONFIG',
        `unknown store type "${String((config as { type: unknown }).type)}"; use "sqlite" (with a path) or "postgres" (with a url)`,
      );
  }
}

/**
 * `openStore` for a SQLite file. `afterQuery` (tests only: the crash test kills itself there) is
 * called after every statement the store runs once open, BEGIN and COMMIT included.
 */
export async function openSqliteStore(
  path: string,
  deps: { clock: Clock; logger?: Logger },
  afterQuery?: () => void,
): Promise<Store> {
  const logger = deps.logger ?? silentLogger();
  const database = openSqliteFile(path);
  let opened = false;
  const db = new Kysely<Tables>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
    ...(afterQuery
      ? {
          log: () => {
            if (opened) afterQuery();
          },
        }
      : {}),
  });
  try {
    const applied = await migrateToLatest(db as unknown as Kysely<unknown>, storeMigrations('sqlite'), path);
    if (applied.length > 0) logger.info({ path, migrations: applied }, 'store migrated');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  opened = true;
  logger.debug({ path }, 'store opened');
  return createSqlStore(db, { clock: deps.clock, logger });
}
