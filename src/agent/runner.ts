import type { Cursor, LineSource } from '../acquisition/index.js';
import type { Logger } from '../core/index.js';
import type { Decision } from '../decisions/index.js';
import type { Store } from '../store/index.js';
import type { Pipeline } from './pipeline.js';

/**
 * Drives sources through the pipeline and stores the results. The rule that makes restarts exact
 * (even after `kill -9`): a file's read position is saved only in the same transaction as the
 * alerts, decisions and counters of the lines before it. Lines processed since the last commit are
 * simply read again after a crash, and their results were never stored, so no line counts twice.
 */

export interface RunOptions {
  /** Commit at least every this many lines (default 20,000), and after every batch when following. */
  commitEveryLines?: number;
  /** Follow mode commits after each batch; replay mode batches commits for speed. */
  follow: boolean;
  signal: AbortSignal;
  logger: Logger;
  /** Called after each commit. */
  onCommit?(info: CommitInfo): void;
  /** Store the alerts in the outbox too (`herd agent` pushes them to its local API). */
  forwardAlerts?: boolean;
  /**
   * Follow mode: run the pipeline's housekeeping this often even when no line arrives (idle buckets
   * expire, counter buckets fire) and store what it produced.
   */
  tickEveryMs?: number;
}

export interface CommitInfo {
  lines: number;
  alerts: number;
  decisions: number;
  /** The decisions just stored, with their ids (for a local API in the same process). */
  stored: Decision[];
}

export interface RunTotals {
  lines: number;
  alerts: number;
  decisions: number;
}

export async function runSources(sources: readonly LineSource[], pipeline: Pipeline, store: Store, opts: RunOptions): Promise<RunTotals> {
  const commitEvery = opts.commitEveryLines ?? 20_000;
  const totals: RunTotals = { lines: 0, alerts: 0, decisions: 0 };
  let pendingLines = 0;
  let pendingCursors = new Map<string, Cursor>();
  // Commits are serialised: sources take turns at await points, and each commit takes everything
  // processed so far (outputs and cursors together, in one synchronous step).
  let chain: Promise<void> = Promise.resolve();

  const commit = (): Promise<void> => {
    chain = chain.then(async () => {
      const drained = pipeline.drain();
      const cursors = [...pendingCursors.values()];
      const lines = pendingLines;
      pendingCursors = new Map();
      pendingLines = 0;
      if (drained.alerts.length === 0 && cursors.length === 0 && Object.keys(drained.counters).length === 0) return;
      const alerts = drained.alerts.map((a) => ({ alert: a.alert, decisions: a.decisions.map((d) => ({ ...d, id: 0, alertId: 0 })) }));
      const { alertIds, decisionIds } = await store.commit({ alerts, cursors, counters: drained.counters, ...(opts.forwardAlerts ? { forwardAlerts: true } : {}) });
      const stored: Decision[] = [];
      alerts.forEach((a, i) => {
        for (const d of a.decisions) stored.push({ ...d, alertId: alertIds[i]!, id: decisionIds[stored.length]! });
      });
      totals.alerts += drained.alerts.length;
      totals.decisions += stored.length;
      opts.onCommit?.({ lines, alerts: drained.alerts.length, decisions: stored.length, stored });
    });
    return chain;
  };

  const runOne = async (source: LineSource): Promise<void> => {
    for await (const batch of source.lines(opts.signal)) {
      pipeline.processBatch(batch);
      for (const line of batch) if (line.cursor) pendingCursors.set(line.cursor.key, line.cursor);
      pendingLines += batch.length;
      totals.lines += batch.length;
      if (opts.follow || pendingLines >= commitEvery) await commit();
    }
  };

  const timer = opts.tickEveryMs
    ? setInterval(() => {
        pipeline.tick();
        void commit().catch((err: unknown) => opts.logger.error({ err: (err as Error).message }, 'commit failed'));
      }, opts.tickEveryMs)
    : null;
  let results: PromiseSettledResult<void>[];
  try {
    results = await Promise.allSettled(sources.map(runOne));
  } finally {
    if (timer) clearInterval(timer);
  }
  await commit();
  for (const r of results) {
    if (r.status === 'rejected') opts.logger.error({ err: (r.reason as Error)?.message ?? String(r.reason) }, 'source failed');
  }
  const failed = results.find((r) => r.status === 'rejected');
  if (failed && failed.status === 'rejected') throw failed.reason;
  return totals;
}
