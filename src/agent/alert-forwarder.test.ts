import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../core/index.js';
import type { NewDecision } from '../decisions/index.js';
import { createLapiServer, hashPassword, type LapiServer } from '../lapi/index.js';
import type { Alert } from '../scenarios/index.js';
import { openStore, type Store } from '../store/index.js';
import { waitFor } from '../../test/support/herd-cli.js';
import { AlertForwarder } from './alert-forwarder.js';
import { WatcherClient } from './watcher-client.js';

/**
 * The agent's outbox against herd's real local API: alerts committed for forwarding reach the API
 * once each, whatever fails in between (the API down, a crash after a push, a refused alert).
 */

const PASSWORD = 'agent-password-0123';
let dir: string;
let outbox: Store;
let apiStore: Store;
let api: LapiServer | null = null;
let url: string;

const ban = (alert: Alert): NewDecision[] => [
  {
    uuid: randomUUID(),
    origin: 'crowdsec',
    type: 'ban',
    scope: alert.source.scope,
    value: alert.source.value,
    scenario: alert.scenario,
    simulated: false,
    createdAt: systemClock.now(),
    until: systemClock.now() + 4 * 3600_000,
  },
];

async function startApi(port = 0, secret: Uint8Array = randomBytes(32)): Promise<string> {
  api = createLapiServer({ store: apiStore, clock: systemClock, logger: silentLogger(), decide: ban }, { listen: `127.0.0.1:${port}`, jwtSecret: secret, syncEveryMs: 0 });
  return api.listen();
}

async function stopApi(): Promise<void> {
  await api?.close();
  api = null;
}

function alert(ip: string, overrides: Partial<Alert> = {}): Alert {
  const t = new Date().toISOString();
  return {
    uuid: randomUUID(),
    machineId: '',
    scenario: 'herd/ssh-bruteforce',
    scenarioHash: 'h',
    scenarioVersion: '1.0',
    message: `Ip ${ip} performed 'herd/ssh-bruteforce' (6 events)`,
    eventsCount: 6,
    startAt: t,
    stopAt: t,
    capacity: 5,
    leakspeed: '10s',
    simulated: false,
    remediation: true,
    source: { scope: 'Ip', value: ip, ip },
    events: [{ timestamp: t, meta: [{ key: 'source_ip', value: ip }] }],
    meta: [],
    labels: [],
    ...overrides,
  };
}

const client = () => new WatcherClient({ url, machineId: 'agent-1', password: PASSWORD, timeoutMs: 2000 });
const storedUuids = async () => (await apiStore.listAlerts({})).map((a) => a.uuid).sort();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herd-forwarder-'));
  outbox = await openStore({ type: 'sqlite', path: join(dir, 'agent.db') }, { clock: systemClock });
  apiStore = await openStore({ type: 'sqlite', path: join(dir, 'api.db') }, { clock: systemClock });
  await apiStore.addMachine({
    machineId: 'agent-1',
    passwordHash: await hashPassword(PASSWORD),
    ipAddress: '',
    lastPush: null,
    lastHeartbeat: null,
    isValidated: true,
    version: '',
    scenarios: '',
    authType: 'password',
    osName: '',
    osVersion: '',
  });
  url = await startApi();
});

afterEach(async () => {
  await stopApi();
  await outbox.close();
  await apiStore.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AlertForwarder', () => {
  it("pushes the outbox oldest first in batches; the API's profiles decide and the outbox empties", async () => {
    const alerts = Array.from({ length: 7 }, (_, i) => alert(`192.0.2.${i + 1}`));
    await outbox.commit({ alerts: alerts.map((a) => ({ alert: a })), forwardAlerts: true });
    const forwarder = new AlertForwarder(outbox, client(), silentLogger(), { batchSize: 3 });
    expect(await forwarder.pushPending()).toBe(7);
    expect(forwarder.stats).toMatchObject({ pushed: 7, pushes: 3, refused: 0 });
    expect(await outbox.countAlertsToForward()).toBe(0);
    expect(await storedUuids()).toEqual(alerts.map((a) => a.uuid).sort());
    const stored = await apiStore.listAlerts({ ip: '192.0.2.3' });
    expect(stored[0]).toMatchObject({ machineId: 'agent-1', scenario: 'herd/ssh-bruteforce', eventsCount: 6 });
    expect(stored[0]!.decisions).toEqual([expect.objectContaining({ type: 'ban', value: '192.0.2.3', origin: 'crowdsec' })]);
    expect(stored[0]!.events[0]!.meta).toEqual([{ key: 'source_ip', value: '192.0.2.3' }]);
  });

  it('keeps the alerts while the API is down and pushes them when it is back', async () => {
    const port = Number(new URL(url).port);
    await stopApi();
    await outbox.commit({ alerts: [{ alert: alert('192.0.2.10') }, { alert: alert('192.0.2.11') }], forwardAlerts: true });
    const forwarder = new AlertForwarder(outbox, client(), silentLogger());
    await expect(forwarder.pushPending()).rejects.toMatchObject({ code: 'HERD_LAPI_UNREACHABLE' });
    expect(await outbox.countAlertsToForward()).toBe(2);
    await startApi(port);
    expect(await forwarder.pushPending()).toBe(2);
    expect(await storedUuids()).toHaveLength(2);
  });

  it('stores an alert once when a push was acknowledged but not marked (a crash in between)', async () => {
    const a = alert('192.0.2.20');
    await outbox.commit({ alerts: [{ alert: a }], forwardAlerts: true });
    // The push reached the API, then the agent died before marking it forwarded.
    await client().pushAlerts(await outbox.alertsToForward(10));
    expect(await outbox.countAlertsToForward()).toBe(1);
    const forwarder = new AlertForwarder(outbox, client(), silentLogger());
    expect(await forwarder.pushPending()).toBe(1);
    expect(await storedUuids()).toEqual([a.uuid]);
    expect(await apiStore.listDecisions({ value: '192.0.2.20' })).toHaveLength(1);
  });

  it('drops only the alert the API refuses as invalid, logs it, counts it and pushes the others', async () => {
    const good = [alert('192.0.2.30'), alert('192.0.2.31')];
    const bad = alert('192.0.2.32', { capacity: 2 ** 40 }); // not an int32: the API answers 400
    await outbox.commit({ alerts: [good[0]!, bad, good[1]!].map((x) => ({ alert: x })), forwardAlerts: true });
    const forwarder = new AlertForwarder(outbox, client(), silentLogger());
    expect(await forwarder.pushPending()).toBe(2);
    expect(forwarder.stats.refused).toBe(1);
    expect(await outbox.countAlertsToForward()).toBe(0);
    expect(await storedUuids()).toEqual(good.map((a) => a.uuid).sort());
  });

  it('logs in again when the API no longer accepts its token (restarted with another secret)', async () => {
    const port = Number(new URL(url).port);
    const c = client();
    await c.heartbeat();
    await stopApi();
    await startApi(port, randomBytes(32));
    await outbox.commit({ alerts: [{ alert: alert('192.0.2.40') }], forwardAlerts: true });
    expect(await new AlertForwarder(outbox, c, silentLogger()).pushPending()).toBe(1);
  });

  it('fails with HERD_LAPI_AUTH, naming what to check, when the password is wrong', async () => {
    const wrong = new WatcherClient({ url, machineId: 'agent-1', password: 'not-the-password' });
    await expect(wrong.login()).rejects.toMatchObject({ code: 'HERD_LAPI_AUTH', message: expect.stringContaining('herd machines') });
  });

  it('run() pushes on wake-ups until stopped, and retries after a failure', async () => {
    // Retries stay frequent (at most 200 ms apart) so that a slow, loaded machine cannot push the next
    // attempt past the test's time limit while the API restarts.
    const forwarder = new AlertForwarder(outbox, client(), silentLogger(), { retryMinMs: 50, retryMaxMs: 200, heartbeatEveryMs: 60_000 });
    const stop = new AbortController();
    const running = forwarder.run(stop.signal);
    await outbox.commit({ alerts: [{ alert: alert('192.0.2.50') }], forwardAlerts: true });
    forwarder.wake();
    await waitFor(async () => (await storedUuids()).length === 1, 'the first alert at the API');
    const port = Number(new URL(url).port);
    await stopApi();
    await outbox.commit({ alerts: [{ alert: alert('192.0.2.51') }], forwardAlerts: true });
    forwarder.wake();
    await waitFor(() => forwarder.stats.failures > 0, 'a failed push');
    await startApi(port);
    await waitFor(async () => (await storedUuids()).length === 2, 'the second alert at the API');
    stop.abort();
    await running;
    expect(await outbox.countAlertsToForward()).toBe(0);
  });
});
