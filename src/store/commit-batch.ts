import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Transaction } from 'kysely';
import { HerdError } from '../core/index.js';
import type { Decision } from '../decisions/index.js';
import type { Cursor } from '../acquisition/index.js';
import { alertToRow, decisionToRow } from './rows.js';
import type { AlertToStore, CommitBatch } from './store-api.js';
import type { CursorsTable, Tables } from './tables.js';

/**
 * The writes of one `commit`, run inside its transaction. Several processes may commit to one
 * PostgreSQL database at once: rows that others may upsert too (cursors, counters) are written in
 * key order, so two transactions lock them in the same order and cannot deadlock.
 */

/** Rows per multi-row INSERT / ids per IN list: well under SQLite's and PostgreSQL's bind limits. */
export const CHUNK = 500;

export type Db = Kysely<Tables> | Transaction<Tables>;

export function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Inserts decisions and returns their ids in input order. A multi-row INSERT assigns ids in VALUES
 * order on both engines (on PostgreSQL other sessions' ids may fall in between, never out of
 * order), but RETURNING does not promise an order: the ids are sorted.
 */
async function insertDecisions(trx: Db, decisions: readonly Decision[], now: number): Promise<number[]> {
  const ids: number[] = [];
  for (const part of chunks(decisions)) {
    const rows = part.map((d) => decisionToRow(d, d.alertId > 0 ? d.alertId : null, now));
    const got = await trx.insertInto('decisions').values(rows).returning('id').execute();
    const sorted = got.map((r) => Number(r.id)).sort((a, b) => a - b);
    for (const id of sorted) ids.push(id);
  }
  return ids;
}

/** Inserts every alert; ids in input order (see insertDecisions). A uuid already stored fails the statement. */
async function insertAlerts(trx: Db, items: readonly AlertToStore[], uuids: readonly string[], now: number, forward: boolean): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < items.length; start += CHUNK) {
    const rows = [];
    for (let i = start; i < Math.min(items.length, start + CHUNK); i++) rows.push(alertToRow(items[i]!.alert, now, uuids[i]!, forward));
    const got = await trx.insertInto('alerts').values(rows).returning('id').execute();
    for (const id of got.map((r) => Number(r.id)).sort((a, b) => a - b)) ids.push(id);
  }
  return ids;
}

/**
 * Inserts the alerts whose uuid is not stored yet. `ON CONFLICT DO NOTHING` rather than a lookup
 * first: when another process stores the same uuid at the same time, PostgreSQL waits for it and
 * then skips the row instead of failing the transaction. Returns every alert's id (the stored
 * one for a skipped alert) and whether this commit inserted it.
 */
async function insertNewAlerts(
  trx: Db,
  items: readonly AlertToStore[],
  uuids: readonly string[],
  now: number,
  forward: boolean,
): Promise<{ ids: number[]; inserted: boolean[] }> {
  const first = new Map<string, number>();
  const toInsert: number[] = [];
  uuids.forEach((uuid, i) => {
    if (!first.has(uuid)) {
      first.set(uuid, i);
      toInsert.push(i);
    }
  });
  const idByUuid = new Map<string, number>();
  const insertedUuids = new Set<string>();
  for (const part of chunks(toInsert)) {
    const got = await trx
      .insertInto('alerts')
      .values(part.map((i) => alertToRow(items[i]!.alert, now, uuids[i]!, forward)))
      .onConflict((oc) => oc.column('uuid').doNothing())
      .returning(['id', 'uuid'])
      .execute();
    for (const r of got) {
      idByUuid.set(r.uuid, Number(r.id));
      insertedUuids.add(r.uuid);
    }
  }
  const existing = [...first.keys()].filter((u) => !idByUuid.has(u));
  for (const part of chunks(existing)) {
    const rows = await trx.selectFrom('alerts').select(['id', 'uuid']).where('uuid', 'in', part).execute();
    for (const r of rows) idByUuid.set(r.uuid, Number(r.id));
  }
  const ids: number[] = [];
  const inserted: boolean[] = [];
  uuids.forEach((uuid, i) => {
    const id = idByUuid.get(uuid);
    if (id === undefined) {
      throw new HerdError('HERD_STORE_COMMIT', `alert ${uuid} was neither inserted nor found; retry the commit`);
    }
    ids.push(id);
    inserted.push(insertedUuids.has(uuid) && first.get(uuid) === i);
  });
  return { ids, inserted };
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
  const rows = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const part of chunks(rows)) {
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
  const rows = Object.entries(counters)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
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

/**
 * Writes a batch; the caller runs it in a transaction. Statements (the crash test counts them):
 * the alerts' INSERT, a lookup of skipped alerts' ids when some were skipped, one INSERT of the
 * alerts' decisions and the standalone ones, the cursors' upsert, the counters' upsert (one each
 * per 500 rows).
 */
export async function writeBatch(trx: Db, batch: CommitBatch, now: number): Promise<{ alertIds: number[]; decisionIds: number[] }> {
  const items = batch.alerts ?? [];
  // An alert without a uuid gets one: uuids are unique, and "none" is not an identity to share.
  const uuids = items.map((item) => (item.alert.uuid !== '' ? item.alert.uuid : randomUUID()));
  let alertIds: number[];
  let inserted: boolean[] | null = null;
  if (batch.skipExistingAlerts) {
    const res = await insertNewAlerts(trx, items, uuids, now, batch.forwardAlerts === true);
    alertIds = res.ids;
    inserted = res.inserted;
  } else {
    alertIds = await insertAlerts(trx, items, uuids, now, batch.forwardAlerts === true);
  }
  const decisions: Decision[] = [];
  items.forEach((item, i) => {
    if (inserted !== null && !inserted[i]) return;
    for (const d of item.decisions ?? []) decisions.push({ ...d, alertId: alertIds[i]! });
  });
  // The alerts' decisions then the standalone ones, in one multi-row INSERT (ids keep that order).
  for (const d of batch.decisions ?? []) decisions.push(d);
  const decisionIds = decisions.length ? await insertDecisions(trx, decisions, now) : [];
  if (batch.cursors?.length) await upsertCursors(trx, batch.cursors, now);
  if (batch.counters) await addCounters(trx, batch.counters);
  return { alertIds, decisionIds };
}

