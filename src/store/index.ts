/**
 * The store keeps what herd must not forget: alerts with their decisions, standalone decisions
 * (the CLI's, the community blocklist's), reading positions of followed logs, and counters that
 * survive restarts, and the local API's machines, bouncers and usage-metrics reports. It is Kysely
 * over an embedded SQLite file by default, or a PostgreSQL database shared by many processes,
 * through the same migrations and queries. A pipeline step writes everything it produced in one
 * transaction (`commit`), so a crash never keeps an alert without the log position that led to it,
 * or the other way round. IP and range filters compare the ip module's 128-bit bounds, so "every
 * decision containing this IP" is an index range scan on any engine. It knows tables, not HTTP.
 */
export { openStore } from './open-store.js';
export { scheduleFlush, systemTimers, type Timers } from './flush-schedule.js';
export {
  defaultFlushPolicy,
  type AlertQuery,
  type AlertToStore,
  type Bouncer,
  type CommitBatch,
  type DecisionQuery,
  type FlushPolicy,
  type Machine,
  type Store,
  type StoreConfig,
  type StoredAlert,
  type UsageMetricsReport,
} from './store-api.js';
