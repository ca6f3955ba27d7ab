import type { Alert } from '../scenarios/index.js';
import type { Decision } from '../decisions/index.js';
import type { Cursor } from '../acquisition/index.js';

/** Where the store lives. PostgreSQL (`{ type: 'postgres', … }`) comes next. */
export type StoreConfig = { type: 'sqlite'; path: string };

/** An alert to store together with the decisions it produced. */
export interface AlertToStore {
  alert: Alert;
  decisions?: Decision[];
}

/**
 * Everything one step of the pipeline produced, written in ONE transaction: either all of it is
 * stored or none of it is.
 */
export interface CommitBatch {
  alerts?: AlertToStore[];
  /** Decisions without an alert in this batch: `alertId` 0 for standalone, else an existing alert's id. */
  decisions?: Decision[];
  /** Upserted by key (the last one wins when a key repeats). */
  cursors?: Cursor[];
  /** Added to the stored values (created at 0). */
  counters?: Record<string, number>;
}

/**
 * Which decisions. Every field narrows the result; an empty query matches every decision.
 * Times are ms since epoch.
 */
export interface DecisionQuery {
  /** Only decisions still applying at this time (`until > activeAt`). */
  activeAt?: number;
  /** Only decisions that no longer apply at this time (`until <= expiredBy`). With `activeAt`: expired in between. */
  expiredBy?: number;
  /** Only decisions created after this time. */
  createdAfter?: number;
  /** An IP: decisions on exactly it, or with `contains`, every IP/range decision containing it. */
  ip?: string;
  /** A CIDR range: decisions inside it, or with `contains`, decisions containing it. Not with `ip`. */
  range?: string;
  contains?: boolean;
  scope?: string;
  value?: string;
  type?: string;
  origin?: string;
  scenario?: string;
  simulated?: boolean;
  alertId?: number;
  limit?: number;
  /** By id; `asc` (oldest first) by default. */
  order?: 'asc' | 'desc';
}

/** Which alerts. Every field narrows the result; an empty query matches every alert. */
export interface AlertQuery {
  scenario?: string;
  machineId?: string;
  /** Source scope and value, exactly. */
  scope?: string;
  value?: string;
  /** Source IP: alerts on exactly it, or with `contains`, alerts whose source IP/range contains it. */
  ip?: string;
  /** Source range: alerts inside it, or with `contains`, alerts whose source contains it. Not with `ip`. */
  range?: string;
  contains?: boolean;
  /** Stored at or after / at or before this time (ms). */
  since?: number;
  until?: number;
  simulated?: boolean;
  /** Alerts with (true) or without (false) a decision applying now (by the store's clock). */
  hasActiveDecision?: boolean;
  limit?: number;
}

/** An alert as stored: its id, when it was stored, and its decisions. */
export interface StoredAlert extends Alert {
  id: number;
  createdAt: number;
  decisions: Decision[];
}

/**
 * What `flush` removes; a rule left out (or not positive) is not applied. Alerts that still carry
 * an active decision are never removed, since removing an alert removes its decisions.
 */
export interface FlushPolicy {
  /** Decisions whose `until` is older than this (ms). The grace keeps deletions visible to bouncer streams. */
  decisionGraceMs?: number;
  /** Alerts stored longer ago than this (ms). */
  alertMaxAgeMs?: number;
  /** Alerts beyond the newest this many. */
  alertMaxItems?: number;
}

/** CrowdSec's flush defaults (max_age 7d, max_items 5000), and one day of expired decisions. */
export const defaultFlushPolicy: Readonly<Required<FlushPolicy>> = Object.freeze({
  decisionGraceMs: 24 * 3600_000,
  alertMaxAgeMs: 7 * 24 * 3600_000,
  alertMaxItems: 5000,
});

/** The alerts, decisions, reading positions and counters of herd, behind one async interface. */
export interface Store {
  /**
   * Writes a batch in ONE transaction: alerts with their decisions, standalone decisions, cursors
   * (upsert) and counter increments. Returns the new ids in input order: `alertIds` per alert,
   * `decisionIds` for the alerts' decisions (in alert order) then the standalone ones.
   * Throws `HERD_STORE_COMMIT` (and writes nothing) when any part fails.
   */
  commit(batch: CommitBatch): Promise<{ alertIds: number[]; decisionIds: number[] }>;
  /** Decisions matching the query. Throws `HERD_STORE_QUERY` for an invalid `ip`/`range`. */
  listDecisions(q: DecisionQuery): Promise<Decision[]>;
  /**
   * Ends matching decisions that still apply at `now` by setting `until = now` (CrowdSec's delete:
   * bouncer streams then report them as deleted). `id` picks one decision; `limit`/`order` are ignored.
   * Returns how many were ended.
   */
  expireDecisions(q: DecisionQuery & { id?: number }, now: number): Promise<number>;
  /** How many decisions were ever made on `value` (created after `since` when given). */
  countDecisions(q: { value: string; since?: number }): Promise<number>;
  /** Alerts matching the query, newest first, each with its decisions. */
  listAlerts(q: AlertQuery): Promise<StoredAlert[]>;
  /** One alert with its decisions, or null. */
  getAlert(id: number): Promise<StoredAlert | null>;
  /** Deletes matching alerts and their decisions; returns how many alerts. An empty query deletes all. */
  deleteAlerts(q: AlertQuery): Promise<number>;
  /** Every saved reading position, by key. */
  loadCursors(): Promise<Map<string, Cursor>>;
  /** Every counter, by name. */
  readCounters(): Promise<Record<string, number>>;
  /**
   * Removes decisions expired for longer than `decisionGraceMs` and alerts older than `alertMaxAgeMs`
   * or beyond the newest `alertMaxItems`, in one transaction, at the store clock's time.
   * `decisionsDeleted` includes the decisions of deleted alerts.
   */
  flush(policy: FlushPolicy): Promise<{ alertsDeleted: number; decisionsDeleted: number }>;
  /** Closes the database; the store is unusable afterwards. */
  close(): Promise<void>;
}
