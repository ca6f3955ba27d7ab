import { HerdError, errorMessage, silentLogger, systemClock, type Clock, type Logger } from '../core/index.js';
import { formatIP, parseIP } from '../ip/index.js';
import { DecisionCache } from './decision-cache.js';
import { DecisionSet, toActive, type ApplyReport } from './decision-set.js';
import { durationMs, type DurationOption } from './duration-option.js';
import { LapiClient, type LapiClientOptions } from './lapi-client.js';
import { DEFAULT_PRIORITIES, RemediationRanking, type ActiveDecision } from './remediation.js';

/**
 * The core every herd bouncer shares: "what should happen to this address?" In `live` mode the
 * API is asked once per address and the answer (negative ones too) is cached for `cacheTtl` in a
 * bounded LRU; in `stream` mode the bouncer pulls the decision stream every `updateFrequency` and
 * answers from memory. When the API cannot be reached, `failMode` decides: `open` lets requests
 * through, `closed` bans them; the change of state is logged once and every such answer counted.
 */

export type BouncerMode = 'live' | 'stream';
export type FailMode = 'open' | 'closed';

export interface BouncerOptions extends LapiClientOptions {
  /** Default `live` (as CrowdSec's HTTP bouncers). */
  mode?: BouncerMode;
  /** Live: how long an answer is kept. Default 60s (a decision's answer never outlives the decision). */
  cacheTtl?: DurationOption;
  /** Live: most addresses cached. Default 50 000. */
  cacheSize?: number;
  /** Stream: time between pulls. Default 10s. */
  updateFrequency?: DurationOption;
  /** What to answer when the API cannot be reached. Default `open`. */
  failMode?: FailMode;
  /**
   * Stream: the pulled decisions keep applying while the API is unreachable (they still expire on
   * time); once the last good pull is older than this, or before the first one, `failMode` decides
   * (`open`: the held decisions alone; `closed`: ban). Default 5m.
   */
  staleAfter?: DurationOption;
  /** Live: after a failed call, the API is not asked again for this long (no pile-up of timeouts). Default 2s. */
  retryAfter?: DurationOption;
  /** Which remediation wins when several apply. Default `['ban', 'captcha']`. */
  priorities?: string[];
}

export interface BouncerDeps {
  clock?: Clock;
  logger?: Logger;
  /** A client of one's own (shared, or pointed at a test server); the bouncer then does not close it. */
  client?: LapiClient;
}

/** What to do with a request from an address. */
export interface CheckResult {
  /** `ban`, `captcha`, a custom type, or null to let it through. */
  remediation: string | null;
  /** The decision behind it, when there is one. */
  decision?: ActiveDecision;
  /** Answered by `failMode` because the API could not be reached. */
  failed?: true;
}

export interface BouncerMetrics {
  mode: BouncerMode;
  checks: number;
  /** Answers with a remediation, by type (fail-closed bans included). */
  remediations: Record<string, number>;
  apiCalls: number;
  apiErrors: number;
  /** Requests answered by failMode. */
  failOpen: number;
  failClosed: number;
  cacheHits: number;
  cacheMisses: number;
  /** Addresses that did not parse (let through). */
  invalidIps: number;
  /** Stream: successful pulls, when the last one was, decisions held, entries that were not decisions. */
  pulls: number;
  lastPullAt: number | null;
  decisions: number;
  invalidDecisions: number;
  apiReachable: boolean;
}

const ALLOW: CheckResult = Object.freeze({ remediation: null });
const FAIL_OPEN: CheckResult = Object.freeze({ remediation: null, failed: true as const });
const FAIL_CLOSED: CheckResult = Object.freeze({ remediation: 'ban', failed: true as const });

export class Bouncer {
  readonly mode: BouncerMode;
  readonly failMode: FailMode;
  private readonly client: LapiClient;
  private readonly ownClient: boolean;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly ranking: RemediationRanking;
  private readonly cacheTtlMs: number;
  private readonly updateMs: number;
  private readonly staleMs: number;
  private readonly retryMs: number;
  private readonly cache: DecisionCache<CheckResult>;
  private readonly set: DecisionSet;
  private readonly inflight = new Map<string, Promise<CheckResult>>();
  private readonly counts = {
    checks: 0,
    apiCalls: 0,
    apiErrors: 0,
    failOpen: 0,
    failClosed: 0,
    cacheHits: 0,
    cacheMisses: 0,
    invalidIps: 0,
    pulls: 0,
    invalidDecisions: 0,
  };
  private readonly remediations: Record<string, number> = {};
  private apiUp = true;
  private apiDownUntil = 0;
  /** Stream: a full (`startup=true`) pull is needed: at start and after any failed pull. */
  private needStartup = true;
  private lastPullAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ApplyReport | null> | null = null;
  private stopped = false;

  constructor(options: BouncerOptions, deps: BouncerDeps = {}) {
    this.mode = options.mode ?? 'live';
    if (this.mode !== 'live' && this.mode !== 'stream') throw new HerdError('HERD_BOUNCER_CONFIG', `mode: '${String(this.mode)}' is not a mode; use live or stream`);
    this.failMode = options.failMode ?? 'open';
    if (this.failMode !== 'open' && this.failMode !== 'closed') throw new HerdError('HERD_BOUNCER_CONFIG', `failMode: '${String(this.failMode)}' is not valid; use open or closed`);
    this.cacheTtlMs = durationMs(options.cacheTtl, 'cacheTtl', 60_000, 0);
    this.updateMs = durationMs(options.updateFrequency, 'updateFrequency', 10_000, 10);
    this.staleMs = durationMs(options.staleAfter, 'staleAfter', 300_000, 0);
    this.retryMs = durationMs(options.retryAfter, 'retryAfter', 2000, 0);
    const cacheSize = options.cacheSize ?? 50_000;
    if (!Number.isInteger(cacheSize) || cacheSize < 1) throw new HerdError('HERD_BOUNCER_CONFIG', `cacheSize: ${cacheSize} must be a whole number of at least 1`);
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger();
    this.client = deps.client ?? new LapiClient(options);
    this.ownClient = deps.client === undefined;
    this.ranking = new RemediationRanking(options.priorities ?? DEFAULT_PRIORITIES);
    this.cache = new DecisionCache(cacheSize);
    this.set = new DecisionSet(this.ranking);
  }

  /** Stream mode: the first pull (its failure is logged, not thrown), then one every `updateFrequency`. */
  async start(): Promise<void> {
    this.stopped = false;
    if (this.mode !== 'stream' || this.timer !== null) return;
    await this.pull();
    this.schedule();
  }

  /** Stops pulling and closes the client's connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.running !== null) await this.running.catch(() => undefined);
    if (this.ownClient) this.client.close();
  }

  /**
   * What to do with a request from `ip`. Never rejects: when the API cannot be reached the answer
   * follows `failMode` and has `failed: true`.
   */
  check(ip: string): Promise<CheckResult> {
    const r = this.checkCached(ip);
    if (r !== undefined) return Promise.resolve(r);
    return this.askApi(formatIP(parseIP(ip)!));
  }

  /**
   * The answer when it is known without waiting (always in stream mode, on a cache hit in live
   * mode), else undefined; then call `check`. Lets middleware stay synchronous on the hot path.
   */
  checkCached(ip: string): CheckResult | undefined {
    this.counts.checks++;
    const addr = parseIP(ip);
    if (addr === null) {
      this.counts.invalidIps++;
      return ALLOW;
    }
    const now = this.clock.now();
    if (this.mode === 'stream') {
      const d = this.set.lookup(addr, now);
      if (this.lastPullAt === null || now - this.lastPullAt > this.staleMs) {
        if (this.failMode === 'closed') return this.failClosed();
        return d === null ? this.failOpen() : this.found(d);
      }
      return d === null ? ALLOW : this.found(d);
    }
    // Dotted IPv4 text is already canonical (parseIP refuses leading zeros); other forms are printed as Go does.
    const key = ip.indexOf(':') < 0 ? ip : formatIP(addr);
    const hit = this.cache.get(key, now);
    if (hit !== undefined) {
      this.counts.cacheHits++;
      if (hit.remediation !== null) this.remediations[hit.remediation] = (this.remediations[hit.remediation] ?? 0) + 1;
      return hit;
    }
    if (this.apiDownUntil > now) return this.failMode === 'closed' ? this.failClosed() : this.failOpen();
    return undefined;
  }

  /**
   * Stream mode: one pull and its application. Null when the API could not be reached (logged).
   * A call while a pull is under way gets that pull's result.
   */
  pull(): Promise<ApplyReport | null> {
    if (this.running !== null) return this.running;
    const job = this.pullOnce().finally(() => {
      this.running = null;
    });
    this.running = job;
    return job;
  }

  private async pullOnce(): Promise<ApplyReport | null> {
    const startup = this.needStartup;
    this.counts.apiCalls++;
    let stream;
    try {
      stream = await this.client.stream(startup);
    } catch (err) {
      this.apiFailed(err);
      this.needStartup = true;
      return null;
    }
    const now = this.clock.now();
    if (startup) this.set.clear();
    const report = this.set.apply(stream, now);
    this.set.sweep(now);
    this.counts.invalidDecisions += stream.invalid + report.ignored;
    this.counts.pulls++;
    this.lastPullAt = now;
    this.needStartup = false;
    this.apiWorked();
    this.logger.debug({ startup, added: report.added, removed: report.removed, ignored: report.ignored, held: this.set.size }, 'decisions pulled');
    return report;
  }

  /** Forgets cached answers (live mode), e.g. after a decision was deleted by hand. */
  clearCache(): void {
    this.cache.clear();
  }

  metrics(): BouncerMetrics {
    return {
      mode: this.mode,
      ...this.counts,
      remediations: { ...this.remediations },
      lastPullAt: this.lastPullAt,
      decisions: this.set.size,
      apiReachable: this.apiUp,
    };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pull()
        .catch((err: unknown) => this.logger.error({ err: errorMessage(err) }, 'decision pull failed'))
        .finally(() => this.schedule());
    }, this.updateMs);
    // A library inside someone's server must not keep their process alive.
    this.timer.unref();
  }

  private askApi(key: string): Promise<CheckResult> {
    const pending = this.inflight.get(key);
    if (pending !== undefined) return pending;
    this.counts.cacheMisses++;
    this.counts.apiCalls++;
    const p = this.client.decisionsForIp(key).then(
      (list) => {
        const now = this.clock.now();
        this.apiWorked();
        let best: ActiveDecision | null = null;
        for (const w of list) {
          const d = toActive(w, now);
          if (d !== null && d.until > now && (best === null || this.ranking.stronger(d, best))) best = d;
        }
        const result: CheckResult = best === null ? ALLOW : { remediation: best.type, decision: best };
        const expires = best === null ? now + this.cacheTtlMs : Math.min(now + this.cacheTtlMs, best.until);
        if (this.cacheTtlMs > 0) this.cache.set(key, result, expires);
        if (best !== null) return this.found(best, result);
        return result;
      },
      (err: unknown) => {
        this.apiFailed(err);
        this.apiDownUntil = this.clock.now() + this.retryMs;
        return this.failMode === 'closed' ? this.failClosed() : this.failOpen();
      },
    );
    this.inflight.set(key, p);
    void p.finally(() => this.inflight.delete(key));
    return p;
  }

  private found(d: ActiveDecision, result?: CheckResult): CheckResult {
    this.remediations[d.type] = (this.remediations[d.type] ?? 0) + 1;
    return result ?? { remediation: d.type, decision: d };
  }

  private failOpen(): CheckResult {
    this.counts.failOpen++;
    return FAIL_OPEN;
  }

  private failClosed(): CheckResult {
    this.counts.failClosed++;
    this.remediations.ban = (this.remediations.ban ?? 0) + 1;
    return FAIL_CLOSED;
  }

  private apiFailed(err: unknown): void {
    this.counts.apiErrors++;
    const code = err instanceof HerdError ? err.code : 'HERD_BOUNCER_API_UNREACHABLE';
    if (this.apiUp) {
      this.apiUp = false;
      // Logged once per outage; the counters tell how many requests it touched.
      this.logger.warn({ code, err: errorMessage(err), api: this.client.url, failMode: this.failMode, mode: this.mode }, 'lapi unreachable');
    }
  }

  private apiWorked(): void {
    this.apiDownUntil = 0;
    if (!this.apiUp) {
      this.apiUp = true;
      this.logger.info({ api: this.client.url }, 'lapi reachable again');
    }
  }
}
