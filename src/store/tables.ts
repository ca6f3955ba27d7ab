import type { Generated } from 'kysely';

/**
 * The tables as Kysely sees them. Column types are the values the query layer reads and writes:
 * ms timestamps are 64-bit integers (`bigint` columns), booleans are 0/1 integers, JSON is text, so
 * the same queries run on SQLite and PostgreSQL. Readers still pass 64-bit values through `Number()`
 * because PostgreSQL's driver returns `bigint` as text unless told otherwise.
 */
export interface AlertsTable {
  id: Generated<number>;
  uuid: string;
  machine_id: string;
  scenario: string;
  scenario_hash: string;
  scenario_version: string;
  message: string;
  events_count: number;
  /** ms since epoch; null when the alert's RFC 3339 text did not parse. */
  start_at: number | null;
  stop_at: number | null;
  capacity: number;
  leakspeed: string;
  simulated: number;
  remediation: number;
  source_scope: string;
  source_value: string;
  source_ip: string | null;
  source_range: string | null;
  source_as_number: string | null;
  source_as_name: string | null;
  source_cn: string | null;
  source_lat: number | null;
  source_lon: number | null;
  /** Bounds of the source address (see decisions): 0/null when the source is not an IP or range. */
  source_ip_size: number;
  source_start_ip: string | null;
  source_end_ip: string | null;
  labels: string;
  meta: string;
  events: string;
  created_at: number;
  /** 1 while an agent still has to push the alert to its local API (the outbox), else 0. */
  forward_pending: Generated<number>;
}

export interface DecisionsTable {
  id: Generated<number>;
  uuid: string;
  /** Null for a standalone decision (no alert). */
  alert_id: number | null;
  origin: string;
  type: string;
  scope: string;
  value: string;
  scenario: string;
  simulated: number;
  created_at: number;
  until: number;
  /** When the row was inserted or ended early (ms): followers in other processes read changes by it. */
  updated_at: number;
  /** 4 or 16 for an IP or range, 0 otherwise. */
  ip_size: number;
  /** First and last address as 32 hex digits in one 128-bit space; null when not an IP or range. */
  start_ip: string | null;
  end_ip: string | null;
}

export interface CursorsTable {
  key: string;
  file_id: string;
  byte_offset: number;
  fingerprint: string;
  token: string | null;
  updated_at: number;
}

export interface CountersTable {
  name: string;
  value: number;
}

/** Booleans are 0/1 integers, times ms, like everywhere else. */
export interface MachinesTable {
  id: Generated<number>;
  machine_id: string;
  password_hash: string;
  ip_address: string;
  created_at: number;
  updated_at: number;
  last_push: number | null;
  last_heartbeat: number | null;
  is_validated: number;
  version: string;
  scenarios: string;
  auth_type: 'password' | 'tls';
  os_name: string;
  os_version: string;
}

export interface BouncersTable {
  id: Generated<number>;
  name: string;
  api_key_hash: string;
  ip_address: string;
  created_at: number;
  updated_at: number;
  last_pull: number | null;
  type: string;
  version: string;
  auth_type: 'api-key' | 'tls';
}

export interface UsageMetricsTable {
  id: Generated<number>;
  kind: 'bouncer' | 'machine';
  name: string;
  received_at: number;
  payload: string;
}

export interface Tables {
  alerts: AlertsTable;
  decisions: DecisionsTable;
  cursors: CursorsTable;
  counters: CountersTable;
  machines: MachinesTable;
  bouncers: BouncersTable;
  usage_metrics: UsageMetricsTable;
}
