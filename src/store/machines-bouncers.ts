import type { Kysely, Selectable, Updateable } from 'kysely';
import { HerdError, type Clock } from '../core/index.js';
import { guarded, isUniqueViolation } from './store-errors.js';
import type { Bouncer, Machine, Store, UsageMetricsReport } from './store-api.js';
import type { BouncersTable, MachinesTable, Tables, UsageMetricsTable } from './tables.js';

/**
 * The clients of the local API as the store keeps them: machines (agents that push alerts),
 * bouncers (that pull decisions) and the usage-metrics reports both send. Adds use
 * `ON CONFLICT DO NOTHING`, so a taken name is an empty result rather than an error to parse.
 */

type ClientMethods = Pick<
  Store,
  | 'addMachine'
  | 'getMachine'
  | 'listMachines'
  | 'updateMachine'
  | 'deleteMachine'
  | 'addBouncer'
  | 'getBouncerByKeyHash'
  | 'getBouncer'
  | 'listBouncers'
  | 'updateBouncer'
  | 'deleteBouncer'
  | 'addUsageMetrics'
  | 'listUsageMetrics'
>;

const nullableMs = (v: number | string | null): number | null => (v === null ? null : Number(v));

function rowToMachine(r: Selectable<MachinesTable>): Machine {
  return {
    id: Number(r.id),
    machineId: r.machine_id,
    passwordHash: r.password_hash,
    ipAddress: r.ip_address,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    lastPush: nullableMs(r.last_push),
    lastHeartbeat: nullableMs(r.last_heartbeat),
    isValidated: Number(r.is_validated) === 1,
    version: r.version,
    scenarios: r.scenarios,
    authType: r.auth_type,
    osName: r.os_name,
    osVersion: r.os_version,
  };
}

function machinePatch(p: Partial<Omit<Machine, 'id' | 'machineId' | 'createdAt'>>, now: number): Updateable<MachinesTable> {
  const set: Updateable<MachinesTable> = { updated_at: p.updatedAt ?? now };
  if (p.passwordHash !== undefined) set.password_hash = p.passwordHash;
  if (p.ipAddress !== undefined) set.ip_address = p.ipAddress;
  if (p.lastPush !== undefined) set.last_push = p.lastPush;
  if (p.lastHeartbeat !== undefined) set.last_heartbeat = p.lastHeartbeat;
  if (p.isValidated !== undefined) set.is_validated = p.isValidated ? 1 : 0;
  if (p.version !== undefined) set.version = p.version;
  if (p.scenarios !== undefined) set.scenarios = p.scenarios;
  if (p.authType !== undefined) set.auth_type = p.authType;
  if (p.osName !== undefined) set.os_name = p.osName;
  if (p.osVersion !== undefined) set.os_version = p.osVersion;
  return set;
}

function rowToBouncer(r: Selectable<BouncersTable>): Bouncer {
  return {
    id: Number(r.id),
    name: r.name,
    apiKeyHash: r.api_key_hash,
    ipAddress: r.ip_address,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    lastPull: nullableMs(r.last_pull),
    type: r.type,
    version: r.version,
    authType: r.auth_type,
  };
}

function bouncerPatch(p: Partial<Omit<Bouncer, 'id' | 'name' | 'createdAt'>>, now: number): Updateable<BouncersTable> {
  const set: Updateable<BouncersTable> = { updated_at: p.updatedAt ?? now };
  if (p.apiKeyHash !== undefined) set.api_key_hash = p.apiKeyHash;
  if (p.ipAddress !== undefined) set.ip_address = p.ipAddress;
  if (p.lastPull !== undefined) set.last_pull = p.lastPull;
  if (p.type !== undefined) set.type = p.type;
  if (p.version !== undefined) set.version = p.version;
  if (p.authType !== undefined) set.auth_type = p.authType;
  return set;
}

function rowToUsage(r: Selectable<UsageMetricsTable>): UsageMetricsReport {
  return { id: Number(r.id), kind: r.kind, name: r.name, receivedAt: Number(r.received_at), payload: r.payload };
}

const keyConflict = (name: string): HerdError =>
  new HerdError(
    'HERD_STORE_CONFLICT',
    `the API key given for bouncer "${name}" is already used by another bouncer; generate a new key`,
  );

export function clientMethods(db: Kysely<Tables>, clock: Clock): ClientMethods {
  return {
    async addMachine(m) {
      const now = clock.now();
      const row = await guarded('adding a machine', () =>
        db
          .insertInto('machines')
          .values({
            machine_id: m.machineId,
            password_hash: m.passwordHash,
            ip_address: m.ipAddress,
            created_at: now,
            updated_at: now,
            last_push: m.lastPush,
            last_heartbeat: m.lastHeartbeat,
            is_validated: m.isValidated ? 1 : 0,
            version: m.version,
            scenarios: m.scenarios,
            auth_type: m.authType,
            os_name: m.osName,
            os_version: m.osVersion,
          })
          .onConflict((oc) => oc.doNothing())
          .returningAll()
          .executeTakeFirst(),
      );
      if (!row) {
        throw new HerdError(
          'HERD_STORE_CONFLICT',
          `machine "${m.machineId}" already exists; use another machine id, or delete the existing machine first`,
        );
      }
      return rowToMachine(row);
    },

    getMachine(machineId) {
      return guarded('reading a machine', async () => {
        const row = await db.selectFrom('machines').selectAll().where('machine_id', '=', machineId).executeTakeFirst();
        return row ? rowToMachine(row) : null;
      });
    },

    listMachines() {
      return guarded('listing machines', async () =>
        (await db.selectFrom('machines').selectAll().orderBy('id').execute()).map(rowToMachine),
      );
    },

    updateMachine(machineId, patch) {
      return guarded('updating a machine', async () => {
        const res = await db
          .updateTable('machines')
          .set(machinePatch(patch, clock.now()))
          .where('machine_id', '=', machineId)
          .executeTakeFirst();
        return Number(res.numUpdatedRows) > 0;
      });
    },

    deleteMachine(machineId) {
      return guarded('deleting a machine', async () => {
        const res = await db.deleteFrom('machines').where('machine_id', '=', machineId).executeTakeFirst();
        return Number(res.numDeletedRows) > 0;
      });
    },

    async addBouncer(b) {
      const now = clock.now();
      const row = await guarded('adding a bouncer', () =>
        db
          .insertInto('bouncers')
          .values({
            name: b.name,
            api_key_hash: b.apiKeyHash,
            ip_address: b.ipAddress,
            created_at: now,
            updated_at: now,
            last_pull: b.lastPull,
            type: b.type,
            version: b.version,
            auth_type: b.authType,
          })
          .onConflict((oc) => oc.doNothing())
          .returningAll()
          .executeTakeFirst(),
      );
      if (row) return rowToBouncer(row);
      const named = await guarded('reading a bouncer', () =>
        db.selectFrom('bouncers').select('id').where('name', '=', b.name).executeTakeFirst(),
      );
      if (named) {
        throw new HerdError('HERD_STORE_CONFLICT', `bouncer "${b.name}" already exists; use another name, or delete the existing bouncer first`);
      }
      throw keyConflict(b.name);
    },

    getBouncerByKeyHash(apiKeyHash) {
      return guarded('reading a bouncer', async () => {
        const row = await db.selectFrom('bouncers').selectAll().where('api_key_hash', '=', apiKeyHash).executeTakeFirst();
        return row ? rowToBouncer(row) : null;
      });
    },

    getBouncer(name) {
      return guarded('reading a bouncer', async () => {
        const row = await db.selectFrom('bouncers').selectAll().where('name', '=', name).executeTakeFirst();
        return row ? rowToBouncer(row) : null;
      });
    },

    listBouncers() {
      return guarded('listing bouncers', async () =>
        (await db.selectFrom('bouncers').selectAll().orderBy('id').execute()).map(rowToBouncer),
      );
    },

    updateBouncer(name, patch) {
      return guarded('updating a bouncer', async () => {
        try {
          const res = await db
            .updateTable('bouncers')
            .set(bouncerPatch(patch, clock.now()))
            .where('name', '=', name)
            .executeTakeFirst();
          return Number(res.numUpdatedRows) > 0;
        } catch (err) {
          // Only api_key_hash can collide: the name is not changed.
          if (isUniqueViolation(err)) throw keyConflict(name);
          throw err;
        }
      });
    },

    deleteBouncer(name) {
      return guarded('deleting a bouncer', async () => {
        const res = await db.deleteFrom('bouncers').where('name', '=', name).executeTakeFirst();
        return Number(res.numDeletedRows) > 0;
      });
    },

    addUsageMetrics(kind, name, payload) {
      return guarded('storing usage metrics', async () => {
        await db.insertInto('usage_metrics').values({ kind, name, received_at: clock.now(), payload }).execute();
      });
    },

    listUsageMetrics(q = {}) {
      return guarded('listing usage metrics', async () => {
        let query = db.selectFrom('usage_metrics').selectAll();
        if (q.kind !== undefined) query = query.where('kind', '=', q.kind);
        if (q.name !== undefined) query = query.where('name', '=', q.name);
        if (q.since !== undefined) query = query.where('received_at', '>', q.since);
        query = query.orderBy('received_at').orderBy('id');
        if (q.limit !== undefined) query = query.limit(q.limit);
        return (await query.execute()).map(rowToUsage);
      });
    },
  };
}
