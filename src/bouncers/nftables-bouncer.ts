import { HerdError, errorMessage, silentLogger, systemClock, type Clock, type Logger } from '../core/index.js';
import { durationMs, type DurationOption } from './duration-option.js';
import { LapiClient, type LapiClientOptions } from './lapi-client.js';
import { SpawnNftRunner, type NftRunner } from './nft-runner.js';
import { cleanupScript, nftNames, planScript, type NftablesNames } from './nftables-script.js';
import { NftablesState } from './nftables-state.js';

/**
 * `herd bouncer nftables`: keeps herd's nftables sets in step with the decision stream. At start
 * (and after any failure) it pulls everything (`startup=true`) and rebuilds its table in one batch;
 * then every `updateFrequency` it pulls what changed and sends the kernel only that, in one `nft`
 * process. When the API cannot be reached the firewall keeps what it has (elements still time out
 * on their own) and the next good pull resyncs fully.
 */

export interface NftablesBouncerOptions extends LapiClientOptions {
  /** Default 10s, as CrowdSec's firewall bouncer. */
  updateFrequency?: DurationOption;
  /** Table, set and chain names, hooks and priority. */
  nftables?: Partial<NftablesNames>;
  /** How nft is run. Default `['nft']`. */
  nftCommand?: string[];
  /** Decision types that drop packets. Default `['ban']`. */
  types?: string[];
  /** Remove herd's table when stopping. Default false: bans keep applying until their timeouts. */
  cleanupOnStop?: boolean;
  /** Longest kernel timeout; longer decisions are refreshed before it runs out. Default 30 days. */
  maxTimeout?: DurationOption;
}

export interface NftablesBouncerDeps {
  clock?: Clock;
  logger?: Logger;
  client?: LapiClient;
  runner?: NftRunner;
}

export interface NftSyncReport {
  /** A full rebuild of the table. */
  full: boolean;
  /** Address elements added or given a new timeout, and removed; range sets rebuilt. */
  set: number;
  removed: number;
  rangesRebuilt: boolean;
}

export interface NftablesMetrics {
  pulls: number;
  apiErrors: number;
  nftRuns: number;
  nftErrors: number;
  lastSyncAt: number | null;
  v4: number;
  v6: number;
  ranges: number;
  ignoredDecisions: number;
}

export class NftablesBouncer {
  readonly names: NftablesNames;
  private readonly client: LapiClient;
  private readonly ownClient: boolean;
  private readonly runner: NftRunner;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly state: NftablesState;
  private readonly updateMs: number;
  private readonly cleanupOnStop: boolean;
  private needStartup = true;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private apiUp = true;
  private readonly counts = { pulls: 0, apiErrors: 0, nftRuns: 0, nftErrors: 0 };
  private lastSyncAt: number | null = null;

  constructor(options: NftablesBouncerOptions, deps: NftablesBouncerDeps = {}) {
    this.names = nftNames(options.nftables);
    this.client = deps.client ?? new LapiClient(options);
    this.ownClient = deps.client === undefined;
    this.runner = deps.runner ?? new SpawnNftRunner(options.nftCommand ?? ['nft']);
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger();
    this.updateMs = durationMs(options.updateFrequency, 'updateFrequency', 10_000, 10);
    this.cleanupOnStop = options.cleanupOnStop ?? false;
    this.state = new NftablesState({ types: options.types, maxTimeoutMs: durationMs(options.maxTimeout, 'maxTimeout', 30 * 24 * 3600_000, 60_000), refreshWindowMs: Math.max(60_000, 3 * this.updateMs) });
  }

  /**
   * Checks that nft runs, does the first sync, then syncs every `updateFrequency`. Throws when nft
   * is missing or refuses herd's table (fail at start-up); an unreachable API is only logged.
   */
  async start(): Promise<void> {
    this.stopped = false;
    const version = await this.runner.version();
    this.logger.info({ nft: version, table: `inet ${this.names.table}`, api: this.client.url }, 'nftables bouncer starting');
    await this.sync();
    this.schedule();
  }

  /**
   * One pull and the batch it needs. Null when the API could not be reached. Throws when nft fails.
   * Calls run one after another, never interleaved.
   */
  sync(): Promise<NftSyncReport | null> {
    const job = (this.running ?? Promise.resolve()).then(() => this.syncOnce());
    // The chain's tail never rejects: the caller gets the error through `job`.
    const tail: Promise<void> = job.then(
      () => undefined,
      () => undefined,
    );
    this.running = tail;
    void tail.then(() => {
      if (this.running === tail) this.running = null;
    });
    return job;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.running !== null) await this.running;
    if (this.cleanupOnStop) await this.runner.run(cleanupScript(this.names));
    if (this.ownClient) this.client.close();
  }

  metrics(): NftablesMetrics {
    return { ...this.counts, lastSyncAt: this.lastSyncAt, ...this.state.counts, ignoredDecisions: this.state.ignored };
  }

  private async syncOnce(): Promise<NftSyncReport | null> {
    const startup = this.needStartup;
    let stream;
    try {
      stream = await this.client.stream(startup);
    } catch (err) {
      this.counts.apiErrors++;
      this.needStartup = true;
      if (this.apiUp) {
        this.apiUp = false;
        this.logger.warn({ code: err instanceof HerdError ? err.code : undefined, err: errorMessage(err), api: this.client.url }, 'lapi unreachable');
      }
      return null;
    }
    if (!this.apiUp) {
      this.apiUp = true;
      this.logger.info({ api: this.client.url }, 'lapi reachable again');
    }
    this.counts.pulls++;
    const now = this.clock.now();
    if (startup) this.state.reset();
    this.state.apply(stream, now);
    const plan = this.state.plan(now, startup);
    const script = planScript(this.names, plan);
    if (script.length > 0) {
      this.counts.nftRuns++;
      try {
        await this.runner.run(script);
      } catch (err) {
        this.counts.nftErrors++;
        // The kernel's state is unknown now: rebuild from a full pull next time.
        this.needStartup = true;
        throw err;
      }
    }
    this.state.committed(plan, now);
    this.needStartup = false;
    this.lastSyncAt = now;
    const report: NftSyncReport = { full: plan.full, set: plan.set.length, removed: plan.remove.length, rangesRebuilt: plan.ranges !== null };
    if (script.length > 0) this.logger.debug({ ...report }, 'nftables updated');
    return report;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sync()
        .catch((err: unknown) => this.logger.error({ code: err instanceof HerdError ? err.code : undefined, err: errorMessage(err) }, 'nftables update failed'))
        .finally(() => this.schedule());
    }, this.updateMs);
  }
}
