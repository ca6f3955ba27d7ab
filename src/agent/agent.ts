import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createReplaySource, type LineSource } from '../acquisition/index.js';
import { HerdError, type Clock, type Logger } from '../core/index.js';
import { DecisionHistory, DecisionWhitelist, DEFAULT_DECISION_WHITELIST } from '../decisions/index.js';
import { LIVE, TIMEMACHINE, type ExpectMode } from '../parse/index.js';
import { BucketEngine } from '../scenarios/index.js';
import { openStore, type Store } from '../store/index.js';
import { loadContent, type LoadedContent } from './content.js';
import { createDecider, type Decide } from './decider.js';
import type { HerdConfig } from './herd-config.js';
import { Pipeline } from './pipeline.js';
import { runSources, type CommitInfo, type RunTotals } from './runner.js';

/**
 * Wiring for the commands: opens the store in the data directory, loads content, builds the
 * pipeline, and runs sources through it.
 */


export async function openHerdStore(config: HerdConfig, deps: { clock: Clock; logger?: Logger }): Promise<Store> {
  if (config.store.type === 'postgres') return openStore(config.store, deps);
  try {
    mkdirSync(dirname(config.store.path), { recursive: true });
  } catch (err) {
    throw new HerdError('HERD_DATA_DIR', `cannot create the data directory: ${(err as Error).message}; pass --data-dir to use another one`, {
      where: dirname(config.store.path),
    });
  }
  return openStore({ type: 'sqlite', path: config.store.path }, deps);
}

/** Whether there is a store to read (a PostgreSQL store always is; a SQLite file may not exist yet). */
export function storeExists(config: HerdConfig): boolean {
  return config.store.type === 'postgres' || existsSync(config.store.path);
}

export interface Engine {
  content: LoadedContent;
  pipeline: Pipeline;
  engine: BucketEngine;
  history: DecisionHistory;
  /** Alert → decisions (profiles, whitelist, one active decision per offender), also for the local API. */
  decide: Decide;
}

/**
 * Loads content and builds the pipeline; past decisions come from the store (for repeat offenders).
 * `decisions: false` builds an agent that only detects (a local API elsewhere decides).
 */
export async function buildEngine(
  config: HerdConfig,
  deps: { mode: ExpectMode; clock: Clock; logger: Logger; store: Store | null; decisions?: boolean },
): Promise<Engine> {
  const history = new DecisionHistory(() => deps.clock.now());
  if (deps.store) for (const d of await deps.store.listDecisions({})) history.add(d);
  const content = loadContent(config, { clock: deps.clock, logger: deps.logger, history });
  const engine = new BucketEngine(content.scenarios, {
    mode: deps.mode,
    clock: deps.clock,
    maxBuckets: config.maxBucketsPerScenario,
    onExprError: (scenario, what, detail) => deps.logger.debug({ scenario, what, detail }, 'scenario expression error'),
  });
  let pipeline: Pipeline | null = null;
  const decide = createDecider({
    profiles: content.profiles,
    whitelist: new DecisionWhitelist(config.decisionWhitelist ?? DEFAULT_DECISION_WHITELIST),
    history,
    clock: deps.clock,
    report: (what, detail) => {
      if (what === 'profile_error') deps.logger.warn({ detail }, 'profile error');
      pipeline?.count(what === 'whitelisted' ? 'decisions_whitelisted_total' : what === 'deduplicated' ? 'decisions_deduplicated_total' : 'profile_errors_total');
    },
  });
  pipeline = new Pipeline({
    parser: content.parser,
    postoverflows: content.postoverflows,
    engine,
    decide: deps.decisions === false ? null : decide,
    history,
    mode: deps.mode,
    clock: deps.clock,
    logger: deps.logger,
    nodeCounters: content.nodeCounters,
  });
  return { content, pipeline, engine, history, decide };
}

export interface ReplayOptions {
  dsn: string;
  type: string;
  labels?: Record<string, string>;
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
  stdin?: AsyncIterable<Buffer | string>;
  /** An open store to write to (kept open); by default the configured one is opened and closed. */
  store?: Store;
  onCommit?(info: CommitInfo): void;
}

export interface ReplaySummary extends RunTotals {
  source: LineSource['metrics'];
}

/** `herd replay`: reads a file or stdin to its end with the time written in the lines. */
export async function replay(config: HerdConfig, opts: ReplayOptions): Promise<ReplaySummary> {
  const source = createReplaySource({ dsn: opts.dsn, type: opts.type, labels: opts.labels, stdin: opts.stdin, clock: opts.clock });
  const store = opts.store ?? (await openHerdStore(config, { clock: opts.clock, logger: opts.logger }));
  try {
    const { pipeline } = await buildEngine(config, { mode: TIMEMACHINE, clock: opts.clock, logger: opts.logger, store });
    const totals = await runSources([source], pipeline, store, {
      follow: false,
      signal: opts.signal ?? new AbortController().signal,
      logger: opts.logger,
      ...(opts.onCommit ? { onCommit: opts.onCommit } : {}),
    });
    return { ...totals, source: source.metrics };
  } finally {
    if (!opts.store) await store.close();
  }
}

export { LIVE, TIMEMACHINE };
