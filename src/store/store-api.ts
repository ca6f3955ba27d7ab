import type { Alert } from '../scenarios/index.js';
import type { Decision } from '../decisions/index.js';
import type { Cursor } from '../acquisition/index.js';

/**
 * Where the store lives: an embedded SQLite file (one host), or a PostgreSQL database shared by
 * every process of a deployment (`url` is `postgres://user:pass@host:port/db`; `poolSize`
 * connections at most, 10 by default).
 */
export type StoreConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; poolSize?: number };

/** An agent allowed to push alerts (CrowdSec's `machines` table). Times are ms since epoch. */
export interface Machine {
  id: number;
  /** Its login, unique. */
  machineId: string;
  passwordHash: string;
  ipAddress: string;
  createdAt: number;
  updatedAt: number;
  lastPush: number | null;
  lastHeartbeat: number | null;
  isValidated: boolean;
  version: string;
  /** The scenarios it runs, as it reported them (comma-separated). */
  scenarios: string;
  authType: 'password' | 'tls';
  osName: string;
  osVersion: string;
}

/** A bouncer allowed to pull decisions (CrowdSec's `bouncers` table). Times are ms since epoch. */
export interface Bouncer {
  id: number;
  /** Unique. */
  name: string;
  /** Hash of its API key, unique: a request's key is looked up by it. */
  apiKeyHash: string;
  ipAddress: string;
  createdAt: number;
  updatedAt: number;
  lastPull: number | null;
  /** Its User-Agent. */
  type: string;
  version: string;
  authType: 'api-key' | 'tls';
}

/** One report received on POST /v1/usage-metrics, as stored. */
export interface UsageMetricsReport {
  id: number;
  kind: 'bouncer' | 'machine';
  /** The bouncer's or machine's name. */
  name: string;
  /** When the store received it (ms). */
  receivedAt: number;
  /** The report as received (JSON text). */
  payload: string;
}

/** An alert to store together with the decisions it produced. Alert uuids are unique in the store; an empty one is replaced by a random uuid. */
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
  /**
   * An alert whose uuid is already stored (or repeats within the batch) is not stored again, and
   * neither are its decisions; its `alertIds` entry is the stored alert's id. A retried push is
   * then idempotent, even when two processes store the same alert at the same time. Without it, a
   * uuid that exists fails the whole commit.
   */
  skipExistingAlerts?: boolean;
  /**
   * The alerts go to the outbox too: `herd agent` pushes them to its local API later
   * (`alertsToForward`, `markAlertsForwarded`). Flush never removes an alert still in the outbox.
   */
  forwardAlerts?: boolean;
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
   * (upsert) and counter increments. Returns the ids in input order: `alertIds` per alert,
   * `decisionIds` for the alerts' decisions (in alert order; none for an alert skipped by
   * `skipExistingAlerts`) then the standalone ones.
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
  /**
   * Decisions created or changed (expired early) after `since` (ms, `updatedAt > since`), oldest
   * change first, for keeping an in-memory index in step across processes. `updatedAt` is the
   * commit's clock time for a new decision and the `now` given to `expireDecisions` for an ended
   * one. With `limit`, a page never ends inside one `updatedAt` (it may hold more rows than
   * `limit`), so asking again with the last `updatedAt` misses nothing. Writers' clocks and
   * transactions that commit late can still put a change slightly in the past: a follower should
   * ask from a little before its last `updatedAt` and skip what it already has (same id and
   * `updatedAt`). Decisions removed by `deleteAlerts` or `flush` do not appear.
   */
  decisionsChangedSince(since: number, limit?: number): Promise<(Decision & { updatedAt: number })[]>;

  /** Alerts in the outbox (committed with `forwardAlerts`, not yet marked forwarded), oldest first, with their decisions. */
  alertsToForward(limit: number): Promise<StoredAlert[]>;
  /** Takes these alerts out of the outbox; returns how many were in it. */
  markAlertsForwarded(ids: readonly number[]): Promise<number>;
  /** How many alerts the outbox holds. */
  countAlertsToForward(): Promise<number>;

  /** Adds a machine, stamped created/updated now. Throws `HERD_STORE_CONFLICT` if its `machineId` exists. */
  addMachine(m: Omit<Machine, 'id' | 'createdAt' | 'updatedAt'>): Promise<Machine>;
  /** The machine with this login, or null. */
  getMachine(machineId: string): Promise<Machine | null>;
  /** Every machine, by id. */
  listMachines(): Promise<Machine[]>;
  /**
   * Changes the given fields of a machine; `updatedAt` is set to now unless the patch gives it.
   * Returns false when no machine has this login.
   */
  updateMachine(machineId: string, patch: Partial<Omit<Machine, 'id' | 'machineId' | 'createdAt'>>): Promise<boolean>;
  /** Removes a machine (its alerts stay); false when there was none. */
  deleteMachine(machineId: string): Promise<boolean>;

  /** Adds a bouncer, stamped created/updated now. Throws `HERD_STORE_CONFLICT` if its name or key hash exists. */
  addBouncer(b: Omit<Bouncer, 'id' | 'createdAt' | 'updatedAt'>): Promise<Bouncer>;
  /** The bouncer holding this API key hash, or null (an index lookup: fit for every request). */
  getBouncerByKeyHash(apiKeyHash: string): Promise<Bouncer | null>;
  /** The bouncer with this name, or null. */
  getBouncer(name: string): Promise<Bouncer | null>;
  /** Every bouncer, by id. */
  listBouncers(): Promise<Bouncer[]>;
  /**
   * Changes the given fields of a bouncer; `updatedAt` is set to now unless the patch gives it.
   * Returns false when no bouncer has this name. Throws `HERD_STORE_CONFLICT` when the new
   * `apiKeyHash` belongs to another bouncer.
   */
  updateBouncer(name: string, patch: Partial<Omit<Bouncer, 'id' | 'name' | 'createdAt'>>): Promise<boolean>;
  /** Removes a bouncer; false when there was none. */
  deleteBouncer(name: string): Promise<boolean>;

  /** Keeps one usage-metrics report (POST /v1/usage-metrics), stamped with the store clock. */
  addUsageMetrics(kind: 'bouncer' | 'machine', name: string, payload: string): Promise<void>;
  /** Stored usage-metrics reports received after `since` (ms; all when absent), oldest first. */
  listUsageMetrics(q?: { kind?: 'bouncer' | 'machine'; name?: string; since?: number; limit?: number }): Promise<UsageMetricsReport[]>;

  /** Closes the database; the store is unusable afterwards. */
  close(): Promise<void>;
}
