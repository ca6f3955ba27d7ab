import { existsSync } from 'node:fs';
import { createSource, type LineSource } from '../acquisition/index.js';
import { HerdError, type Clock, type Logger } from '../core/index.js';
import { parseGoDuration } from '../expr/index.js';
import { defaultFlushPolicy, scheduleFlush, systemTimers } from '../store/index.js';
import { buildEngine, openHerdStore } from './agent.js';
import type { HerdConfig } from './herd-config.js';
import { LIVE } from '../parse/index.js';
import { runSources, type RunTotals } from './runner.js';

/**
 * `herd start`: follow the configured sources (or, with no configuration, the usual nginx and
 * auth logs of the machine) in live mode until stopped; expired decisions and old alerts are
 * flushed on a schedule.
 */

/** The logs followed when no acquisition is configured, if they exist on this machine. */
export const DEFAULT_LOGS: readonly { path: string; type: string }[] = [
  { path: '/var/log/nginx/access.log', type: 'nginx' },
  { path: '/var/log/auth.log', type: 'syslog' },
];

export function defaultAcquisition(exists: (p: string) => boolean = existsSync): unknown[] {
  return DEFAULT_LOGS.filter((l) => exists(l.path)).map((l) => ({ source: 'file', filenames: [l.path], labels: { type: l.type } }));
}

export interface StartOptions {
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  /** Called for each commit that stored alerts. */
  onCommit?(info: { lines: number; alerts: number; decisions: number }): void;
}

/** Returns the acquisition entries `start` would follow (configured, else the defaults present). */
export function acquisitionOf(config: HerdConfig): unknown[] {
  return config.acquisition.length > 0 ? config.acquisition : defaultAcquisition();
}

export async function follow(config: HerdConfig, entries: readonly unknown[], opts: StartOptions): Promise<RunTotals> {
  const store = await openHerdStore(config, { clock: opts.clock, logger: opts.logger });
  let stopFlush: (() => Promise<void>) | null = null;
  try {
    const cursors = [...(await store.loadCursors()).values()];
    const where = config.file ?? 'acquisition';
    const sources: LineSource[] = entries.map((e, i) => createSource(e, { cursors, clock: opts.clock, logger: opts.logger }, `${where}: acquisition[${i}]`));
    const { pipeline, content } = await buildEngine(config, { mode: LIVE, clock: opts.clock, logger: opts.logger, store });
    opts.logger.info(
      { sources: sources.map((s) => s.name), parsers: content.files.parsers.length, scenarios: content.scenarios.length },
      'herd started',
    );
    const maxAge = parseGoDuration(config.flush.maxAge);
    const every = parseGoDuration(config.flush.interval);
    if (maxAge === null) throw new HerdError('HERD_CONFIG_INVALID', `flush.max_age '${config.flush.maxAge}' is not a Go duration`);
    if (every === null || every <= 0) throw new HerdError('HERD_CONFIG_INVALID', `flush.interval '${config.flush.interval}' is not a positive Go duration`);
    stopFlush = scheduleFlush(
      store,
      { ...defaultFlushPolicy, alertMaxAgeMs: maxAge / 1e6, alertMaxItems: config.flush.maxItems },
      every / 1e6,
      systemTimers,
      { logger: opts.logger },
    );
    return await runSources(sources, pipeline, store, {
      follow: true,
      signal: opts.signal,
      logger: opts.logger,
      tickEveryMs: 1000,
      onCommit: opts.onCommit,
    });
  } finally {
    if (stopFlush) await stopFlush();
    await store.close();
  }
}
