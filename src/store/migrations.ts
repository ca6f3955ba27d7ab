import { Migrator, sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { HerdError, errorMessage } from '../core/index.js';

/** The database engines the store speaks; migrations differ only in how an id column is declared. */
export type SqlEngine = 'sqlite' | 'postgres';

/** Kysely's bookkeeping tables, named for herd so they are recognisable next to ours. */
export const migrationTables = { migrationTableName: 'herd_migration', migrationLockTableName: 'herd_migration_lock' };

type AnyDb = Kysely<unknown>;

/**
 * Ids must never be reused after a flush: bouncer streams and the API hand them out. SQLite needs
 * AUTOINCREMENT for that; PostgreSQL sequences never reuse values.
 */
function idType(engine: SqlEngine): 'integer' | 'bigserial' {
  return engine === 'sqlite' ? 'integer' : 'bigserial';
}

/**
 * Hex bounds compare byte by byte; PostgreSQL would otherwise compare text by the database's
 * locale. SQLite's default (BINARY) already does.
 */
function bytewise(engine: SqlEngine): (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return (c) => (engine === 'postgres' ? c.modifyEnd(sql`collate "C"`) : c);
}

function init(engine: SqlEngine): Migration {
  return {
    async up(db: AnyDb): Promise<void> {
      const ref = engine === 'sqlite' ? 'integer' : 'bigint';
      await db.schema
        .createTable('alerts')
        .addColumn('id', idType(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('uuid', 'text', (c) => c.notNull())
        .addColumn('machine_id', 'text', (c) => c.notNull())
        .addColumn('scenario', 'text', (c) => c.notNull())
        .addColumn('scenario_hash', 'text', (c) => c.notNull())
        .addColumn('scenario_version', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('events_count', 'integer', (c) => c.notNull())
        .addColumn('start_at', 'bigint')
        .addColumn('stop_at', 'bigint')
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('leakspeed', 'text', (c) => c.notNull())
        .addColumn('simulated', 'integer', (c) => c.notNull())
        .addColumn('remediation', 'integer', (c) => c.notNull())
        .addColumn('source_scope', 'text', (c) => c.notNull())
        .addColumn('source_value', 'text', (c) => c.notNull())
        .addColumn('source_ip', 'text')
        .addColumn('source_range', 'text')
        .addColumn('source_as_number', 'text')
        .addColumn('source_as_name', 'text')
        .addColumn('source_cn', 'text')
        .addColumn('source_lat', 'double precision')
        .addColumn('source_lon', 'double precision')
        .addColumn('source_ip_size', 'integer', (c) => c.notNull())
        .addColumn('source_start_ip', 'text', bytewise(engine))
        .addColumn('source_end_ip', 'text', bytewise(engine))
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('meta', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alerts_created_at_idx').on('alerts').column('created_at').execute();
      await db.schema.createIndex('alerts_scenario_idx').on('alerts').column('scenario').execute();
      await db.schema.createIndex('alerts_source_value_idx').on('alerts').column('source_value').execute();
      await db.schema
        .createIndex('alerts_source_bounds_idx')
        .on('alerts')
        .columns(['source_start_ip', 'source_end_ip'])
        .execute();

      await db.schema
        .createTable('decisions')
        .addColumn('id', idType(engine), (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('uuid', 'text', (c) => c.notNull())
        .addColumn('alert_id', ref, (c) => c.references('alerts.id').onDelete('cascade'))
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('scenario', 'text', (c) => c.notNull())
        .addColumn('simulated', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('until', 'bigint', (c) => c.notNull())
        .addColumn('ip_size', 'integer', (c) => c.notNull())
        .addColumn('start_ip', 'text', bytewise(engine))
        .addColumn('end_ip', 'text', bytewise(engine))
        .execute();
      await db.schema.createIndex('decisions_until_idx').on('decisions').column('until').execute();
      await db.schema.createIndex('decisions_value_idx').on('decisions').column('value').execute();
      await db.schema.createIndex('decisions_bounds_idx').on('decisions').columns(['start_ip', 'end_ip']).execute();
      // The cascade on alert deletion and "decisions of these alerts" look decisions up by alert.
      await db.schema.createIndex('decisions_alert_id_idx').on('decisions').column('alert_id').execute();

      await db.schema
        .createTable('cursors')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('byte_offset', 'bigint', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('token', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb): Promise<void> {
      await db.schema.dropTable('counters').execute();
      await db.schema.dropTable('cursors').execute();
      await db.schema.dropTable('decisions').execute();
      await db.schema.dropTable('alerts').execute();
    },
  };
}

/**
 * What a CrowdSec-compatible local API needs on top of 0001: the machines (agents) and bouncers it
 * knows, usage-metrics reports, `decisions.updated_at` so processes sharing the database can follow
 * each other's changes, and one row per alert uuid so a retried push is stored once.
 */
function lapiClients(engine: SqlEngine): Migration {
  const id = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey());
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('machines')
        .addColumn('id', idType(engine), id)
        .addColumn('machine_id', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('ip_address', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_push', 'bigint')
        .addColumn('last_heartbeat', 'bigint')
        .addColumn('is_validated', 'integer', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('scenarios', 'text', (c) => c.notNull())
        .addColumn('auth_type', 'text', (c) => c.notNull())
        .addColumn('os_name', 'text', (c) => c.notNull())
        .addColumn('os_version', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('machines_machine_id_key').on('machines').column('machine_id').unique().execute();

      await db.schema
        .createTable('bouncers')
        .addColumn('id', idType(engine), id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('api_key_hash', 'text', (c) => c.notNull())
        .addColumn('ip_address', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_pull', 'bigint')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('auth_type', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('bouncers_name_key').on('bouncers').column('name').unique().execute();
      await db.schema.createIndex('bouncers_api_key_hash_key').on('bouncers').column('api_key_hash').unique().execute();

      await db.schema
        .createTable('usage_metrics')
        .addColumn('id', idType(engine), id)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('usage_metrics_received_at_idx').on('usage_metrics').column('received_at').execute();

      // Existing decisions count as changed when they were made.
      await db.schema.alterTable('decisions').addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await sql`update decisions set updated_at = created_at`.execute(db);
      await db.schema.createIndex('decisions_updated_at_idx').on('decisions').column('updated_at').execute();

      // Alerts stored twice under one uuid before this migration keep their rows, renamed
      // `<uuid>#<id>`, so the unique index can be built without losing anything.
      await sql`update alerts set uuid = uuid || '#' || cast(id as text)
        where id > (select min(a2.id) from alerts as a2 where a2.uuid = alerts.uuid)`.execute(db);
      await db.schema.createIndex('alerts_uuid_key').on('alerts').column('uuid').unique().execute();
    },
    async down(db: AnyDb): Promise<void> {
      await db.schema.dropIndex('alerts_uuid_key').execute();
      await db.schema.dropIndex('decisions_updated_at_idx').execute();
      await db.schema.alterTable('decisions').dropColumn('updated_at').execute();
      await db.schema.dropTable('usage_metrics').execute();
      await db.schema.dropTable('bouncers').execute();
      await db.schema.dropTable('machines').execute();
    },
  };
}

/**
 * The outbox of `herd agent`: alerts it stored and still has to push to its local API. An index on
 * the flag keeps the forwarder's query cheap however many forwarded alerts the table holds.
 */
function alertOutbox(): Migration {
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema.alterTable('alerts').addColumn('forward_pending', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createIndex('alerts_forward_pending_idx').on('alerts').columns(['forward_pending', 'id']).execute();
    },
    async down(db: AnyDb): Promise<void> {
      await db.schema.dropIndex('alerts_forward_pending_idx').execute();
      await db.schema.alterTable('alerts').dropColumn('forward_pending').execute();
    },
  };
}

/** Every migration, by name; names sort in the order they apply. New ones are appended, never edited. */
export function storeMigrations(engine: SqlEngine): Record<string, Migration> {
  return { '0001_init': init(engine), '0002_lapi_clients': lapiClients(engine), '0003_alert_outbox': alertOutbox() };
}

class InCodeProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(this.migrations);
  }
}

/**
 * Brings the schema to the latest version; a no-op when it already is. `where` names the database
 * (a path, a host) for the error message; `schema` is the PostgreSQL schema herd's tables live in.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  where: string,
  schema?: string,
): Promise<string[]> {
  // With a schema, Kysely looks for its bookkeeping tables there only; without, a herd_migration
  // table in any schema of the database would count.
  const migrator = new Migrator({
    db,
    provider: new InCodeProvider(migrations),
    ...migrationTables,
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const message = errorMessage(error);
    const hint = /missing|corrupted/i.test(message)
      ? 'the database was probably written by a newer herd; upgrade herd or point it at another database'
      : 'check that the database is not shared with another program and that it is writable; restore a backup if it was damaged';
    throw new HerdError(
      'HERD_STORE_MIGRATE',
      `migrating the store ${where} failed${failed ? ` at migration ${failed}` : ''}: ${message}; ${hint}`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
