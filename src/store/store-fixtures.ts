import type { Alert } from '../scenarios/index.js';
import type { Decision } from '../decisions/index.js';

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
