import { GoDuration, GoTime } from '../expr/index.js';
import type { Event } from '../parse/index.js';
import type { QueuedEvent } from './overflow.js';
import { bucketMapkey } from './overflow-view.js';
import type { RuntimeScenario } from './runtime-scenario.js';
import { TokenBucket } from './token-bucket.js';

/**
 * One bucket: the state of a scenario for one `groupby` value (CrowdSec's Leaky), and the Go-shaped
 * views of it that `condition`, `bayesian_conditions` and `overflow_filter` read as `queue` and
 * `leaky`.
 */
export class Bucket {
  limiter: TokenBucket | null;
  /** The last events poured, as a ring (oldest at `head` once full): no shifting per event. */
  private ring: QueuedEvent[] = [];
  private head = 0;
  total = 0;
  firstMs = 0;
  lastMs = 0;
  first: GoTime | null = null;
  last: GoTime | null = null;
  /** When the bucket overflowed (set just before its overflow is built). */
  overflowAt: GoTime | null = null;
  distinct: Set<string> | null;
  /** Bayesian conditions that were true once, when they are guillotines (1 = fired). */
  guillotine: Uint8Array | null;
  private view: LeakyView | null = null;

  constructor(
    readonly key: string,
    readonly scenario: RuntimeScenario,
    /** Events the queue holds beyond the newest one (CrowdSec's queue keeps size + 1: the whole burst). */
    readonly queueSize: number,
    now: number,
  ) {
    this.limiter = scenario.type === 'leaky' ? new TokenBucket(scenario.capacity, scenario.leakMs, now) : null;
    this.distinct = scenario.distinct ? new Set() : null;
    this.guillotine = scenario.bayesian !== null ? new Uint8Array(scenario.bayesian.conditions.length) : null;
  }

  /** Adds an event, forgetting the oldest beyond queueSize + 1. */
  remember(q: QueuedEvent): void {
    const ring = this.ring;
    const limit = this.queueSize + 1;
    if (ring.length < limit) {
      ring.push(q);
    } else {
      ring[this.head] = q;
      this.head = this.head + 1 === limit ? 0 : this.head + 1;
    }
  }

  /** The remembered events, oldest first. */
  get queue(): QueuedEvent[] {
    return this.head === 0 ? this.ring : [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }

  /** CrowdSec's `queue`: a types.Queue whose `Queue` holds the whole events, oldest first. */
  queueView(): QueueView {
    const q = this.queue;
    const events: Event[] = new Array(q.length);
    for (let i = 0; i < q.length; i++) events[i] = q[i]!.evt!;
    return new QueueView(events, this.queueSize);
  }

  /** CrowdSec's `leaky`: the bucket itself, with Go's field names. */
  leakyView(): LeakyView {
    return (this.view ??= new LeakyView(this));
  }
}

/** pkg/types Queue: `Queue` is the slice of events, `L` the size it is bounded to. */
export class QueueView {
  static readonly goTypeName = '*types.Queue';
  constructor(
    readonly Queue: Event[],
    readonly L: number,
  ) {}

  GetQueue(): QueueView {
    return this;
  }
}

/** pkg/leakybucket Leaky, read-only: what a condition may ask of its bucket. */
export class LeakyView {
  static readonly goTypeName = '*leakybucket.Leaky';
  readonly #b: Bucket;

  constructor(b: Bucket) {
    this.#b = b;
  }

  get Name(): string {
    return this.#b.scenario.name;
  }
  get Mapkey(): string {
    return bucketMapkey(this.#b.scenario, this.#b.key);
  }
  get Capacity(): number {
    return this.#b.scenario.capacity;
  }
  get CacheSize(): number {
    return this.#b.scenario.cacheSize;
  }
  get Leakspeed(): GoDuration {
    return new GoDuration(this.#b.scenario.leakMs * 1e6);
  }
  get Duration(): GoDuration {
    return new GoDuration(this.#b.scenario.lifetimeMs * 1e6);
  }
  get Total_count(): number {
    return this.#b.total;
  }
  get First_ts(): GoTime {
    return this.#b.first ?? GoTime.zero();
  }
  get Last_ts(): GoTime {
    return this.#b.last ?? GoTime.zero();
  }
  get Ovflw_ts(): GoTime {
    return this.#b.overflowAt ?? GoTime.zero();
  }
  get Queue(): QueueView {
    return this.#b.queueView();
  }
  get Simulated(): boolean {
    return this.#b.scenario.simulated;
  }
  get Reprocess(): boolean {
    return this.#b.scenario.reprocess;
  }
}
