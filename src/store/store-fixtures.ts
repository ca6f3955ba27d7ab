import type { Kysely } from 'kysely';
import type { Alert } from '../scenarios/index.js';
import type { Decision } from '../decisions/index.js';
import { migrateToLatest, storeMigrations, type SqlEngine } from './migrations.js';
import { alertToRow, decisionToRow } from './rows.js';
import type { Tables } from './tables.js';

/** Sample alerts and decisions for the store's tests (and the crash child). */

/**
 * Alerts in batch `n` of the crash test's child: sizes vary so a kill lands at different points of
 * a transaction, including near its end (cursors, counters, COMMIT).
 */
export function alertsInBatch(n: number): number {
  return [1, 2, 5, 20][n % 4];
}

export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    uuid: 'a-1',
    machineId: 'host-1',
    scenario: 'crowdsecurity/ssh-bf',
    scenarioHash: 'abc123',
    scenarioVersion: '0.1',
    message: 'Ip 192.0.2.7 performed crowdsecurity/ssh-bf (6 events over 3s)',
    eventsCount: 6,
    startAt: new Date(T0 - 3000).toISOString(),
    stopAt: new Date(T0).toISOString(),
    capacity: 5,
    leakspeed: '10s',
    simulated: false,
    remediation: true,
    source: {
      scope: 'Ip',
      value: '192.0.2.7',
      ip: '192.0.2.7',
      range: '192.0.2.0/24',
      asNumber: '64500',
      asName: 'Example AS',
      cn: 'FR',
      latitude: 48.8566,
      longitude: 2.3522,
    },
    events: [
      { timestamp: new Date(T0 - 3000).toISOString(), meta: [{ key: 'source_ip', value: '192.0.2.7' }, { key: 'user', value: 'root' }] },
      { timestamp: new Date(T0).toISOString(), meta: [{ key: 'source_ip', value: '192.0.2.7' }, { key: 'user', value: 'admin' }] },
    ],
    meta: [{ key: 'target_user', value: '["root","admin"]' }],
    labels: ['ssh', 'bruteforce'],
    ...overrides,
  };
}

export function sampleDecision(overrides: Partial<Decision> = {}): Decision {
  return {
    id: 0,
    uuid: 'd-1',
    origin: 'crowdsec',
    type: 'ban',
    scope: 'Ip',
    value: '192.0.2.7',
    scenario: 'crowdsecurity/ssh-bf',
    simulated: false,
    createdAt: T0,
    until: T0 + 4 * 3600_000,
    alertId: 0,
    ...overrides,
  };
}

/** An alert on one IP, with its source fields consistent. */
export function alertOn(ip: string, overrides: Partial<Alert> = {}): Alert {
  return sampleAlert({ source: { scope: 'Ip', value: ip, ip }, ...overrides });
}

/**
 * Fills an empty database with what herd stored before migration 0002 (schema 0001 only): two
 * alerts sharing a uuid (as a retried push could leave them), one more, and a decision each made
 * at distinct times. The upgrade tests open a store on it afterwards.
 */
export async function seedSchema0001(db: Kysely<Tables>, engine: SqlEngine): Promise<void> {
  await migrateToLatest(db as unknown as Kysely<unknown>, { '0001_init': storeMigrations(engine)['0001_init'] }, 'the test database');
  for (const [i, uuid] of ['same', 'same', 'other'].entries()) {
    const alert = alertOn(`192.0.2.${i}`, { uuid });
    const { id } = await db.insertInto('alerts').values(alertToRow(alert, T0 + i)).returning('id').executeTakeFirstOrThrow();
    const { updated_at: _, ...row } = decisionToRow(sampleDecision({ uuid: `d${i}`, createdAt: T0 + 10 * i }), Number(id), T0);
    await (db as unknown as Kysely<{ decisions: typeof row }>).insertInto('decisions').values(row).execute();
  }
}
