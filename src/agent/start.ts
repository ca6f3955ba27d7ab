import { existsSync } from 'node:fs';
import { createSource, type LineSource } from '../acquisition/index.js';
import { HerdError, type Clock, type Logger } from '../core/index.js';
import { parseGoDuration } from '../expr/index.js';
import { LIVE } from '../parse/index.js';
import { defaultFlushPolicy, scheduleFlush, systemTimers, type Store } from '../store/index.js';
import type { Pipeline } from './pipeline.js';
import type { HerdConfig } from './herd-config.js';
import { runSources, type CommitInfo, type RunTotals } from './runner.js';

/**
 * `herd start`'s engine part: follow the configured sources (or, with no configuration, the usual
 * nginx and auth logs of the machine) in live mode until stopped; expired decisions and old alerts
 * are flushed on a schedule.
 */

/** The logs followed when no acquisition is configured, if they exist on this machine. */
export const DEFAULT_LOGS: readonly { path: string; type: string }[] = [
  { path: '/var/log/nginx/access.log', type: 'nginx' },
  { path: '/var/log/auth.log', type: 'syslog' },
];

export function defaultAcquisition(exists: (p: string) => boolean = existsSync): unknown[] {
  return DEFAULT_LOGS.filter((l) => exists(l.path)).map((l) => ({ source: 'file', filenames: [l.path], labels: { type: l.type } }));
}

/** Returns the acquisition entries `start` would follow (configured, else the defaults present). */
export function acquisitionOf(config: HerdConfig): unknown[] {
  return config.acquisition.length > 0 ? config.acquisition : defaultAcquisition();
}

export interface FollowOptions {
  store: Store;
  /** A pipeline built in LIVE mode on this store. */
  pipeline: Pipeline;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  onCommit?(info: CommitInfo): void;
  /** Store alerts in the outbox for a remote local API (`herd agent`). */
  forwardAlerts?: boolean;
}

/** Builds the sources of the acquisition entries, resuming files at their saved positions. */
export async function sourcesOf(config: HerdConfig, entries: readonly unknown[], deps: { store: Store; clock: Clock; logger: Logger }): Promise<LineSource[]> {
  const cursors = [...(await deps.store.loadCursors()).values()];
  const where = config.file ?? 'acquisition';
  return entries.map((e, i) => createSource(e, { cursors, clock: deps.clock, logger: deps.logger }, `${where}: acquisition[${i}]`));
}

/** Flushes old alerts and long-expired decisions on the configured schedule; returns stop(). */
export function startFlush(config: HerdConfig, store: Store, logger: Logger): () => Promise<void> {
  const maxAge = parseGoDuration(config.flush.maxAge);
  const every = parseGoDuration(config.flush.interval);
  if (maxAge === null) throw new HerdError('HERD_CONFIG_INVALID', `flush.max_age '${config.flush.maxAge}' is not a Go duration`);
  if (every === null || every <= 0) throw new HerdError('HERD_CONFIG_INVALID', `flush.interval '${config.flush.interval}' is not a positive Go duration`);
  return scheduleFlush(store, { ...defaultFlushPolicy, alertMaxAgeMs: maxAge / 1e6, alertMaxItems: config.flush.maxItems }, every / 1e6, systemTimers, { logger });
}

export async function follow(sources: readonly LineSource[], opts: FollowOptions): Promise<RunTotals> {
  opts.logger.info({ sources: sources.map((s) => s.name) }, 'following logs');
  return runSources(sources, opts.pipeline, opts.store, {
    follow: true,
    signal: opts.signal,
    logger: opts.logger,
    tickEveryMs: 1000,
    ...(opts.onCommit ? { onCommit: opts.onCommit } : {}),
    ...(opts.forwardAlerts ? { forwardAlerts: true } : {}),
  });
}

export { LIVE };
