import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { normaliseScope, type Decision } from '../decisions/index.js';
import { parseGoDuration } from '../expr/index.js';
import { rangeBounds } from '../ip/index.js';
import type { Alert, AlertSource } from '../scenarios/index.js';
import type { StoredAlert } from '../store/index.js';
import { durationUntil } from './decision-wire.js';

/**
 * The one place where CrowdSec's wire format for alerts (snake_case, local API swagger, Go's
 * `models.Alert`) meets herd's camelCase `Alert`: the schema POST /v1/alerts is validated with
 * (fields the swagger requires are required; unknown fields are ignored, as Go's decoder does),
 * the mapping of a pushed alert and its decisions, and the alert as GET /v1/alerts writes it.
 */

const int32 = z.number().int().min(-2147483648).max(2147483647);

const metaItem = z.object({ key: z.string().optional(), value: z.string().optional() });

const wireEvent = z.object({
  timestamp: z.string(),
  meta: z.array(metaItem),
});

const wireSource = z.object({
  scope: z.string(),
  value: z.string(),
  ip: z.string().optional(),
  range: z.string().optional(),
  as_number: z.string().optional(),
  as_name: z.string().optional(),
  cn: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});

const wireDecision = z.object({
  duration: z.string(),
  origin: z.string(),
  scenario: z.string(),
  scope: z.string(),
  type: z.string(),
  value: z.string(),
});

export const wireAlertSchema = z.object({
  uuid: z.string().max(128).optional(),
  scenario: z.string(),
  scenario_hash: z.string(),
  scenario_version: z.string(),
  message: z.string(),
  events_count: int32,
  start_at: z.string(),
  stop_at: z.string(),
  capacity: int32,
  leakspeed: z.string(),
  simulated: z.boolean(),
  remediation: z.boolean().optional(),
  events: z.array(wireEvent),
  source: wireSource,
  decisions: z.array(wireDecision).nullable().optional(),
  meta: z.array(metaItem).nullable().optional(),
  labels: z.array(z.string()).nullable().optional(),
});

/** The body of POST /v1/alerts: an array of alerts. */
export const pushAlertsSchema = z.array(wireAlertSchema);

export type WireAlert = z.infer<typeof wireAlertSchema>;

/**
 * The uuid that makes a retried push idempotent: the one the client sent, else one derived from
 * the machine and the alert as sent (a client retrying sends the same bytes; two different alerts
 * never have the same scenario, source, times and events).
 */
export function alertUuid(w: WireAlert, raw: unknown, machineId: string): string {
  if (w.uuid !== undefined && w.uuid !== '') return w.uuid;
  const h = createHash('sha256').update(machineId).update('\n').update(JSON.stringify(raw)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A pushed alert as herd's Alert (the machine is the one the token names, as CrowdSec does). */
export function alertFromWire(w: WireAlert, machineId: string, uuid: string): Alert {
  const s = w.source;
  const source: AlertSource = { scope: normaliseScope(s.scope), value: s.value };
  if (s.ip !== undefined) source.ip = s.ip;
  if (s.range !== undefined) source.range = s.range;
  if (s.as_number !== undefined) source.asNumber = s.as_number;
  if (s.as_name !== undefined) source.asName = s.as_name;
  if (s.cn !== undefined) source.cn = s.cn;
  if (s.latitude !== undefined) source.latitude = s.latitude;
  if (s.longitude !== undefined) source.longitude = s.longitude;
  const meta = (items: z.infer<typeof metaItem>[] | null | undefined) => (items ?? []).map((m) => ({ key: m.key ?? '', value: m.value ?? '' }));
  return {
    uuid,
    machineId,
    scenario: w.scenario,
    scenarioHash: w.scenario_hash,
    scenarioVersion: w.scenario_version,
    message: w.message,
    eventsCount: w.events_count,
    startAt: w.start_at,
    stopAt: w.stop_at,
    capacity: w.capacity,
    leakspeed: w.leakspeed,
    simulated: w.simulated,
    remediation: w.remediation ?? false,
    source,
    events: w.events.map((e) => ({ timestamp: e.timestamp, meta: meta(e.meta) })),
    meta: meta(w.meta),
    labels: w.labels ?? [],
  };
}

/**
 * The decisions an alert arrived with (`cscli decisions add`, blocklists), stored as they are, as
 * CrowdSec does: `until` is the alert's `stop_at` (or now, when it does not parse) plus the
 * duration; scopes normalised; simulated when the alert is. A field that is not valid gives an
 * error naming it (`0.decisions.1.duration …`).
 */
export function decisionsFromWire(w: WireAlert, at: number, now: number): Decision[] | { error: string } {
  const out: Decision[] = [];
  const stop = Date.parse(w.stop_at);
  const base = Number.isFinite(stop) ? stop : now;
  const list = w.decisions ?? [];
  for (let i = 0; i < list.length; i++) {
    const d = list[i];
    const where = `${at}.decisions.${i}`;
    const ns = parseGoDuration(d.duration);
    if (ns === null) return { error: `${where}.duration in body must be a Go duration (such as 4h or 90m), not ${JSON.stringify(d.duration)}` };
    const scope = normaliseScope(d.scope);
    if ((scope === 'Ip' || scope === 'Range') && rangeBounds(d.value) === null) {
      return { error: `${where}.value in body must be an IP address or a CIDR range for scope ${scope}, not ${JSON.stringify(d.value)}` };
    }
    out.push({
      id: 0,
      uuid: randomUUID(),
      origin: d.origin,
      type: d.type,
      scope,
      value: d.value,
      scenario: d.scenario,
      simulated: w.simulated,
      createdAt: now,
      until: base + Math.round(ns / 1e6),
      alertId: 0,
    });
  }
  return out;
}

/** RFC 3339 to the second, in UTC, as Go's `time.RFC3339` prints a UTC time. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function alertDecisionWire(d: Decision, simulated: boolean, now: number) {
  const out: Record<string, unknown> = { duration: durationUntil(d.until, now) };
  if (d.id !== 0) out.id = d.id;
  out.origin = d.origin;
  out.scenario = d.scenario;
  out.scope = d.scope;
  out.simulated = simulated;
  out.type = d.type;
  if (d.uuid !== '') out.uuid = d.uuid;
  out.value = d.value;
  return out;
}

/** A stored alert as GET /v1/alerts writes it (Go `models.Alert`: fields sorted, omitempty kept). */
export function alertToWire(a: StoredAlert, now: number): Record<string, unknown> {
  const s = a.source;
  const source: Record<string, unknown> = {};
  if (s.asName) source.as_name = s.asName;
  if (s.asNumber) source.as_number = s.asNumber;
  if (s.cn) source.cn = s.cn;
  if (s.ip) source.ip = s.ip;
  if (s.latitude) source.latitude = s.latitude;
  if (s.longitude) source.longitude = s.longitude;
  if (s.range) source.range = s.range;
  source.scope = s.scope;
  source.value = s.value;
  const out: Record<string, unknown> = {
    capacity: a.capacity,
    created_at: rfc3339(a.createdAt),
    decisions: a.decisions.length > 0 ? a.decisions.map((d) => alertDecisionWire(d, a.simulated, now)) : null,
    events: a.events.length > 0 ? a.events.map((e) => ({ meta: e.meta, timestamp: e.timestamp })) : null,
    events_count: a.eventsCount,
    id: a.id,
    labels: a.labels.length > 0 ? a.labels : null,
    leakspeed: a.leakspeed,
    machine_id: a.machineId || 'N/A',
    message: a.message,
  };
  if (a.meta.length > 0) out.meta = a.meta;
  if (a.remediation) out.remediation = true;
  Object.assign(out, {
    scenario: a.scenario,
    scenario_hash: a.scenarioHash,
    scenario_version: a.scenarioVersion,
    simulated: a.simulated,
    source,
    start_at: a.startAt,
    stop_at: a.stopAt,
  });
  if (a.uuid) out.uuid = a.uuid;
  return out;
}

/**
 * An alert as an agent pushes it (POST /v1/alerts, Go `models.Alert`): with its uuid, so a push
 * retried after a lost answer is stored once, and without decisions, so the local API's profiles
 * decide, as CrowdSec's agents leave it to theirs.
 */
export function alertToPushWire(a: Alert): WireAlert {
  const s = a.source;
  const source: WireAlert['source'] = { scope: s.scope, value: s.value };
  if (s.ip !== undefined) source.ip = s.ip;
  if (s.range !== undefined) source.range = s.range;
  if (s.asNumber !== undefined) source.as_number = s.asNumber;
  if (s.asName !== undefined) source.as_name = s.asName;
  if (s.cn !== undefined) source.cn = s.cn;
  if (s.latitude !== undefined) source.latitude = s.latitude;
  if (s.longitude !== undefined) source.longitude = s.longitude;
  return {
    uuid: a.uuid,
    scenario: a.scenario,
    scenario_hash: a.scenarioHash,
    scenario_version: a.scenarioVersion,
    message: a.message,
    events_count: a.eventsCount,
    start_at: a.startAt,
    stop_at: a.stopAt,
    capacity: a.capacity,
    leakspeed: a.leakspeed,
    simulated: a.simulated,
    remediation: a.remediation,
    events: a.events.map((e) => ({ timestamp: e.timestamp, meta: e.meta.map((m) => ({ key: m.key, value: m.value })) })),
    source,
    decisions: [],
    meta: a.meta.map((m) => ({ key: m.key, value: m.value })),
    labels: a.labels,
  };
}
