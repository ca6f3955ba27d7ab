import { errorMessage, type Clock, type Logger } from '../core/index.js';
import { DecisionIndex, longestPerValueAndType, type Decision, type DecisionMatcher } from '../decisions/index.js';
import type { Store } from '../store/index.js';
import { Journal, type JournalEntry as Entry } from './stream-journal.js';

/**
 * The decisions bouncers are answered from, in memory and kept in step with the store:
 * - at start, the active decisions (into a `DecisionIndex`) and those that ended within the window;
 * - every `syncEveryMs`, the decisions changed since the last look (`decisionsChangedSince`): what
 *   other processes wrote — the engine of `herd start`, `herd decisions add|delete`, other API
 *   instances on PostgreSQL. A little before the last change seen is read again (`overlapMs`), as
 *   a transaction may commit after a later one, or a writer's clock lag behind; what is already
 *   known is skipped;
 * - at once, what this process writes (`notify`).
 *
 * For `/v1/decisions/stream`, two journals in arrival order record which decisions were added and
 * which ended (expired, or deleted early). Each entry has a sequence number and the time it was
 * learnt here, so a bouncer's delta is "since my previous pull": by sequence number when this
 * process answered that pull (exact), else by the `last_pull` time the store holds, less a grace
 * of 2 s (as CrowdSec), which may send a decision twice but does not miss one.
 *
 * The window: journals keep `windowMs` (24 h by default) and at most `maxJournal` entries each.
 * A bouncer whose previous pull is older than the added journal gets every active decision as new
 * (it loses nothing); deletions older than the ended journal are not sent again (it keeps such a
 * ban until its own timer, if any, ends it). Nothing here runs SQL on a bouncer's request.
 * Memory, besides the index: about 120 bytes per decision (a journal entry and a map slot), and
 * as much per ended decision kept for the window.
 */

export interface DecisionFeedOptions {
  /** How often to read what other processes changed (ms); 0: only when `sync()` is called. Default 1000. */
  syncEveryMs?: number;
  /** How long additions and endings are kept for bouncers' deltas (ms). Default 24 h. */
  windowMs?: number;
  /** Entries kept at most in each journal. Default 200,000. */
  maxJournal?: number;
  /** How far before the last change seen each sync reads again (ms). Default 2000. */
  overlapMs?: number;
  /** Rows asked for per page while syncing. Default 10,000. */
  pageSize?: number;
}

const DAY_MS = 24 * 3600_000;
/** CrowdSec reads deletions from `last_pull - 2s`: a decision ending around a pull is not missed. */
export const DELETED_GRACE_MS = 2000;

/** A bouncer's position after a pull this process answered. */
export interface StreamCursor {
  seq: number;
}

export interface StreamAnswer {
  added: Decision[];
  deleted: Decision[];
  /** Where the bouncer stands after this answer. */
  cursor: StreamCursor;
}

function keyOf(d: Decision): string {
  return `${d.scope}\u0000${d.value}\u0000${d.type}`;
}

function byId(a: Decision, b: Decision): number {
  return a.id - b.id;
}

export class DecisionFeed {
  readonly index: DecisionIndex;
  private readonly known = new Map<number, Entry>();
  private readonly added = new Journal();
  private readonly ended = new Journal();
  /** Longest `until` among ended decisions per scope/value/type (CrowdSec reports only that one). */
  private readonly endedLongest = new Map<string, number>();
  private seq = 0;
  private cursor = 0;
  private readonly syncEveryMs: number;
  private readonly windowMs: number;
  private readonly maxJournal: number;
  private readonly overlapMs: number;
  private readonly pageSize: number;
  private loading: Promise<void> | null = null;
  private loaded = false;
  private syncing: Promise<number> | null = null;
  private nextSync: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: DecisionFeedOptions = {},
  ) {
    this.index = new DecisionIndex(clock);
    this.syncEveryMs = options.syncEveryMs ?? 1000;
    this.windowMs = options.windowMs ?? DAY_MS;
    this.maxJournal = options.maxJournal ?? 200_000;
    this.overlapMs = options.overlapMs ?? 2000;
    this.pageSize = options.pageSize ?? 10_000;
  }

  /** True once the store's decisions are loaded. */
  get ready(): boolean {
    return this.loaded;
  }

  /** Loads the store's decisions (once) and starts the sync timer; resolves when loaded. */
  start(): Promise<void> {
    if (this.loading === null) {
      this.loading = this.load();
      this.loading.then(
        () => this.startTimer(),
        () => undefined,
      );
    }
    return this.loading;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Decisions this process has just stored (with ids) or ended: bouncers see them at once. */
  notify(decisions: Iterable<Decision>): void {
    const now = this.clock.now();
    for (const d of decisions) this.apply(d, now);
  }

  /**
   * Reads what changed in the store since the last look and applies it; returns the rows read.
   * Calls made while one runs share the next run (one query at a time).
   */
  sync(): Promise<number> {
    if (this.syncing === null) {
      this.syncing = this.syncOnce().finally(() => {
        this.syncing = null;
      });
      return this.syncing;
    }
    // One is running and may have read before the caller's change: one more run, shared by all
    // the callers that come meanwhile.
    if (this.nextSync === null) {
      this.nextSync = this.syncing.then(
        () => this.runNext(),
        () => this.runNext(),
      );
    }
    return this.nextSync;
  }

  private runNext(): Promise<number> {
    this.nextSync = null;
    return this.sync();
  }

  /** Drops decisions whose time is over (recording them as ended) and old journal entries. */
  tick(now: number = this.clock.now()): void {
    const over = this.index.expire(now);
    for (const d of over) {
      const e = this.known.get(d.id);
      if (e !== undefined && !e.ended) this.end(d, now);
    }
    const before = now - this.windowMs;
    this.added.prune(before, this.maxJournal, () => undefined);
    this.ended.prune(before, this.maxJournal, (e) => {
      if (this.known.get(e.d.id) === e) this.known.delete(e.d.id);
      const k = keyOf(e.d);
      if (this.endedLongest.get(k) === e.d.until) this.endedLongest.delete(k);
    });
  }

  /**
   * `startup=true`: every active decision that no other on its scope/value/type outlasts, and the
   * decisions that ended in the last 24 h (CrowdSec sends those as `deleted` on start-up too).
   */
  startup(matcher: DecisionMatcher, now: number): StreamAnswer {
    this.tick(now);
    const added = this.allActive(matcher, now);
    const deleted = this.deletedFrom(this.ended.afterSeen(-Infinity), matcher, now, now - DAY_MS);
    return { added, deleted, cursor: { seq: this.seq } };
  }

  /**
   * `startup=false`: what was added and what ended since the bouncer's previous pull — `cursor`
   * when this process answered it, else `lastPull` (ms, the store's `last_pull`; null: never).
   */
  delta(cursor: StreamCursor | null, lastPull: number | null, matcher: DecisionMatcher, now: number): StreamAnswer {
    this.tick(now);
    const since = lastPull === null ? null : lastPull - DELETED_GRACE_MS;
    // Where the additions since the previous pull start in the journal; null when the journal
    // does not reach back that far (or the bouncer never pulled): then every active decision.
    let from: number | null = null;
    if (cursor !== null) {
      if (cursor.seq >= this.added.horizonSeq) from = this.added.afterSeq(cursor.seq);
    } else if (since !== null && since >= this.added.horizonSeen) {
      from = this.added.afterSeen(since);
    }
    let added: Decision[];
    if (from === null) {
      added = this.allActive(matcher, now);
    } else {
      added = [];
      for (let i = from; i < this.added.end; i++) {
        const e = this.added.at(i);
        const d = e.d;
        if (!e.ended && this.known.get(d.id) === e && d.until > now && matcher.matches(d) && !this.outlasted(d, matcher, now)) added.push(d);
      }
      added.sort(byId);
    }
    const endedFrom = cursor !== null ? this.ended.afterSeq(cursor.seq) : since !== null ? this.ended.afterSeen(since) : this.ended.first;
    const deleted = this.deletedFrom(endedFrom, matcher, now, -Infinity);
    return { added, deleted, cursor: { seq: this.seq } };
  }

  /** Every active decision the bouncer wants that none of those it wants outlasts, by id. */
  private allActive(matcher: DecisionMatcher, now: number): Decision[] {
    return longestPerValueAndType(this.index.active(now, matcher)).sort(byId);
  }

  /**
   * Does an active decision the bouncer wants, on the same scope, value and type, last longer
   * than `d`? Then `d` is not sent (CrowdSec's "longest decision per value and type"). Unlike
   * CrowdSec, decisions the bouncer does not get (simulated, filtered out) never hide one it gets.
   */
  private outlasted(d: Decision, matcher: DecisionMatcher, now: number): boolean {
    for (const o of this.index.lookupValue(undefined, d.value, now, matcher)) {
      if (o.until > d.until && o.type === d.type && o.scope === d.scope) return true;
    }
    return false;
  }

  private deletedFrom(from: number, matcher: DecisionMatcher, now: number, untilAfter: number): Decision[] {
    const out: Decision[] = [];
    for (let i = Math.max(from, this.ended.first); i < this.ended.end; i++) {
      const e = this.ended.at(i);
      const d = e.d;
      if (this.known.get(d.id) !== e || d.until <= untilAfter || d.until > now || !matcher.matches(d)) continue;
      // As CrowdSec: not when another decision on it lasts longer (active, or ended later).
      if (this.outlasted(d, matcher, now) || (this.endedLongest.get(keyOf(d)) ?? -Infinity) > d.until) continue;
      out.push(d);
    }
    return out.sort(byId);
  }

  private async load(): Promise<void> {
    const t0 = this.clock.now();
    const active = await this.store.listDecisions({ activeAt: t0, order: 'asc' });
    const ended = await this.store.listDecisions({ activeAt: t0 - this.windowMs, expiredBy: t0, order: 'desc', limit: this.maxJournal });
    // Learnt "when created" (at most now): a bouncer that pulled before then gets them as new.
    const entries = active.map((d): Entry => ({ d, seq: 0, seen: Math.min(d.createdAt, t0), ended: false }));
    entries.sort((a, b) => a.seen - b.seen);
    for (const e of entries) {
      if (this.known.has(e.d.id)) continue; // notified while loading: that is newer
      this.index.upsert(e.d);
      this.record(this.added, e, e.seen);
    }
    ended.sort((a, b) => a.until - b.until);
    for (const d of ended) {
      if (this.known.has(d.id)) continue;
      this.record(this.ended, { d, seq: 0, seen: d.until, ended: true }, d.until);
      this.noteEnded(d);
    }
    this.cursor = Math.max(this.cursor, t0);
    this.loaded = true;
    this.logger.info({ active: active.length, ended: ended.length }, 'decisions loaded');
  }

  private startTimer(): void {
    if (this.syncEveryMs <= 0 || this.timer !== null) return;
    this.timer = setInterval(() => {
      this.sync().catch(() => undefined);
    }, this.syncEveryMs);
    this.timer.unref();
  }

  private async syncOnce(): Promise<number> {
    if (!this.loaded) await this.start();
    let total = 0;
    try {
      let since = this.cursor - this.overlapMs;
      for (;;) {
        const rows = await this.store.decisionsChangedSince(since, this.pageSize);
        const now = this.clock.now();
        for (const row of rows) {
          // Rows read again (the overlap) change nothing: `apply` skips what it already has.
          if (row.updatedAt > this.cursor) this.cursor = row.updatedAt;
          const { updatedAt: _updatedAt, ...d } = row;
          this.apply(d, now);
        }
        total += rows.length;
        if (rows.length < this.pageSize) break;
        since = rows[rows.length - 1].updatedAt;
      }
      this.tick();
      if (this.failing) this.logger.info('decision sync works again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn({ err: errorMessage(err) }, 'decision sync failed');
      this.failing = true;
      throw err;
    }
    return total;
  }

  private apply(d: Decision, now: number): void {
    const e = this.known.get(d.id);
    if (d.until > now) {
      if (e !== undefined && !e.ended && e.d.until === d.until) return;
      this.index.upsert(d);
      this.record(this.added, { d, seq: 0, seen: 0, ended: false }, now);
    } else {
      if (e !== undefined && e.ended) return;
      if (e !== undefined) this.index.remove(d.id);
      this.end(d, now);
    }
  }

  private end(d: Decision, now: number): void {
    this.record(this.ended, { d, seq: 0, seen: 0, ended: true }, now);
    this.noteEnded(d);
  }

  private noteEnded(d: Decision): void {
    const k = keyOf(d);
    if ((this.endedLongest.get(k) ?? -Infinity) < d.until) this.endedLongest.set(k, d.until);
  }

  private record(journal: Journal, e: Entry, seen: number): void {
    e.seq = ++this.seq;
    journal.push(e, seen);
    this.known.set(e.d.id, e);
  }
}
