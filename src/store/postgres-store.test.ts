import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ManualClock } from '../core/index.js';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../test/support/postgres-server.js';
import { openStore } from './index.js';
import type { Store } from './store-api.js';
import { describeStoreSuite, expectUpgradedFrom0001 } from './store-suite.js';
import { T0, alertOn, sampleDecision, seedSchema0001 } from './store-fixtures.js';
import { sampleMachine } from './lapi-store-suite.js';
import type { Tables } from './tables.js';

/**
 * The store on a real PostgreSQL server, started once for this file on 127.0.0.1 (see
 * test/support/postgres-server.ts); each test gets its own database.
 */

const unavailable = postgresUnavailable();
if (unavailable) {
  // Visible in the run's output, and as a skipped test named for what to install.
  console.warn(unavailable);
  describe('store on PostgreSQL', () => {
    it.skip(unavailable, () => {});
  });
} else {
  let server: PostgresServer;
  /** One migrated database for the suite, emptied before each test (cheaper than a database each). */
  let shared: string;
  let admin: pg.Client;
  const TABLES = ['alerts', 'decisions', 'cursors', 'counters', 'machines', 'bouncers', 'usage_metrics'];
  beforeAll(async () => {
    server = await startPostgres();
    shared = await server.createDatabase();
    await (await openStore({ type: 'postgres', url: shared }, { clock: new ManualClock(T0) })).close();
    admin = new pg.Client({ connectionString: shared });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });

  describeStoreSuite('PostgreSQL', async () => {
    // RESTART IDENTITY: ids start again from 1, as in a new database.
    await admin.query(`truncate ${TABLES.join(', ')} restart identity`);
    return (clock) => openStore({ type: 'postgres', url: shared, poolSize: 4 }, { clock });
  });

  describe('PostgreSQL store databases', () => {
    const clock = new ManualClock(T0);

    async function rawQuery<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<R>(text)).rows;
      } finally {
        await client.end();
      }
    }

    it('keeps everything across a reopen, and reopening applies no migration twice', async () => {
      const url = await server.createDatabase();
      let store = await openStore({ type: 'postgres', url }, { clock });
      await store.commit({
        alerts: [{ alert: alertOn('192.0.2.1'), decisions: [sampleDecision({ until: T0 + 2 ** 41 })] }],
        counters: { big: 2 ** 45 },
      });
      const before = { alerts: await store.listAlerts({}), counters: await store.readCounters() };
      await store.close();
      store = await openStore({ type: 'postgres', url }, { clock });
      expect(await store.listAlerts({})).toEqual(before.alerts);
      expect(await store.readCounters()).toEqual({ big: 2 ** 45 });
      expect(typeof before.alerts[0].decisions[0].until).toBe('number');
      await store.close();
      expect(await rawQuery(url, 'select name from herd_migration order by name')).toEqual([
        { name: '0001_init' },
        { name: '0002_lapi_clients' },
        { name: '0003_alert_outbox' },
      ]);
    });

    it('upgrades a database of schema 0001: duplicate alert uuids renamed, decisions changed when made', async () => {
      const url = await server.createDatabase();
      const old = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
      await seedSchema0001(old, 'postgres');
      await old.destroy();
      const store = await openStore({ type: 'postgres', url }, { clock });
      try {
        await expectUpgradedFrom0001(store);
      } finally {
        await store.close();
      }
    });

    it('keeps its tables in the schema the url selects, apart from another herd in the same database', async () => {
      const url = await server.createDatabase();
      await rawQuery(url, 'create schema tenant_a; create schema tenant_b');
      const inSchema = (s: string): string => `${url}?options=${encodeURIComponent(`-c search_path=${s}`)}`;
      const a = await openStore({ type: 'postgres', url: inSchema('tenant_a') }, { clock });
      const b = await openStore({ type: 'postgres', url: inSchema('tenant_b') }, { clock });
      try {
        await a.addMachine(sampleMachine());
        expect(await b.listMachines()).toEqual([]);
        await b.addMachine(sampleMachine());
        expect(await a.listMachines()).toHaveLength(1);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
      const tables = await rawQuery<{ schema: string; n: number }>(
        url,
        `select table_schema as schema, count(*)::int as n from information_schema.tables
         where table_name in ('machines', 'herd_migration') group by table_schema order by table_schema`,
      );
      expect(tables).toEqual([
        { schema: 'tenant_a', n: 2 },
        { schema: 'tenant_b', n: 2 },
      ]);
      await expect(openStore({ type: 'postgres', url: inSchema('missing') }, { clock })).rejects.toMatchObject({
        code: 'HERD_STORE_OPEN',
        message: expect.stringMatching(/search_path/),
      });
    });

    it('migrates once when several processes open a new database at the same time', async () => {
      const url = await server.createDatabase();
      const stores = await Promise.all([0, 1, 2].map(() => openStore({ type: 'postgres', url, poolSize: 2 }, { clock })));
      await Promise.all(stores.map((s) => s.close()));
      expect(await rawQuery(url, 'select count(*)::int as n from herd_migration')).toEqual([{ n: 3 }]);
    });

    it('refuses a url that is not postgres:// and a bad pool size with HERD_STORE_CONFIG', async () => {
      await expect(openStore({ type: 'postgres', url: 'mysql://u:p@127.0.0.1/db' }, { clock })).rejects.toMatchObject({
        code: 'HERD_STORE_CONFIG',
      });
      await expect(openStore({ type: 'postgres', url: 'not a url' }, { clock })).rejects.toMatchObject({ code: 'HERD_STORE_CONFIG' });
      await expect(
        openStore({ type: 'postgres', url: `postgres://herd@127.0.0.1:${server.port}/postgres`, poolSize: 0 }, { clock }),
      ).rejects.toMatchObject({ code: 'HERD_STORE_CONFIG', message: expect.stringMatching(/poolSize/) });
    });

    it('reports a database it cannot reach with HERD_STORE_OPEN, naming it without the password', async () => {
      const url = `postgres://herd:s3cret@127.0.0.1:${server.port}/no_such_database`;
      const err = await openStore({ type: 'postgres', url }, { clock }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'HERD_STORE_OPEN' });
      const message = (err as Error).message;
      expect(message).toContain('no_such_database');
      expect(message).toContain('***');
      expect(message).not.toContain('s3cret');
      expect(message).toMatch(/database exists/);
    });
  });

  describe('PostgreSQL store shared by several processes', () => {
    const clock = new ManualClock(T0);

    async function pair(): Promise<[Store, Store]> {
      const url = await server.createDatabase();
      const a = await openStore({ type: 'postgres', url, poolSize: 3 }, { clock });
      const b = await openStore({ type: 'postgres', url, poolSize: 3 }, { clock });
      return [a, b];
    }

    it('keeps ids and alerts consistent when two instances commit in parallel', async () => {
      const [a, b] = await pair();
      try {
        const BATCHES = 12;
        const push = async (store: Store, who: string) => {
          const results = [];
          for (let n = 0; n < BATCHES; n++) {
            const alerts = [0, 1, 2].map((i) => {
              const uuid = `${who}-${n}-${i}`;
              const ip = `10.${who === 'a' ? 1 : 2}.${n}.${i}`;
              return {
                alert: alertOn(ip, { uuid }),
                decisions: [sampleDecision({ uuid: `${uuid}/ban`, value: ip }), sampleDecision({ uuid: `${uuid}/captcha`, type: 'captcha', value: ip })],
              };
            });
            const res = await store.commit({
              alerts,
              decisions: [sampleDecision({ uuid: `${who}-${n}/alone`, origin: 'cscli', value: `198.51.100.${n}` })],
              cursors: [{ key: 'shared', fileId: who, offset: n, fingerprint: who }, { key: `own-${who}`, fileId: who, offset: n, fingerprint: who }],
              counters: { pushes: 1, [`pushes_${who}`]: 1 },
            });
            results.push({ uuids: alerts.map((x) => x.alert.uuid), ...res });
          }
          return results;
        };
        const [fromA, fromB] = await Promise.all([push(a, 'a'), push(b, 'b')]);
        const all = [...fromA, ...fromB];
        const alertIds = all.flatMap((r) => r.alertIds);
        const decisionIds = all.flatMap((r) => r.decisionIds);
        expect(new Set(alertIds).size).toBe(BATCHES * 2 * 3);
        expect(new Set(decisionIds).size).toBe(BATCHES * 2 * 7);
        // Every returned id names the alert / decision it was returned for.
        for (const r of all) {
          for (let i = 0; i < 3; i++) {
            const got = await a.getAlert(r.alertIds[i]);
            expect(got?.uuid).toBe(r.uuids[i]);
            expect(got?.decisions.map((d) => [d.id, d.uuid, d.alertId])).toEqual([
              [r.decisionIds[2 * i], `${r.uuids[i]}/ban`, r.alertIds[i]],
              [r.decisionIds[2 * i + 1], `${r.uuids[i]}/captcha`, r.alertIds[i]],
            ]);
          }
          const alone = await b.listDecisions({ origin: 'cscli', value: `198.51.100.${Number(r.uuids[0].split('-')[1])}` });
          expect(alone.map((d) => d.id)).toContain(r.decisionIds[6]);
        }
        expect(await b.listAlerts({})).toHaveLength(BATCHES * 2 * 3);
        expect(await a.readCounters()).toEqual({ pushes: 2 * BATCHES, pushes_a: BATCHES, pushes_b: BATCHES });
        const cursors = await b.loadCursors();
        expect(cursors.get('own-a')?.offset).toBe(BATCHES - 1);
        expect(cursors.get('own-b')?.offset).toBe(BATCHES - 1);
        expect(cursors.get('shared')?.offset).toBe(BATCHES - 1);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('stores an alert pushed by two instances at the same time once, and both get its id', async () => {
      const [a, b] = await pair();
      try {
        for (let round = 0; round < 8; round++) {
          const batch = {
            alerts: [0, 1, 2, 3].map((i) => ({
              alert: alertOn(`192.0.2.${i}`, { uuid: `r${round}-${i}` }),
              decisions: [sampleDecision({ uuid: `r${round}-${i}/d`, value: `192.0.2.${i}` })],
            })),
            skipExistingAlerts: true,
          };
          const [ra, rb] = await Promise.all([a.commit(batch), b.commit(batch)]);
          expect(ra.alertIds).toEqual(rb.alertIds);
          // The decisions went in with whichever commit stored the alert.
          expect(ra.decisionIds.length + rb.decisionIds.length).toBe(4);
        }
        const alerts = await a.listAlerts({});
        expect(alerts).toHaveLength(32);
        expect(alerts.every((x) => x.decisions.length === 1 && x.decisions[0].uuid === `${x.uuid}/d`)).toBe(true);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('waits for another process still storing the same alert, then skips it and returns its id', async () => {
      const url = await server.createDatabase();
      const store = await openStore({ type: 'postgres', url }, { clock });
      const other = new pg.Client({ connectionString: url });
      const watcher = new pg.Client({ connectionString: url });
      await Promise.all([other.connect(), watcher.connect()]);
      try {
        await store.commit({ alerts: [{ alert: alertOn('192.0.2.1', { uuid: 'seed' }) }] });
        // Another process inserts alert "race" and has not committed yet.
        await other.query('begin');
        await other.query(`create temp table t on commit drop as select * from alerts where uuid = 'seed'`);
        const { rows } = await other.query<{ id: string }>(
          `update t set uuid = 'race', id = nextval(pg_get_serial_sequence('alerts', 'id')) returning id`,
        );
        await other.query('insert into alerts select * from t');
        const pending = store.commit({
          alerts: [
            { alert: alertOn('192.0.2.2', { uuid: 'fresh' }), decisions: [sampleDecision({ uuid: 'fresh/d' })] },
            { alert: alertOn('192.0.2.1', { uuid: 'race' }), decisions: [sampleDecision({ uuid: 'race/d' })] },
          ],
          skipExistingAlerts: true,
        });
        // The store's INSERT now waits on the other transaction's row lock (polled, not timed).
        for (;;) {
          const waiting = await watcher.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          );
          if (waiting.rows[0].n > 0) break;
        }
        await other.query('commit');
        const res = await pending;
        expect(res.alertIds[1]).toBe(Number(rows[0].id));
        expect(res.decisionIds).toHaveLength(1);
        expect((await store.listDecisions({})).map((d) => d.uuid)).toEqual(['fresh/d']);
        expect((await store.listAlerts({})).map((x) => x.uuid).sort()).toEqual(['fresh', 'race', 'seed']);
      } finally {
        await Promise.all([other.end(), watcher.end(), store.close()]);
      }
    });
  });
}
