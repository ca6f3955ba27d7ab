import type { Insertable, Kysely, Transaction } from 'kysely';
import { HerdError, errorMessage, type Clock, type Logger } from '../core/index.js';
import type { Decision } from '../decisions/index.js';
import type { Cursor } from '../acquisition/index.js';
import { activeDecisionExists, alertWhere, decisionWhere, queryBounds, type AlertCondition } from './filters.js';
import { alertToRow, decisionToRow, rowToAlert, rowToDecision } from './rows.js';
import type { AlertQuery, CommitBatch, DecisionQuery, FlushPolicy, Store, StoredAlert } from './store-api.js';
import type { CursorsTable, Tables } from './tables.js';

/**
 * The Store over any Kysely database with herd's schema. Nothing here is specific to one engine:
 * the dialect is chosen by whoever opens the database.
 */

/** Rows per multi-row INSERT / ids per IN list: well under SQLite's and PostgreSQL's bind limits. */
const CHUNK = 500;

type Db = Kysely<Tables> | Transaction<Tables>;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Inserts decisions and returns their ids in input order. A multi-row INSERT assigns ids in VALUES
 * order on both engines, but RETURNING does not promise an order: the ids are sorted.
 */
async function insertDecisions(trx: Db, decisions: readonly Decision[], alertId: number | null, now: number): Promise<number[]> {
  const ids: number[] = [];
  for (const part of chunks(decisions)) {
    const rows = part.map((d) => decisionToRow(d, alertId ?? (d.alertId > 0 ? d.alertId : null), now));
    const got = await trx.insertInto('decisions').values(rows).returning('id').execute();
    const sorted = got.map((r) => Number(r.id)).sort((a, b) => a - b);
    for (const id of sorted) ids.push(id);
  }
  return ids;
}

async function upsertCursors(trx: Db, cursors: readonly Cursor[], now: number): Promise<void> {
  // One row per key: PostgreSQL refuses an upsert that touches the same row twice.
  const byKey = new Map<string, Insertable<CursorsTable>>();
  for (const c of cursors) {
    byKey.set(c.key, {
      key: c.key,
      file_id: c.fileId,
      byte_offset: c.offset,
      fingerprint: c.fingerprint,
      token: c.token ?? null,
      updated_at: now,
    });
  }
  for (const part of chunks([...byKey.values()])) {
    await trx
      .insertInto('cursors')
      .values(part)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          file_id: eb.ref('excluded.file_id'),
          byte_offset: eb.ref('excluded.byte_offset'),
          fingerprint: eb.ref('excluded.fingerprint'),
          token: eb.ref('excluded.token'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

async function addCounters(trx: Db, counters: Record<string, number>): Promise<void> {
  const rows = Object.entries(counters).map(([name, value]) => ({ name, value }));
  for (const part of chunks(rows)) {
    await trx
      .insertInto('counters')
      .values(part)
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({ value: eb(eb.ref('counters.value'), '+', eb.ref('excluded.value')) })),
      )
      .execute();
  }
}

/** Decisions of these alerts, grouped by alert id, oldest first. */
async function decisionsOfAlerts(db: Db, alertIds: readonly number[]): Promise<Map<number, Decision[]>> {
  const byAlert = new Map<number, Decision[]>();
  for (const id of alertIds) byAlert.set(id, []);
  for (const part of chunks(alertIds)) {
    const rows = await db.selectFrom('decisions').selectAll().where('alert_id', 'in', part).orderBy('id').execute();
    for (const row of rows) byAlert.get(Number(row.alert_id))?.push(rowToDecision(row));
  }
  return byAlert;
}

function storeError(code: string, what: string, err: unknown, hint: string): HerdError {
  if (err instanceof HerdError) return err;
  return new HerdError(code, `${what} failed: ${errorMessage(err)}; ${hint}`, { cause: err });
}

const QUERY_HINT = 'check that the database is reachable and not locked by another program';

/** A Store over an open, migrated database; `close()` destroys `db`. */
export function createSqlStore(db: Kysely<Tables>, deps: { clock: Clock; logger: Logger }): Store {
  const { clock, logger } = deps;

  async function guard<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw storeError('HERD_STORE_QUERY', what, err, QUERY_HINT);
    }
  }

  return {
    async commit(batch: CommitBatch) {
      const now = clock.now();
      try {
        return await db.transaction().execute(async (trx) => {
          const alertIds: number[] = [];
          const decisionIds: number[] = [];
          // Alerts go in multi-row inserts (ids come back in insertion order once sorted: one
          // statement, one writer), then all their decisions in one more.
          const items = batch.alerts ?? [];
          for (const part of chunks(items)) {
            const got = await trx
              .insertInto('alerts')
              .values(part.map((item) => alertToRow(item.alert, now)))
              .returning('id')
              .execute();
            for (const id of got.map((r) => Number(r.id)).sort((a, b) => a - b)) alertIds.push(id);
          }
          const owned: Decision[] = [];
          items.forEach((item, i) => {
            for (const d of item.decisions ?? []) owned.push({ ...d, alertId: alertIds[i]! });
          });
          if (owned.length) decisionIds.push(...(await insertDecisions(trx, owned, null, now)));
          if (batch.decisions?.length) decisionIds.push(...(await insertDecisions(trx, batch.decisions, null, now)));
          if (batch.cursors?.length) await upsertCursors(trx, batch.cursors, now);
          if (batch.counters) await addCounters(trx, batch.counters);
          return { alertIds, decisionIds };
        });
      } catch (err) {
        throw storeError(
          'HERD_STORE_COMMIT',
          'writing a batch to the store (nothing of it was kept)',
          err,
          'check disk space and that the database is writable; a FOREIGN KEY error means a decision names an alert id that does not exist',
        );
      }
    },

    async listDecisions(q: DecisionQuery) {
      const bounds = queryBounds(q, 'decisions');
      return guard('listing decisions', async () => {
        let query = db
          .selectFrom('decisions')
          .selectAll()
          .where((eb) => decisionWhere(eb, q, bounds))
          .orderBy('id', q.order ?? 'asc');
        if (q.limit !== undefined) query = query.limit(q.limit);
        const rows = await query.execute();
        return rows.map(rowToDecision);
      });
    },

    async expireDecisions(q: DecisionQuery & { id?: number }, now: number) {
      const bounds = queryBounds(q, 'decisions');
      return guard('expiring decisions', async () => {
        const res = await db
          .updateTable('decisions')
          .set({ until: now })
          .where((eb) => eb.and([decisionWhere(eb, q, bounds), eb('decisions.until', '>', now)]))
          .executeTakeFirst();
        return Number(res.numUpdatedRows);
      });
    },

    async countDecisions(q: { value: string; since?: number }) {
      return guard('counting decisions', async () => {
        let query = db
          .selectFrom('decisions')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('value', '=', q.value);
        if (q.since !== undefined) query = query.where('created_at', '>', q.since);
        const row = await query.executeTakeFirstOrThrow();
        return Number(row.n);
      });
    },

    async listAlerts(q: AlertQuery) {
      const bounds = queryBounds(q, 'alerts');
      const now = clock.now();
      return guard('listing alerts', async () => {
        let query = db
          .selectFrom('alerts')
          .selectAll()
          .where((eb) => alertWhere(eb, q, bounds, now))
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc');
        if (q.limit !== undefined) query = query.limit(q.limit);
        const rows = await query.execute();
        const decisions = await decisionsOfAlerts(db, rows.map((r) => Number(r.id)));
        return rows.map((r) => rowToAlert(r, decisions.get(Number(r.id)) ?? []));
      });
    },

    async getAlert(id: number): Promise<StoredAlert | null> {
      return guard('reading an alert', async () => {
        const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) return null;
        const decisions = await decisionsOfAlerts(db, [id]);
        return rowToAlert(row, decisions.get(id) ?? []);
      });
    },

    async deleteAlerts(q: AlertQuery) {
      const bounds = queryBounds(q, 'alerts');
      const now = clock.now();
      return guard('deleting alerts', async () => {
        let res;
        if (q.limit === undefined) {
          res = await db.deleteFrom('alerts').where((eb) => alertWhere(eb, q, bounds, now)).executeTakeFirst();
        } else {
          // The newest `limit` matching alerts, like listAlerts would show them.
          const ids = db
            .selectFrom('alerts')
            .select('alerts.id')
            .where((eb) => alertWhere(eb, q, bounds, now))
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .limit(q.limit);
          res = await db.deleteFrom('alerts').where('id', 'in', ids).executeTakeFirst();
        }
        return Number(res.numDeletedRows);
      });
    },

    async loadCursors() {
      return guard('loading cursors', async () => {
        const rows = await db.selectFrom('cursors').selectAll().execute();
        const out = new Map<string, Cursor>();
        for (const r of rows) {
          const c: Cursor = { key: r.key, fileId: r.file_id, offset: Number(r.byte_offset), fingerprint: r.fingerprint };
          if (r.token !== null) c.token = r.token;
          out.set(r.key, c);
        }
        return out;
      });
    },

    async readCounters() {
      return guard('reading counters', async () => {
        const rows = await db.selectFrom('counters').selectAll().execute();
        const out: Record<string, number> = {};
        for (const r of rows) out[r.name] = Number(r.value);
        return out;
      });
    },

    async flush(policy: FlushPolicy) {
      const now = clock.now();
      const result = await guard('flushing the store', () =>
        db.transaction().execute(async (trx) => {
          let decisionsDeleted = 0;
          let alertsDeleted = 0;
          if (policy.decisionGraceMs !== undefined && policy.decisionGraceMs > 0) {
            const res = await trx.deleteFrom('decisions').where('until', '<', now - policy.decisionGraceMs).executeTakeFirst();
            decisionsDeleted += Number(res.numDeletedRows);
          }
          const doomed: AlertCondition[] = [];
          if (policy.alertMaxAgeMs !== undefined && policy.alertMaxAgeMs > 0) {
            const cutoff = now - policy.alertMaxAgeMs;
            doomed.push((eb) => eb('alerts.created_at', '<', cutoff));
          }
          if (policy.alertMaxItems !== undefined && policy.alertMaxItems > 0) {
            // The newest alert beyond the kept window; it and everything older go.
            const edge = await trx
              .selectFrom('alerts')
              .select('id')
              .orderBy('id', 'desc')
              .limit(1)
              .offset(policy.alertMaxItems)
              .executeTakeFirst();
            if (edge) {
              const edgeId = Number(edge.id);
              doomed.push((eb) => eb('alerts.id', '<=', edgeId));
            }
          }
          for (const rule of doomed) {
            // Never an alert that still carries an active decision: the cascade would end a live ban.
            const ids = trx
              .selectFrom('alerts')
              .select('alerts.id')
              .where((eb) => eb.and([rule(eb), eb.not(activeDecisionExists(eb, now))]));
            const counted = await trx
              .selectFrom('decisions')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('alert_id', 'in', ids)
              .executeTakeFirstOrThrow();
            const res = await trx.deleteFrom('alerts').where('id', 'in', ids).executeTakeFirst();
            decisionsDeleted += Number(counted.n);
            alertsDeleted += Number(res.numDeletedRows);
          }
          return { alertsDeleted, decisionsDeleted };
        }),
      );
      if (result.alertsDeleted > 0 || result.decisionsDeleted > 0) logger.info(result, 'store flushed');
      return result;
    },

    async close() {
      await db.destroy();
    },
  };
}
