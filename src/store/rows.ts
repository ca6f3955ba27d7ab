import type { Insertable, Selectable } from 'kysely';
import type { Alert, AlertEvent, MetaItem } from '../scenarios/index.js';
import type { Decision } from '../decisions/index.js';
import { rangeBounds } from '../ip/index.js';
import type { AlertsTable, DecisionsTable } from './tables.js';
import type { StoredAlert } from './store-api.js';

/** Bounds columns of a row: which IP space, first and last address. */
export interface BoundsColumns {
  size: number;
  start: string | null;
  end: string | null;
}

const NO_BOUNDS: BoundsColumns = { size: 0, start: null, end: null };

/** Scopes whose value is an IP or a CIDR range (CrowdSec's `Ip` and `Range`, any case). */
export function isAddressScope(scope: string): boolean {
  const s = scope.toLowerCase();
  return s === 'ip' || s === 'range';
}

function boundsOf(text: string | undefined): BoundsColumns {
  if (!text) return NO_BOUNDS;
  const b = rangeBounds(text);
  return b ? { size: b.size, start: b.start, end: b.end } : NO_BOUNDS;
}

/** The value of an IP/range decision as bounds; a value that does not parse is stored without. */
export function decisionBounds(scope: string, value: string): BoundsColumns {
  return isAddressScope(scope) ? boundsOf(value) : NO_BOUNDS;
}

/**
 * The address an alert is about: its value when the scope is an IP or range, else the source IP
 * the enrichers found. Not `source.range`: that is the network the IP belongs to (from AS data),
 * and would make an alert on one IP match queries for its neighbours.
 */
export function alertSourceBounds(alert: Alert): BoundsColumns {
  const src = alert.source;
  return isAddressScope(src.scope) ? boundsOf(src.value) : boundsOf(src.ip);
}

/** RFC 3339 text to ms; null when it does not parse (kept rather than rejected: the alert matters more). */
function timeToMs(text: string): number | null {
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

function msToTime(ms: number | string | null): string {
  return ms === null ? '' : new Date(Number(ms)).toISOString();
}

/** The row of an alert; `uuid` replaces the alert's (the store gives one to an alert without). */
export function alertToRow(alert: Alert, createdAt: number, uuid: string = alert.uuid, forward = false): Insertable<AlertsTable> {
  const src = alert.source;
  const bounds = alertSourceBounds(alert);
  const row: Insertable<AlertsTable> = {
    uuid,
    machine_id: alert.machineId,
    scenario: alert.scenario,
    scenario_hash: alert.scenarioHash,
    scenario_version: alert.scenarioVersion,
    message: alert.message,
    events_count: alert.eventsCount,
    start_at: timeToMs(alert.startAt),
    stop_at: timeToMs(alert.stopAt),
    capacity: alert.capacity,
    leakspeed: alert.leakspeed,
    simulated: alert.simulated ? 1 : 0,
    remediation: alert.remediation ? 1 : 0,
    source_scope: src.scope,
    source_value: src.value,
    source_ip: src.ip ?? null,
    source_range: src.range ?? null,
    source_as_number: src.asNumber ?? null,
    source_as_name: src.asName ?? null,
    source_cn: src.cn ?? null,
    source_lat: src.latitude ?? null,
    source_lon: src.longitude ?? null,
    source_ip_size: bounds.size,
    source_start_ip: bounds.start,
    source_end_ip: bounds.end,
    labels: JSON.stringify(alert.labels),
    meta: JSON.stringify(alert.meta),
    events: JSON.stringify(alert.events),
    created_at: createdAt,
  };
  // Left out when 0 (the column's default), so rows also fit databases of schema 0001 in tests.
  if (forward) row.forward_pending = 1;
  return row;
}

export function rowToAlert(row: Selectable<AlertsTable>, decisions: Decision[]): StoredAlert {
  const source: Alert['source'] = { scope: row.source_scope, value: row.source_value };
  if (row.source_ip !== null) source.ip = row.source_ip;
  if (row.source_range !== null) source.range = row.source_range;
  if (row.source_as_number !== null) source.asNumber = row.source_as_number;
  if (row.source_as_name !== null) source.asName = row.source_as_name;
  if (row.source_cn !== null) source.cn = row.source_cn;
  if (row.source_lat !== null) source.latitude = Number(row.source_lat);
  if (row.source_lon !== null) source.longitude = Number(row.source_lon);
  return {
    id: Number(row.id),
    createdAt: Number(row.created_at),
    uuid: row.uuid,
    machineId: row.machine_id,
    scenario: row.scenario,
    scenarioHash: row.scenario_hash,
    scenarioVersion: row.scenario_version,
    message: row.message,
    eventsCount: Number(row.events_count),
    startAt: msToTime(row.start_at),
    stopAt: msToTime(row.stop_at),
    capacity: Number(row.capacity),
    leakspeed: row.leakspeed,
    simulated: Number(row.simulated) === 1,
    remediation: Number(row.remediation) === 1,
    source,
    events: JSON.parse(row.events) as AlertEvent[],
    meta: JSON.parse(row.meta) as MetaItem[],
    labels: JSON.parse(row.labels) as string[],
    decisions,
  };
}

export function decisionToRow(d: Decision, alertId: number | null, now: number): Insertable<DecisionsTable> {
  const bounds = decisionBounds(d.scope, d.value);
  return {
    uuid: d.uuid,
    alert_id: alertId,
    origin: d.origin,
    type: d.type,
    scope: d.scope,
    value: d.value,
    scenario: d.scenario,
    simulated: d.simulated ? 1 : 0,
    // 0 means "not set yet": the decision is made when it is stored.
    created_at: d.createdAt > 0 ? d.createdAt : now,
    until: d.until,
    updated_at: now,
    ip_size: bounds.size,
    start_ip: bounds.start,
    end_ip: bounds.end,
  };
}

export function rowToDecision(row: Selectable<DecisionsTable>): Decision {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    origin: row.origin,
    type: row.type,
    scope: row.scope,
    value: row.value,
    scenario: row.scenario,
    simulated: Number(row.simulated) === 1,
    createdAt: Number(row.created_at),
    until: Number(row.until),
    alertId: row.alert_id === null ? 0 : Number(row.alert_id),
  };
}

export function rowToChangedDecision(row: Selectable<DecisionsTable>): Decision & { updatedAt: number } {
  return { ...rowToDecision(row), updatedAt: Number(row.updated_at) };
}
