import type { Kysely } from 'kysely';
import type { Clock, Logger } from '../core/index.js';
import type { Decision } from '../decisions/index.js';
import type { Cursor } from '../acquisition/index.js';
import { chunks, writeBatch, type Db } from './commit-batch.js';
import { activeDecisionExists, alertWhere, decisionWhere, queryBounds, type AlertCondition } from './filters.js';
import { clientMethods } from './machines-bouncers.js';
import { rowToAlert, rowToChangedDecision, rowToDecision } from './rows.js';
import { guarded, storeError } from './store-errors.js';
import type { AlertQuery, CommitBatch, DecisionQuery, FlushPolicy, Store, StoredAlert } from './store-api.js';
import type { Tables } from './tables.js';

/**
 * The Store over any Kysely database with herd's schema. Nothing here is specific to one engine:
 * the dialect is chosen by whoever opens the database.
 */

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

/** A Store over an open, migrated database; `close()` destroys `db`. */
export function createSqlStore(db: Kysely<Tables>, deps: { clock: Clock; logger: Logger }): Store {
  const { clock, logger } = deps;

  return {
    ...clientMethods(db, clock),

    async commit(batch: CommitBatch) {
      const now = clock.now();
      try {
        return await db.transaction().execute((trx) => writeBatch(trx, batch, now));
      } catch (err) {
        throw storeError(
          'HERD_STORE_COMMIT',
          'writing a batch to the store (nothing of it was kept)',
          err,
          'check disk space and that the database is writable; a FOREIGN KEY error means a decision names an alert id that does not exist, ' +
            'a UNIQUE error on alerts.uuid an alert stored before (commit with skipExistingAlerts to skip those)',
        );
      }
    },

    async listDecisions(q: DecisionQuery) {
      const bounds = queryBounds(q, 'decisions');
      return guarded('listing decisions', async () => {
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
      return guarded('expiring decisions', async () => {
        const res = await db
          .updateTable('decisions')
          .set({ until: now, updated_at: now })
          .where((eb) => eb.and([decisionWhere(eb, q, bounds), eb('decisions.until', '>', now)]))
          .executeTakeFirst();
        return Number(res.numUpdatedRows);
      });
    },

    async decisionsChangedSince(since: number, limit?: number) {
      return guarded('reading changed decisions', async () => {
        let query = db.selectFrom('decisions').selectAll().where('updated_at', '>', since).orderBy('updated_at').orderBy('id');
        if (limit !== undefined) query = query.limit(limit);
        const rows = await query.execute();
        const last = rows[rows.length - 1];
        if (limit !== undefined && last !== undefined && rows.length >= limit) {
          // Never end a page inside one updated_at: the caller's next `since` would skip the rest.
          const rest = await db
            .selectFrom('decisions')
            .selectAll()
            .where('updated_at', '=', last.updated_at)
            .where('id', '>', last.id)
            .orderBy('id')
            .execute();
          for (const r of rest) rows.push(r);
        }
        return rows.map(rowToChangedDecision);
      });
    },

    async alertsToForward(limit: number) {
      return guarded('reading the outbox', async () => {
        const rows = await db.selectFrom('alerts').selectAll().where('forward_pending', '=', 1).orderBy('id').limit(limit).execute();
        const decisions = await decisionsOfAlerts(db, rows.map((r) => Number(r.id)));
        return rows.map((r) => rowToAlert(r, decisions.get(Number(r.id)) ?? []));
      });
    },

    async markAlertsForwarded(ids: readonly number[]) {
      return guarded('emptying the outbox', async () => {
        let n = 0;
        for (const part of chunks(ids)) {
          const res = await db.updateTable('alerts').set({ forward_pending: 0 }).where('forward_pending', '=', 1).where('id', 'in', part).executeTakeFirst();
          n += Number(res.numUpdatedRows);
        }
        return n;
      });
    },

    async countAlertsToForward() {
      return guarded('counting the outbox', async () => {
        const row = await db
          .selectFrom('alerts')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('forward_pending', '=', 1)
          .executeTakeFirstOrThrow();
        return Number(row.n);
      });
    },

    async countDecisions(q: { value: string; since?: number }) {
      return guarded('counting decisions', async () => {
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
      return guarded('listing alerts', async () => {
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
      return guarded('reading an alert', async () => {
        const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) return null;
        const decisions = await decisionsOfAlerts(db, [id]);
        return rowToAlert(row, decisions.get(id) ?? []);
      });
    },

    async deleteAlerts(q: AlertQuery) {
      const bounds = queryBounds(q, 'alerts');
      const now = clock.now();
      return guarded('deleting alerts', async () => {
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
      return guarded('loading cursors', async () => {
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
      return guarded('reading counters', async () => {
        const rows = await db.selectFrom('counters').selectAll().execute();
        const out: Record<string, number> = {};
        for (const r of rows) out[r.name] = Number(r.value);
        return out;
      });
    },

    async flush(policy: FlushPolicy) {
      const now = clock.now();
      const result = await guarded('flushing the store', () =>
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
            // Never an alert that still carries an active decision (the cascade would end a live
            // ban), nor one an agent has not pushed yet.
            const ids = trx
              .selectFrom('alerts')
              .select('alerts.id')
              .where((eb) => eb.and([rule(eb), eb('alerts.forward_pending', '=', 0), eb.not(activeDecisionExists(eb, now))]));
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
