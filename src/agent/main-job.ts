import type { Clock, Logger } from '../core/index.js';
import type { LapiServer } from '../lapi/index.js';
import { LIVE } from '../parse/index.js';
import type { Store } from '../store/index.js';
import { buildEngine, openHerdStore, replay, type ReplaySummary } from './agent.js';
import type { HerdConfig } from './herd-config.js';
import { startLocalApi } from './local-api.js';
import type { CommitInfo } from './runner.js';
import { writeSampleLogs, type SampleLogs } from './sample-logs.js';
import { acquisitionOf, follow, sourcesOf, startFlush } from './start.js';

/**
 * `herd start`, the main job: the local API and the engine in one process, over one store. The
 * engine follows the configured logs (or the machine's nginx and auth logs); with neither, it
 * replays sample logs from herd's generator so there is something to look at. Decisions the engine
 * makes reach the API's bouncers at once. Runs until `signal` aborts.
 */
export interface MainJobOptions {
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  /** Overrides api.server.listen. */
  listen?: string;
  /** Run the local API (default: api.server.enable). */
  api?: boolean;
  /** Follow logs (default true); false serves the API only. */
  acquisition?: boolean;
  /** Replay the sample logs even when the machine has logs of its own (or some are configured). */
  samples?: boolean;
  /** Called when the engine starts following logs, with the sources' names. */
  onFollowing?(sources: string[]): void;
  /** Called once the API listens. */
  onListening?(address: string): void;
  /** Sample mode: called after the samples were replayed, with the store (to print what they gave). */
  onSamples?(info: { samples: SampleLogs; summaries: { path: string; type: string; summary: ReplaySummary }[]; store: Store; since: number }): Promise<void> | void;
}

export type MainJobMode = 'follow' | 'samples' | 'api-only';

export async function runMainJob(config: HerdConfig, opts: MainJobOptions): Promise<MainJobMode> {
  const store = await openHerdStore(config, { clock: opts.clock, logger: opts.logger });
  let server: LapiServer | null = null;
  let stopFlush: (() => Promise<void>) | null = null;
  try {
    const { pipeline, decide, content } = await buildEngine(config, { mode: LIVE, clock: opts.clock, logger: opts.logger, store });
    opts.logger.info(
      {
        parsers: content.files.parsers.length,
        scenarios: content.scenarios.length,
        postoverflows: content.files.postoverflows.length,
        hub_items_left_out: content.skipped.length,
      },
      'content loaded',
    );
    if (opts.api ?? config.api.server.enable) {
      const api = await startLocalApi(config, { store, decide, clock: opts.clock, logger: opts.logger, ...(opts.listen ? { listen: opts.listen } : {}) });
      server = api.server;
      opts.onListening?.(api.address);
    }
    stopFlush = startFlush(config, store, opts.logger);
    const notify = (c: CommitInfo) => {
      if (c.stored.length > 0) server?.notifyDecisions(c.stored);
      if (c.alerts > 0) opts.logger.info({ alerts: c.alerts, decisions: c.decisions }, 'alerts stored');
    };

    const entries = opts.acquisition === false || opts.samples ? [] : acquisitionOf(config);
    let mode: MainJobMode;
    if (entries.length > 0) {
      mode = 'follow';
      const sources = await sourcesOf(config, entries, { store, clock: opts.clock, logger: opts.logger });
      opts.onFollowing?.(sources.map((s) => s.name));
      await follow(sources, { store, pipeline, clock: opts.clock, logger: opts.logger, signal: opts.signal, onCommit: notify });
    } else if (opts.acquisition === false) {
      mode = 'api-only';
    } else {
      mode = 'samples';
      const since = opts.clock.now();
      const samples = await writeSampleLogs(config.dataDir);
      const summaries: { path: string; type: string; summary: ReplaySummary }[] = [];
      for (const [path, type] of [
        [samples.nginx, 'nginx'],
        [samples.authLog, 'syslog'],
      ] as const) {
        const summary = await replay(config, { dsn: `file://${path}`, type, clock: opts.clock, logger: opts.logger, store, onCommit: notify });
        summaries.push({ path, type, summary });
      }
      await opts.onSamples?.({ samples, summaries, store, since });
    }
    // The API serves until stopped (when it runs); a follow returns only when stopped.
    if (server && !opts.signal.aborted) await new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true }));
    return mode;
  } finally {
    if (server) await server.close();
    if (stopFlush) await stopFlush();
    await store.close();
  }
}
