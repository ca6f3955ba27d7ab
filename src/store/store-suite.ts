import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HerdError, ManualClock, type Clock } from '../core/index.js';
import { ipInRange } from '../ip/index.js';
import type { Decision } from '../decisions/index.js';
import type { Store } from './store-api.js';
import { T0, alertOn, sampleAlert, sampleDecision } from './store-fixtures.js';
import { describeLapiStoreSuite } from './lapi-store-suite.js';

/** Opens a store on one database; called twice, two instances share it (like two processes). */
export type StoreOpener = (clock: Clock) => Promise<Store>;

/**
 * The behaviour every store engine must have, as one suite: `sqlite-store.test.ts` runs it on
 * SQLite files, and `postgres-store.test.ts` on a real PostgreSQL server. `newDatabase` makes a
 * fresh, empty database per test and returns how to open stores on it; the suite closes them.
 */
export function describeStoreSuite(engine: string, newDatabase: () => Promise<StoreOpener>): void {
  describe(`store on ${engine}: local API clients, idempotent pushes, followers`, () => describeLapiStoreSuite(newDatabase));
  describe(`store on ${engine}`, () => {
    let clock: ManualClock;
    let store: Store;

    beforeEach(async () => {
      clock = new ManualClock(T0);
      const open = await newDatabase();
      store = await open(clock);
      return async () => {
        await store.close();
      };
    });

    const HOUR = 3600_000;
    const ids = (ds: Decision[]): number[] => ds.map((d) => d.id);

    describe('commit and read back', () => {
      it('returns an alert exactly as committed, with its events, meta, labels, source and decisions', async () => {
        const alert = sampleAlert();
        const { alertIds, decisionIds } = await store.commit({
          alerts: [{ alert, decisions: [sampleDecision({ uuid: 'd-1' }), sampleDecision({ uuid: 'd-2', type: 'captcha' })] }],
        });
        expect(alertIds).toHaveLength(1);
        expect(decisionIds).toHaveLength(2);
        const got = await store.getAlert(alertIds[0]);
        expect(got).not.toBeNull();
        const { id, createdAt, decisions, ...rest } = got!;
        expect(rest).toEqual(alert);
        expect(id).toBe(alertIds[0]);
        expect(createdAt).toBe(T0);
        expect(decisions.map((d) => [d.id, d.uuid, d.type, d.alertId])).toEqual([
          [decisionIds[0], 'd-1', 'ban', alertIds[0]],
          [decisionIds[1], 'd-2', 'captcha', alertIds[0]],
        ]);
        expect(decisions[0]).toEqual({ ...sampleDecision({ uuid: 'd-1' }), id: decisionIds[0], alertId: alertIds[0] });
      });

      it('keeps an alert whose source has only a scope and a value, without inventing the optional fields', async () => {
        const alert = sampleAlert({ source: { scope: 'username', value: 'root' }, events: [], meta: [], labels: [] });
        const { alertIds } = await store.commit({ alerts: [{ alert }] });
        const got = await store.getAlert(alertIds[0]);
        expect(got?.source).toStrictEqual({ scope: 'username', value: 'root' });
        expect(got?.decisions).toEqual([]);
      });

      it('returns ids in input order: alerts, their decisions, then standalone decisions', async () => {
        const res = await store.commit({
          alerts: [
            { alert: alertOn('192.0.2.1', { uuid: 'a' }), decisions: [sampleDecision({ uuid: 'a1', value: '192.0.2.1' })] },
            { alert: alertOn('192.0.2.2', { uuid: 'b' }), decisions: [sampleDecision({ uuid: 'b1', value: '192.0.2.2' })] },
          ],
          decisions: [sampleDecision({ uuid: 's1', origin: 'cscli', value: '198.51.100.1' })],
        });
        const all = await store.listDecisions({});
        expect(all.map((d) => d.uuid)).toEqual(['a1', 'b1', 's1']);
        expect(ids(all)).toEqual(res.decisionIds);
        expect(all.map((d) => d.alertId)).toEqual([res.alertIds[0], res.alertIds[1], 0]);
      });

      it('attaches a later decision to an alert stored before, by its alertId', async () => {
        const { alertIds } = await store.commit({ alerts: [{ alert: sampleAlert() }] });
        const { decisionIds } = await store.commit({ decisions: [sampleDecision({ uuid: 'later', alertId: alertIds[0] })] });
        const got = await store.getAlert(alertIds[0]);
        expect(got?.decisions.map((d) => [d.id, d.uuid, d.alertId])).toEqual([[decisionIds[0], 'later', alertIds[0]]]);
      });

      it('keeps an alert whose times do not parse, with empty times', async () => {
        const { alertIds } = await store.commit({ alerts: [{ alert: sampleAlert({ startAt: 'yesterday', stopAt: '' }) }] });
        const got = await store.getAlert(alertIds[0]);
        expect([got?.startAt, got?.stopAt]).toEqual(['', '']);
      });

      it('stamps a decision without a creation time with the clock', async () => {
        clock.set(T0 + 5000);
        await store.commit({ decisions: [sampleDecision({ createdAt: 0 })] });
        const [d] = await store.listDecisions({});
        expect(d.createdAt).toBe(T0 + 5000);
      });

      it('stores many decisions in one batch (a blocklist pull) with every id in order', async () => {
        const many = Array.from({ length: 1200 }, (_, i) =>
          sampleDecision({ uuid: `u${i}`, origin: 'CAPI', value: `10.${i >> 8}.${i & 255}.1` }),
        );
        const { alertIds, decisionIds } = await store.commit({ alerts: [{ alert: sampleAlert(), decisions: many }] });
        expect(decisionIds).toHaveLength(1200);
        const stored = await store.listDecisions({ alertId: alertIds[0] });
        expect(stored.map((d) => d.uuid)).toEqual(many.map((d) => d.uuid));
        expect(ids(stored)).toEqual(decisionIds);
      });
    });

    describe('decisions', () => {
      async function seed(): Promise<number[]> {
        const { decisionIds } = await store.commit({
          decisions: [
            sampleDecision({ uuid: 'v4', value: '192.0.2.7', until: T0 + HOUR }),
            sampleDecision({ uuid: 'v4range', scope: 'Range', value: '192.0.2.0/24', until: T0 + 2 * HOUR, origin: 'cscli' }),
            sampleDecision({ uuid: 'v4wide', scope: 'Range', value: '192.0.0.0/16', until: T0 - HOUR, type: 'captcha' }),
            sampleDecision({ uuid: 'v6', value: '2001:db8::1', until: T0 + HOUR, scenario: 'crowdsecurity/http-probing' }),
            sampleDecision({ uuid: 'v6range', scope: 'Range', value: '2001:db8::/32', until: T0 + HOUR, simulated: true }),
            sampleDecision({ uuid: 'user', scope: 'username', value: 'root', until: T0 + HOUR }),
            sampleDecision({ uuid: 'country', scope: 'Country', value: 'FR', until: T0 + HOUR, createdAt: T0 + 10 }),
          ],
        });
        return decisionIds;
      }
      const uuids = async (q: Parameters<Store['listDecisions']>[0]): Promise<string[]> =>
        (await store.listDecisions(q)).map((d) => d.uuid).sort();

      it('finds the decisions on exactly an IP, and with contains every range holding it, for IPv4', async () => {
        await seed();
        expect(await uuids({ ip: '192.0.2.7' })).toEqual(['v4']);
        expect(await uuids({ ip: '192.0.2.7', contains: true })).toEqual(['v4', 'v4range', 'v4wide']);
        expect(await uuids({ ip: '192.0.3.1', contains: true })).toEqual(['v4wide']);
        expect(await uuids({ ip: '198.51.100.1', contains: true })).toEqual([]);
      });

      it('finds the decisions on exactly an IP, and with contains every range holding it, for IPv6', async () => {
        await seed();
        expect(await uuids({ ip: '2001:db8::1' })).toEqual(['v6']);
        expect(await uuids({ ip: '2001:db8::1', contains: true })).toEqual(['v6', 'v6range']);
        expect(await uuids({ ip: '2001:db8:ffff::9', contains: true })).toEqual(['v6range']);
        expect(await uuids({ ip: '2001:db9::1', contains: true })).toEqual([]);
      });

      it('finds the decisions inside a range, or with contains the ranges holding it', async () => {
        await seed();
        expect(await uuids({ range: '192.0.0.0/16' })).toEqual(['v4', 'v4range', 'v4wide']);
        expect(await uuids({ range: '192.0.2.0/24' })).toEqual(['v4', 'v4range']);
        expect(await uuids({ range: '192.0.2.0/24', contains: true })).toEqual(['v4range', 'v4wide']);
        expect(await uuids({ range: '2001:db8::/48' })).toEqual(['v6']);
        expect(await uuids({ range: '2001:db8::/48', contains: true })).toEqual(['v6range']);
      });

      it('filters by activity, creation time, scope, value, type, origin, scenario and simulation', async () => {
        await seed();
        expect(await uuids({ activeAt: T0 })).toEqual(['country', 'user', 'v4', 'v4range', 'v6', 'v6range']);
        expect(await uuids({ activeAt: T0 + HOUR })).toEqual(['v4range']);
        expect(await uuids({ expiredBy: T0 })).toEqual(['v4wide']);
        expect(await uuids({ activeAt: T0 - 2 * HOUR, expiredBy: T0 + HOUR })).toEqual(
          ['country', 'user', 'v4', 'v4wide', 'v6', 'v6range'],
        );
        expect(await uuids({ createdAfter: T0 })).toEqual(['country']);
        expect(await uuids({ scope: 'Range' })).toEqual(['v4range', 'v4wide', 'v6range']);
        expect(await uuids({ value: 'root' })).toEqual(['user']);
        expect(await uuids({ type: 'captcha' })).toEqual(['v4wide']);
        expect(await uuids({ origin: 'cscli' })).toEqual(['v4range']);
        expect(await uuids({ scenario: 'crowdsecurity/http-probing' })).toEqual(['v6']);
        expect(await uuids({ simulated: true })).toEqual(['v6range']);
        expect(await uuids({ scope: 'Range', ip: '192.0.2.1', contains: true, activeAt: T0 })).toEqual(['v4range']);
      });

      it('never matches a decision on another scope with an IP filter', async () => {
        await store.commit({ decisions: [sampleDecision({ scope: 'username', value: '192.0.2.7' })] });
        expect(await store.listDecisions({ ip: '192.0.2.7', contains: true })).toEqual([]);
        expect(await store.listDecisions({ value: '192.0.2.7' })).toHaveLength(1);
      });

      it('orders by id and limits', async () => {
        const all = await seed();
        expect(ids(await store.listDecisions({ limit: 2 }))).toEqual(all.slice(0, 2));
        expect(ids(await store.listDecisions({ order: 'desc', limit: 3 }))).toEqual(all.slice(-3).reverse());
      });

      it('rejects an invalid ip or range, and an ip with a range, with HERD_STORE_QUERY', async () => {
        await expect(store.listDecisions({ ip: 'not-an-ip' })).rejects.toMatchObject({ code: 'HERD_STORE_QUERY' });
        await expect(store.listDecisions({ range: '10.0.0.0/99' })).rejects.toMatchObject({ code: 'HERD_STORE_QUERY' });
        await expect(store.listDecisions({ ip: '10.0.0.1', range: '10.0.0.0/8' })).rejects.toThrow(/not both/);
        await expect(store.listAlerts({ ip: 'nope' })).rejects.toBeInstanceOf(HerdError);
      });

      it('expires matching active decisions by setting until to now, so a stream can report them deleted', async () => {
        await seed();
        const now = T0 + 60_000;
        expect(await store.expireDecisions({ ip: '192.0.2.7', contains: true }, now)).toBe(2); // v4wide already expired
        const v4 = await store.listDecisions({ ip: '192.0.2.7' });
        expect(v4[0].until).toBe(now);
        expect(await uuids({ activeAt: now, ip: '192.0.2.7', contains: true })).toEqual([]);
        // "deleted since the last pull": expired after the pull, by now
        expect(await uuids({ activeAt: T0, expiredBy: now })).toEqual(['v4', 'v4range']);
        // the already-expired one keeps its time
        expect((await store.listDecisions({ value: '192.0.0.0/16' }))[0].until).toBe(T0 - HOUR);
      });

      it('expires one decision by id and reports how many changed', async () => {
        const all = await seed();
        expect(await store.expireDecisions({ id: all[3] }, T0)).toBe(1);
        expect(await store.expireDecisions({ id: all[3] }, T0)).toBe(0);
        expect(await uuids({ activeAt: T0 })).not.toContain('v6');
      });

      it('counts the decisions ever made on a value, and those made since a time', async () => {
        await store.commit({
          decisions: [
            sampleDecision({ createdAt: T0 - HOUR, until: T0 - 1 }),
            sampleDecision({ createdAt: T0 }),
            sampleDecision({ createdAt: T0, value: '198.51.100.9' }),
          ],
        });
        expect(await store.countDecisions({ value: '192.0.2.7' })).toBe(2);
        expect(await store.countDecisions({ value: '192.0.2.7', since: T0 - 1 })).toBe(1);
        expect(await store.countDecisions({ value: '203.0.113.1' })).toBe(0);
      });

      it('agrees with the ip module on which random IPv4/IPv6 ranges contain random IPs', async () => {
        const v4 = fc.tuple(fc.constantFrom(10, 172), fc.integer({ min: 0, max: 3 }), fc.nat(255), fc.nat(255))
          .map((o) => ({ ip: o.join('.'), bits: 32 }));
        const v6 = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(0xffff), fc.nat(0xffff))
          .map(([a, b, c]) => ({ ip: `2001:db8:${a.toString(16)}:${b.toString(16)}::${c.toString(16)}`, bits: 128 }));
        const addr = fc.oneof(v4, v6);
        const range = addr.chain((a) => fc.integer({ min: a.bits === 32 ? 8 : 32, max: a.bits }).map((len) => ({ ...a, len })));
        let run = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(range, { minLength: 1, maxLength: 12 }), fc.array(addr, { minLength: 1, maxLength: 4 }), async (ranges, probes) => {
            const origin = `prop-${run++}`;
            const decisions = ranges.map((r, i) =>
              r.len === r.bits
                ? sampleDecision({ uuid: `${i}`, origin, scope: 'Ip', value: r.ip })
                : sampleDecision({ uuid: `${i}`, origin, scope: 'Range', value: `${r.ip}/${r.len}` }),
            );
            // Probes are sometimes the stored IPs themselves, so exact matches happen.
            const queries = [...probes, ...ranges.slice(0, 2)];
            await store.commit({ decisions });
            for (const q of queries) {
              const holding = ranges
                .map((r, i) => ({ r, i }))
                .filter(({ r }) => r.bits === q.bits && ipInRange(q.ip, `${r.ip}/${r.len}`))
                .map(({ i }) => `${i}`)
                .sort();
              expect(await uuids({ origin, ip: q.ip, contains: true })).toEqual(holding);
              const exact = ranges.map((r, i) => ({ r, i })).filter(({ r }) => r.bits === q.bits && r.len === r.bits && ipInRange(q.ip, `${r.ip}/${r.len}`));
              expect(await uuids({ origin, ip: q.ip })).toEqual(exact.map(({ i }) => `${i}`).sort());
            }
            // Range queries: inside R ⟺ at least as long a prefix and its address in R; containing R: the reverse.
            const r0 = ranges[0];
            const cidr = `${r0.ip}/${r0.len}`;
            const inside = ranges
              .map((r, i) => ({ r, i }))
              .filter(({ r }) => r.bits === r0.bits && r.len >= r0.len && ipInRange(r.ip, cidr))
              .map(({ i }) => `${i}`)
              .sort();
            expect(await uuids({ origin, range: cidr })).toEqual(inside);
            const holding = ranges
              .map((r, i) => ({ r, i }))
              .filter(({ r }) => r.bits === r0.bits && r.len <= r0.len && ipInRange(r0.ip, `${r.ip}/${r.len}`))
              .map(({ i }) => `${i}`)
              .sort();
            expect(await uuids({ origin, range: cidr, contains: true })).toEqual(holding);
          }),
          { seed: 20250101, numRuns: 60 },
        );
      });
    });

    describe('alerts', () => {
      async function seed(): Promise<number[]> {
        const a = await store.commit({
          alerts: [{ alert: alertOn('192.0.2.7', { uuid: 'old' }), decisions: [sampleDecision({ until: T0 + HOUR })] }],
        });
        clock.advance(60_000);
        const b = await store.commit({
          alerts: [
            { alert: alertOn('192.0.2.8', { uuid: 'mid', scenario: 'crowdsecurity/http-probing' }) },
            {
              alert: sampleAlert({ uuid: 'range', source: { scope: 'Range', value: '192.0.2.0/24' }, simulated: true }),
              decisions: [sampleDecision({ scope: 'Range', value: '192.0.2.0/24', until: T0 })],
            },
          ],
        });
        clock.advance(60_000);
        const c = await store.commit({ alerts: [{ alert: alertOn('2001:db8::5', { uuid: 'v6', machineId: 'host-2' }) }] });
        return [...a.alertIds, ...b.alertIds, ...c.alertIds];
      }
      const uuids = async (q: Parameters<Store['listAlerts']>[0]): Promise<string[]> =>
        (await store.listAlerts(q)).map((a) => a.uuid);

      it('lists alerts newest first with their decisions', async () => {
        const ids = await seed();
        const all = await store.listAlerts({});
        expect(all.map((a) => a.id)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
        expect(all[3].decisions.map((d) => d.alertId)).toEqual([ids[0]]);
        expect(all[0].decisions).toEqual([]);
        expect(await uuids({ limit: 2 })).toEqual(['v6', 'range']);
      });

      it('filters by scenario, machine, source value, IP and range, time, simulation and active decisions', async () => {
        await seed();
        expect(await uuids({ scenario: 'crowdsecurity/http-probing' })).toEqual(['mid']);
        expect(await uuids({ machineId: 'host-2' })).toEqual(['v6']);
        expect(await uuids({ scope: 'Ip', value: '192.0.2.8' })).toEqual(['mid']);
        expect(await uuids({ ip: '192.0.2.7' })).toEqual(['old']);
        expect(await uuids({ ip: '192.0.2.7', contains: true })).toEqual(['range', 'old']);
        expect(await uuids({ range: '192.0.2.0/24' })).toEqual(['range', 'mid', 'old']);
        expect(await uuids({ range: '192.0.2.0/25', contains: true })).toEqual(['range']);
        expect(await uuids({ ip: '2001:db8::5', contains: true })).toEqual(['v6']);
        expect(await uuids({ since: T0 + 60_000 })).toEqual(['v6', 'range', 'mid']);
        expect(await uuids({ since: T0 + 60_000, until: T0 + 60_000 })).toEqual(['range', 'mid']);
        expect(await uuids({ simulated: true })).toEqual(['range']);
        expect(await uuids({ hasActiveDecision: true })).toEqual(['old']);
        expect(await uuids({ hasActiveDecision: false })).toEqual(['v6', 'range', 'mid']);
      });

      it('returns null for an alert that does not exist', async () => {
        expect(await store.getAlert(424242)).toBeNull();
      });

      it('deletes matching alerts together with their decisions, leaving standalone decisions', async () => {
        await seed();
        await store.commit({ decisions: [sampleDecision({ uuid: 'alone', origin: 'cscli' })] });
        expect(await store.deleteAlerts({ ip: '192.0.2.7', contains: true })).toBe(2);
        expect(await uuids({})).toEqual(['v6', 'mid']);
        expect((await store.listDecisions({})).map((d) => d.uuid)).toEqual(['alone']);
        expect(await store.deleteAlerts({ limit: 1 })).toBe(1);
        expect(await uuids({})).toEqual(['mid']);
        expect(await store.deleteAlerts({})).toBe(1);
        expect(await store.listAlerts({})).toEqual([]);
      });
    });

    describe('flush', () => {
      it('removes decisions expired for longer than the grace and keeps the others', async () => {
        await store.commit({
          decisions: [
            sampleDecision({ uuid: 'long-gone', until: T0 - 2 * HOUR }),
            sampleDecision({ uuid: 'just-gone', until: T0 - 1000 }),
            sampleDecision({ uuid: 'live', until: T0 + HOUR }),
          ],
        });
        expect(await store.flush({ decisionGraceMs: HOUR })).toEqual({ alertsDeleted: 0, decisionsDeleted: 1 });
        expect((await store.listDecisions({})).map((d) => d.uuid)).toEqual(['just-gone', 'live']);
      });

      it('removes alerts older than the max age, but never one with an active decision', async () => {
        await store.commit({
          alerts: [
            { alert: alertOn('192.0.2.1', { uuid: 'old' }), decisions: [sampleDecision({ until: T0 + HOUR })] },
            { alert: alertOn('192.0.2.2', { uuid: 'old-banned' }), decisions: [sampleDecision({ until: T0 + 30 * 24 * HOUR })] },
            { alert: alertOn('192.0.2.3', { uuid: 'old-plain' }) },
          ],
        });
        clock.advance(8 * 24 * HOUR);
        await store.commit({ alerts: [{ alert: alertOn('192.0.2.4', { uuid: 'new' }) }] });
        const res = await store.flush({ alertMaxAgeMs: 7 * 24 * HOUR });
        expect(res).toEqual({ alertsDeleted: 2, decisionsDeleted: 1 });
        expect((await store.listAlerts({})).map((a) => a.uuid)).toEqual(['new', 'old-banned']);
      });

      it('keeps only the newest max items alerts, skipping those with an active decision', async () => {
        for (let i = 0; i < 6; i++) {
          await store.commit({
            alerts: [{ alert: alertOn(`192.0.2.${i}`, { uuid: `a${i}` }), decisions: i === 0 ? [sampleDecision({ until: T0 + HOUR })] : [] }],
          });
          clock.advance(1000);
        }
        expect(await store.flush({ alertMaxItems: 3 })).toEqual({ alertsDeleted: 2, decisionsDeleted: 0 });
        expect((await store.listAlerts({})).map((a) => a.uuid)).toEqual(['a5', 'a4', 'a3', 'a0']);
        expect(await store.flush({ alertMaxItems: 10, alertMaxAgeMs: HOUR, decisionGraceMs: HOUR })).toEqual({
          alertsDeleted: 0,
          decisionsDeleted: 0,
        });
      });
    });

    describe('the outbox of an agent', () => {
      it('hands out alerts committed for forwarding, oldest first with their decisions, until marked forwarded', async () => {
        await store.commit({ alerts: [{ alert: alertOn('192.0.2.1', { uuid: 'local' }) }] });
        await store.commit({
          alerts: [
            { alert: alertOn('192.0.2.2', { uuid: 'out-1' }), decisions: [sampleDecision({ value: '192.0.2.2' })] },
            { alert: alertOn('192.0.2.3', { uuid: 'out-2' }) },
          ],
          forwardAlerts: true,
        });
        await store.commit({ alerts: [{ alert: alertOn('192.0.2.4', { uuid: 'out-3' }) }], forwardAlerts: true });
        expect(await store.countAlertsToForward()).toBe(3);
        const first = await store.alertsToForward(2);
        expect(first.map((a) => a.uuid)).toEqual(['out-1', 'out-2']);
        expect(first[0]!.decisions.map((d) => d.value)).toEqual(['192.0.2.2']);
        expect(await store.markAlertsForwarded(first.map((a) => a.id))).toBe(2);
        // Marking again (a retried push) changes nothing.
        expect(await store.markAlertsForwarded(first.map((a) => a.id))).toBe(0);
        expect((await store.alertsToForward(10)).map((a) => a.uuid)).toEqual(['out-3']);
        expect(await store.countAlertsToForward()).toBe(1);
        expect(await store.markAlertsForwarded([])).toBe(0);
      });

      it('flush never removes an alert that is still to be forwarded', async () => {
        await store.commit({ alerts: [{ alert: alertOn('192.0.2.1', { uuid: 'waiting' }) }], forwardAlerts: true });
        await store.commit({ alerts: [{ alert: alertOn('192.0.2.2', { uuid: 'sent' }) }], forwardAlerts: true });
        const [, sent] = await store.alertsToForward(10);
        await store.markAlertsForwarded([sent!.id]);
        clock.advance(30 * 24 * HOUR);
        expect(await store.flush({ alertMaxAgeMs: HOUR })).toEqual({ alertsDeleted: 1, decisionsDeleted: 0 });
        expect((await store.listAlerts({})).map((a) => a.uuid)).toEqual(['waiting']);
      });
    });

    describe('cursors and counters', () => {
      it('upserts cursors by key and loads the latest of each', async () => {
        await store.commit({
          cursors: [
            { key: '/var/log/auth.log', fileId: '1:2', offset: 100, fingerprint: 'aa' },
            { key: 'journalctl', fileId: '', offset: 0, fingerprint: '', token: 's=abc;i=1' },
          ],
        });
        await store.commit({
          cursors: [
            { key: '/var/log/auth.log', fileId: '1:2', offset: 150, fingerprint: 'aa' },
            { key: '/var/log/auth.log', fileId: '1:3', offset: 10, fingerprint: 'bb' },
          ],
        });
        const cursors = await store.loadCursors();
        expect([...cursors.values()]).toEqual(
          expect.arrayContaining([
            { key: '/var/log/auth.log', fileId: '1:3', offset: 10, fingerprint: 'bb' },
            { key: 'journalctl', fileId: '', offset: 0, fingerprint: '', token: 's=abc;i=1' },
          ]),
        );
        expect(cursors.size).toBe(2);
      });

      it('adds counter increments to the stored values', async () => {
        await store.commit({ counters: { 'lines_read{source="/var/log/auth.log"}': 10, overflows: 1 } });
        await store.commit({ counters: { 'lines_read{source="/var/log/auth.log"}': 5 } });
        expect(await store.readCounters()).toEqual({ 'lines_read{source="/var/log/auth.log"}': 15, overflows: 1 });
        const big = 2 ** 40;
        await store.commit({ counters: { overflows: big } });
        expect((await store.readCounters()).overflows).toBe(big + 1);
      });
    });

    describe('atomic commit', () => {
      it('keeps nothing of a batch that fails, and says so with HERD_STORE_COMMIT', async () => {
        await store.commit({
          cursors: [{ key: 'f', fileId: '1:1', offset: 5, fingerprint: 'x' }],
          counters: { batches: 1 },
        });
        const failing = store.commit({
          alerts: [{ alert: sampleAlert({ uuid: 'doomed' }), decisions: [sampleDecision()] }],
          // An alert id that does not exist: the foreign key fails after the alert is written.
          decisions: [sampleDecision({ alertId: 999_999 })],
          cursors: [{ key: 'f', fileId: '1:1', offset: 99, fingerprint: 'x' }],
          counters: { batches: 1 },
        });
        await expect(failing).rejects.toMatchObject({ code: 'HERD_STORE_COMMIT' });
        expect(await store.listAlerts({})).toEqual([]);
        expect(await store.listDecisions({})).toEqual([]);
        expect((await store.loadCursors()).get('f')?.offset).toBe(5);
        expect(await store.readCounters()).toEqual({ batches: 1 });
        // and the store still works
        await store.commit({ counters: { batches: 1 } });
        expect(await store.readCounters()).toEqual({ batches: 2 });
      });
    });
  });
}

/** What a store opened on `seedSchema0001`'s database must show once migration 0002 ran. */
export async function expectUpgradedFrom0001(store: Store): Promise<void> {
  const alerts = await store.listAlerts({});
  const byIp = new Map(alerts.map((a) => [a.source.value, a]));
  expect(alerts).toHaveLength(3);
  expect(byIp.get('192.0.2.0')?.uuid).toBe('same');
  expect(byIp.get('192.0.2.1')?.uuid).toBe(`same#${byIp.get('192.0.2.1')?.id}`);
  expect(byIp.get('192.0.2.2')?.uuid).toBe('other');
  expect(alerts.every((a) => a.decisions.length === 1)).toBe(true);
  // Decisions from before count as changed when they were made.
  expect((await store.decisionsChangedSince(0)).map((d) => [d.uuid, d.updatedAt])).toEqual([
    ['d0', T0],
    ['d1', T0 + 10],
    ['d2', T0 + 20],
  ]);
  const again = await store.commit({ alerts: [{ alert: alertOn('192.0.2.0', { uuid: 'same' }) }], skipExistingAlerts: true });
  expect(again.alertIds).toEqual([byIp.get('192.0.2.0')?.id]);
}
