import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, silentLogger, type Clock, type Logger } from '../core/index.js';
import type { Decision, NewDecision } from '../decisions/index.js';
import type { Alert } from '../scenarios/index.js';
import { openStore, type Store } from '../store/index.js';
import { hashApiKey, hashPassword } from './credentials.js';
import { createLapiServer, type LapiOptions, type LapiServer } from './lapi-server.js';

/** For the API's tests: a real SQLite store in a temp dir, a manual clock and a server on it. */

export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
export const SECRET = 'test-secret-test-secret-test-secret-0123456789';
export const FIREWALL_UA = 'crowdsec-firewall-bouncer/v0.0.25-debian-pragmatic-amd64-2d2d2d';
export const HOUR = 3600_000;

/** The profiles stand-in: a 4h ban on the alert's source, as CrowdSec's default profile. */
export function banFourHours(clock: Clock) {
  return (alert: Alert): NewDecision[] =>
    alert.remediation || alert.source.scope === 'Ip'
      ? [
          {
            uuid: randomUUID(),
            origin: 'crowdsec',
            type: 'ban',
            scope: alert.source.scope,
            value: alert.source.value,
            scenario: alert.scenario,
            simulated: alert.simulated,
            createdAt: clock.now(),
            until: clock.now() + 4 * HOUR,
          },
        ]
      : [];
}

export interface Kit {
  dir: string;
  path: string;
  clock: ManualClock;
  store: Store;
  server: LapiServer;
  /** A bouncer with a fresh key; returns the key. */
  addBouncer(name: string): Promise<string>;
  addMachine(machineId: string, password: string, validated?: boolean): Promise<void>;
  /** Logs in and returns the Bearer header value. */
  login(machineId: string, password: string): Promise<string>;
  /** Stores a standalone decision (as `herd decisions add` does) and returns it with its id. */
  addDecision(d: Partial<Decision> & { value: string }): Promise<Decision>;
  close(): Promise<void>;
}

export async function startKit(options: Partial<LapiOptions> = {}, logger: Logger = silentLogger()): Promise<Kit> {
  const dir = mkdtempSync(join(tmpdir(), 'herd-lapi-'));
  const path = join(dir, 'herd.db');
  const clock = new ManualClock(T0);
  const store = await openStore({ type: 'sqlite', path }, { clock });
  const server = createLapiServer(
    { store, clock, logger, decide: banFourHours(clock) },
    { listen: '127.0.0.1:0', jwtSecret: SECRET, syncEveryMs: 0, authCacheMs: 0, ...options },
  );
  const kit: Kit = {
    dir,
    path,
    clock,
    store,
    server,
    async addBouncer(name) {
      const key = `key-${name}-${randomUUID()}`;
      await store.addBouncer({ name, apiKeyHash: hashApiKey(key), ipAddress: '', lastPull: null, type: '', version: '', authType: 'api-key' });
      return key;
    },
    async addMachine(machineId, password, validated = true) {
      await store.addMachine({
        machineId,
        passwordHash: await hashPassword(password),
        ipAddress: '',
        lastPush: null,
        lastHeartbeat: null,
        isValidated: validated,
        version: '',
        scenarios: '',
        authType: 'password',
        osName: '',
        osVersion: '',
      });
    },
    async login(machineId, password) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/watchers/login',
        headers: { 'user-agent': 'crowdsec/v1.6.4-debian' },
        payload: { machine_id: machineId, password, scenarios: ['crowdsecurity/ssh-bf'] },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      return `Bearer ${(res.json() as { token: string }).token}`;
    },
    async addDecision(d) {
      const now = clock.now();
      const decision: Decision = {
        id: 0,
        uuid: randomUUID(),
        origin: 'cscli',
        type: 'ban',
        scope: 'Ip',
        scenario: 'manual ban',
        simulated: false,
        createdAt: now,
        until: now + 4 * HOUR,
        alertId: 0,
        ...d,
      };
      const { decisionIds } = await store.commit({ decisions: [decision] });
      decision.id = decisionIds[0];
      return decision;
    },
    async close() {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return kit;
}

/** An alert as the crowdsec agent pushes it (wire format), without decisions. */
export function wireAlert(ip: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const at = new Date(T0).toISOString();
  return {
    capacity: 5,
    decisions: null,
    events: [{ meta: [{ key: 'source_ip', value: ip }], timestamp: at }],
    events_count: 6,
    labels: null,
    leakspeed: '10s',
    message: `Ip ${ip} performed 'crowdsecurity/ssh-bf' (6 events over 3s) at ${at}`,
    remediation: true,
    scenario: 'crowdsecurity/ssh-bf',
    scenario_hash: '4441dcff07020f6690d998b7101e642359ba405c2abb83565bbbdcee36de280f',
    scenario_version: '0.1',
    simulated: false,
    source: { as_name: 'Example AS', as_number: '64500', cn: 'FR', ip, latitude: 48.85, longitude: 2.35, range: '192.0.2.0/24', scope: 'Ip', value: ip },
    start_at: at,
    stop_at: at,
    ...overrides,
  };
}
