import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../core/index.js';
import type { Bouncer, Machine, Store } from './store-api.js';
import type { StoreOpener } from './store-suite.js';
import { T0, alertOn, sampleAlert, sampleDecision } from './store-fixtures.js';

/**
 * What the local API needs from every store engine: machines, bouncers, usage-metrics reports,
 * idempotent pushes, and following other processes' decision changes. Part of
 * `describeStoreSuite`, run on each engine.
 */

const HOUR = 3600_000;

export function sampleMachine(overrides: Partial<Machine> = {}): Omit<Machine, 'id' | 'createdAt' | 'updatedAt'> {
  return {
    machineId: 'host-1',
    passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
    ipAddress: '192.0.2.10',
    lastPush: null,
    lastHeartbeat: null,
    isValidated: false,
    version: 'v1.6.4',
    scenarios: 'crowdsecurity/ssh-bf,crowdsecurity/http-probing',
    authType: 'password',
    osName: 'debian',
    osVersion: '12',
    ...overrides,
  };
}

export function sampleBouncer(overrides: Partial<Bouncer> = {}): Omit<Bouncer, 'id' | 'createdAt' | 'updatedAt'> {
  return {
    name: 'fw-1',
    apiKeyHash: 'sha512:aaaa',
    ipAddress: '192.0.2.20',
    lastPull: null,
    type: 'crowdsec-firewall-bouncer/v0.0.31',
    version: 'v0.0.31',
    authType: 'api-key',
    ...overrides,
  };
}

export function describeLapiStoreSuite(newDatabase: () => Promise<StoreOpener>): void {
  let clock: ManualClock;
  let open: StoreOpener;
  let store: Store;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    open = await newDatabase();
    store = await open(clock);
    return async () => {
      await store.close();
    };
  });

  describe('machines', () => {
    it('adds a machine stamped with the clock and finds it by login and in the list', async () => {
      const added = await store.addMachine(sampleMachine());
      expect(added).toEqual({ ...sampleMachine(), id: added.id, createdAt: T0, updatedAt: T0 });
      expect(await store.getMachine('host-1')).toEqual(added);
      await store.addMachine(sampleMachine({ machineId: 'host-2', authType: 'tls', isValidated: true, lastPush: T0 - 5 }));
      const all = await store.listMachines();
      expect(all.map((m) => [m.machineId, m.authType, m.isValidated, m.lastPush])).toEqual([
        ['host-1', 'password', false, null],
        ['host-2', 'tls', true, T0 - 5],
      ]);
      expect(await store.getMachine('nobody')).toBeNull();
    });

    it('refuses a second machine with the same login with HERD_STORE_CONFLICT, keeping the first', async () => {
      await store.addMachine(sampleMachine());
      const err = await store.addMachine(sampleMachine({ passwordHash: 'other' })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'HERD_STORE_CONFLICT' });
      expect((err as Error).message).toContain('host-1');
      expect((await store.getMachine('host-1'))?.passwordHash).toBe(sampleMachine().passwordHash);
      expect(await store.listMachines()).toHaveLength(1);
    });

    it('changes only the fields of a patch and stamps updatedAt, and says when there is no such machine', async () => {
      const before = await store.addMachine(sampleMachine({ lastHeartbeat: T0 - 1 }));
      clock.advance(60_000);
      expect(await store.updateMachine('host-1', { isValidated: true, lastPush: T0 + 1, lastHeartbeat: null, ipAddress: '192.0.2.11' })).toBe(true);
      expect(await store.getMachine('host-1')).toEqual({
        ...before,
        isValidated: true,
        lastPush: T0 + 1,
        lastHeartbeat: null,
        ipAddress: '192.0.2.11',
        updatedAt: T0 + 60_000,
      });
      expect(await store.updateMachine('host-1', { updatedAt: T0 + 5 })).toBe(true);
      expect((await store.getMachine('host-1'))?.updatedAt).toBe(T0 + 5);
      expect(await store.updateMachine('ghost', { isValidated: true })).toBe(false);
    });

    it('deletes a machine and its login can be used again', async () => {
      await store.addMachine(sampleMachine());
      expect(await store.deleteMachine('host-1')).toBe(true);
      expect(await store.deleteMachine('host-1')).toBe(false);
      expect(await store.getMachine('host-1')).toBeNull();
      const again = await store.addMachine(sampleMachine());
      expect(again.machineId).toBe('host-1');
    });
  });

  describe('bouncers', () => {
    it('adds a bouncer and finds it by API key hash, by name and in the list', async () => {
      const added = await store.addBouncer(sampleBouncer());
      expect(added).toEqual({ ...sampleBouncer(), id: added.id, createdAt: T0, updatedAt: T0 });
      expect(await store.getBouncerByKeyHash('sha512:aaaa')).toEqual(added);
      expect(await store.getBouncer('fw-1')).toEqual(added);
      await store.addBouncer(sampleBouncer({ name: 'nginx', apiKeyHash: 'sha512:bbbb', authType: 'tls', lastPull: T0 }));
      expect((await store.listBouncers()).map((b) => [b.name, b.authType, b.lastPull])).toEqual([
        ['fw-1', 'api-key', null],
        ['nginx', 'tls', T0],
      ]);
      expect(await store.getBouncerByKeyHash('sha512:none')).toBeNull();
      expect(await store.getBouncer('none')).toBeNull();
    });

    it('refuses a bouncer whose name or key hash is taken with HERD_STORE_CONFLICT saying which', async () => {
      await store.addBouncer(sampleBouncer());
      await expect(store.addBouncer(sampleBouncer({ apiKeyHash: 'sha512:new' }))).rejects.toMatchObject({
        code: 'HERD_STORE_CONFLICT',
        message: expect.stringMatching(/bouncer "fw-1" already exists/),
      });
      await expect(store.addBouncer(sampleBouncer({ name: 'fw-2' }))).rejects.toMatchObject({
        code: 'HERD_STORE_CONFLICT',
        message: expect.stringMatching(/API key/),
      });
      expect(await store.listBouncers()).toHaveLength(1);
    });

    it('records a pull and a new key, refuses a key another bouncer holds, and says when there is no such bouncer', async () => {
      const before = await store.addBouncer(sampleBouncer());
      await store.addBouncer(sampleBouncer({ name: 'other', apiKeyHash: 'sha512:taken' }));
      clock.advance(1000);
      expect(await store.updateBouncer('fw-1', { lastPull: T0 + 1000, apiKeyHash: 'sha512:rotated', version: 'v0.0.32' })).toBe(true);
      expect(await store.getBouncerByKeyHash('sha512:rotated')).toEqual({
        ...before,
        lastPull: T0 + 1000,
        apiKeyHash: 'sha512:rotated',
        version: 'v0.0.32',
        updatedAt: T0 + 1000,
      });
      expect(await store.getBouncerByKeyHash('sha512:aaaa')).toBeNull();
      await expect(store.updateBouncer('fw-1', { apiKeyHash: 'sha512:taken' })).rejects.toMatchObject({ code: 'HERD_STORE_CONFLICT' });
      expect((await store.getBouncer('fw-1'))?.apiKeyHash).toBe('sha512:rotated');
      expect(await store.updateBouncer('ghost', { lastPull: T0 })).toBe(false);
    });

    it('deletes a bouncer so its key no longer opens anything', async () => {
      await store.addBouncer(sampleBouncer());
      expect(await store.deleteBouncer('fw-1')).toBe(true);
      expect(await store.deleteBouncer('fw-1')).toBe(false);
      expect(await store.getBouncerByKeyHash('sha512:aaaa')).toBeNull();
    });
  });

  describe('usage metrics', () => {
    it('keeps each report with its sender and the time it came, and lists them by kind, name and time', async () => {
      await store.addUsageMetrics('bouncer', 'fw-1', '{"remediation_components":[]}');
      clock.advance(1000);
      await store.addUsageMetrics('machine', 'host-1', '{"log_processors":[]}');
      await store.addUsageMetrics('bouncer', 'fw-1', '{"n":2}');
      const all = await store.listUsageMetrics();
      expect(all.map((r) => [r.kind, r.name, r.receivedAt, r.payload])).toEqual([
        ['bouncer', 'fw-1', T0, '{"remediation_components":[]}'],
        ['machine', 'host-1', T0 + 1000, '{"log_processors":[]}'],
        ['bouncer', 'fw-1', T0 + 1000, '{"n":2}'],
      ]);
      expect((await store.listUsageMetrics({ kind: 'bouncer', name: 'fw-1', since: T0 })).map((r) => r.payload)).toEqual(['{"n":2}']);
      expect(await store.listUsageMetrics({ limit: 1 })).toHaveLength(1);
    });
  });

  describe('idempotent pushes', () => {
    it('stores a re-sent alert once with skipExistingAlerts, returning its stored id and skipping its decisions', async () => {
      const first = await store.commit({
        alerts: [{ alert: alertOn('192.0.2.1', { uuid: 'x' }), decisions: [sampleDecision({ uuid: 'dx' })] }],
        skipExistingAlerts: true,
      });
      const again = await store.commit({
        alerts: [
          { alert: alertOn('192.0.2.2', { uuid: 'y' }), decisions: [sampleDecision({ uuid: 'dy' })] },
          { alert: alertOn('192.0.2.1', { uuid: 'x' }), decisions: [sampleDecision({ uuid: 'dx-again' })] },
          { alert: alertOn('192.0.2.2', { uuid: 'y' }), decisions: [sampleDecision({ uuid: 'dy-again' })] },
        ],
        decisions: [sampleDecision({ uuid: 'alone', origin: 'cscli' })],
        skipExistingAlerts: true,
      });
      expect(again.alertIds[1]).toBe(first.alertIds[0]);
      expect(again.alertIds[2]).toBe(again.alertIds[0]);
      expect(again.alertIds[0]).not.toBe(first.alertIds[0]);
      expect((await store.listAlerts({})).map((a) => a.uuid).sort()).toEqual(['x', 'y']);
      const decisions = await store.listDecisions({});
      expect(decisions.map((d) => d.uuid)).toEqual(['dx', 'dy', 'alone']);
      expect(again.decisionIds).toEqual(decisions.slice(1).map((d) => d.id));
      expect((await store.getAlert(again.alertIds[0]))?.decisions.map((d) => d.uuid)).toEqual(['dy']);
    });

    it('fails a commit that repeats a stored alert uuid without skipExistingAlerts, keeping nothing of it', async () => {
      await store.commit({ alerts: [{ alert: sampleAlert({ uuid: 'x' }) }] });
      await expect(
        store.commit({ alerts: [{ alert: sampleAlert({ uuid: 'x' }) }], counters: { pushes: 1 } }),
      ).rejects.toMatchObject({ code: 'HERD_STORE_COMMIT' });
      expect(await store.listAlerts({})).toHaveLength(1);
      expect(await store.readCounters()).toEqual({});
    });

    it('gives each alert without a uuid a fresh one, so such alerts never collide', async () => {
      const { alertIds } = await store.commit({ alerts: [{ alert: sampleAlert({ uuid: '' }) }, { alert: sampleAlert({ uuid: '' }) }], skipExistingAlerts: true });
      await store.commit({ alerts: [{ alert: sampleAlert({ uuid: '' }) }] });
      const uuids = (await store.listAlerts({})).map((a) => a.uuid);
      expect(new Set(uuids).size).toBe(3);
      expect(uuids.every((u) => /^[0-9a-f-]{36}$/.test(u))).toBe(true);
      expect(alertIds[0]).not.toBe(alertIds[1]);
    });

    it('keeps every uuid once, whatever sequence of retried batches arrives', async () => {
      let run = 0;
      const uuidPool = fc.constantFrom('a', 'b', 'c', 'd', 'e');
      const batch = fc.array(fc.record({ uuid: uuidPool, decisions: fc.integer({ min: 0, max: 2 }) }), { maxLength: 6 });
      await fc.assert(
        fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 5 }), async (batches) => {
          const prefix = `r${run++}-`;
          const firstDecisions = new Map<string, number>();
          const idOf = new Map<string, number>();
          for (const b of batches) {
            const res = await store.commit({
              alerts: b.map((x) => ({
                alert: alertOn('192.0.2.9', { uuid: prefix + x.uuid }),
                decisions: Array.from({ length: x.decisions }, (_, k) => sampleDecision({ uuid: `${prefix}${x.uuid}/${k}`, origin: prefix })),
              })),
              skipExistingAlerts: true,
            });
            b.forEach((x, i) => {
              if (!firstDecisions.has(x.uuid)) firstDecisions.set(x.uuid, x.decisions);
              const known = idOf.get(x.uuid);
              if (known === undefined) idOf.set(x.uuid, res.alertIds[i]);
              else expect(res.alertIds[i]).toBe(known);
            });
          }
          for (const [uuid, id] of idOf) {
            const got = await store.getAlert(id);
            expect(got?.uuid).toBe(prefix + uuid);
            expect(got?.decisions).toHaveLength(firstDecisions.get(uuid) ?? -1);
          }
          const stored = (await store.listAlerts({})).filter((a) => a.uuid.startsWith(prefix));
          expect(stored).toHaveLength(idOf.size);
        }),
        { seed: 20250214, numRuns: 25 },
      );
    });
  });

  describe('following changes from another process', () => {
    it('lists decisions made or ended after a time, oldest change first, with when they changed', async () => {
      const { decisionIds } = await store.commit({
        decisions: [sampleDecision({ uuid: 'a', until: T0 + HOUR }), sampleDecision({ uuid: 'b', value: '192.0.2.8', until: T0 + HOUR })],
      });
      clock.advance(1000);
      await store.commit({ decisions: [sampleDecision({ uuid: 'c', value: '192.0.2.9', createdAt: T0 - HOUR })] });
      expect(await store.expireDecisions({ id: decisionIds[0] }, T0 + 2000)).toBe(1);
      const all = await store.decisionsChangedSince(0);
      expect(all.map((d) => [d.uuid, d.updatedAt])).toEqual([
        ['b', T0],
        ['c', T0 + 1000],
        ['a', T0 + 2000],
      ]);
      expect(all[2]).toMatchObject({ id: decisionIds[0], until: T0 + 2000, updatedAt: T0 + 2000 });
      expect((await store.decisionsChangedSince(T0 + 1000)).map((d) => d.uuid)).toEqual(['a']);
      expect(await store.decisionsChangedSince(T0 + 2000)).toEqual([]);
      // A decision that had already ended is not changed again.
      expect(await store.expireDecisions({ id: decisionIds[0] }, T0 + 3000)).toBe(0);
      expect(await store.decisionsChangedSince(T0 + 2000)).toEqual([]);
    });

    it('never ends a limited page inside one change time, so asking again from the last one misses nothing', async () => {
      await store.commit({ decisions: [sampleDecision({ uuid: 'early' })] });
      clock.advance(1);
      const pull = Array.from({ length: 5 }, (_, i) => sampleDecision({ uuid: `pull-${i}`, origin: 'CAPI', value: `198.51.100.${i}` }));
      await store.commit({ decisions: pull });
      clock.advance(1);
      await store.commit({ decisions: [sampleDecision({ uuid: 'late' })] });
      const page1 = await store.decisionsChangedSince(0, 3);
      expect(page1.map((d) => d.uuid)).toEqual(['early', 'pull-0', 'pull-1', 'pull-2', 'pull-3', 'pull-4']);
      const page2 = await store.decisionsChangedSince(page1[page1.length - 1].updatedAt, 3);
      expect(page2.map((d) => d.uuid)).toEqual(['late']);
      expect(await store.decisionsChangedSince(0, 0)).toEqual([]);
    });

    it('shows a decision ended in one store instance to another instance on the same database', async () => {
      const other = await open(new ManualClock(T0));
      try {
        const { decisionIds } = await store.commit({ decisions: [sampleDecision({ uuid: 'ban', until: T0 + HOUR })] });
        const seen = await other.decisionsChangedSince(0);
        expect(seen.map((d) => [d.id, d.uuid, d.until])).toEqual([[decisionIds[0], 'ban', T0 + HOUR]]);
        const cursor = seen[0].updatedAt;
        expect(await other.expireDecisions({ value: '192.0.2.7' }, T0 + 5000)).toBe(1);
        const changed = await store.decisionsChangedSince(cursor);
        expect(changed.map((d) => [d.id, d.until, d.updatedAt])).toEqual([[decisionIds[0], T0 + 5000, T0 + 5000]]);
        expect(await store.listDecisions({ activeAt: T0 + 5000 })).toEqual([]);
      } finally {
        await other.close();
      }
    });
  });
}
