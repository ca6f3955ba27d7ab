import type { Clock } from '../core/index.js';
import { compileGoLayout, GO_LAYOUTS, GoTime } from '../expr/index.js';
import { LIVE, type Event, type ExpectMode } from '../parse/index.js';
import { buildOverflow, type Overflow, type QueuedEvent } from './overflow.js';
import type { RuntimeScenario } from './runtime-scenario.js';
import { TokenBucket } from './token-bucket.js';

/**
 * The bucket engine: pours parsed events into the buckets of every scenario whose filter matches,
 * one bucket per scenario and `groupby` value, and hands on overflows. Semantics follow CrowdSec's
 * leakybucket package (leaky, trigger and counter buckets; distinct; blackhole; cache_size); time is
 * the wall clock when following live logs and the time written in the lines when replaying.
 *
 * Memory is bounded: buckets that have been idle for their lifetime are dropped (CrowdSec's
 * underflow), and each scenario keeps at most `maxBuckets` buckets, evicting the least recently
 * used one when a flood of distinct sources arrives.
 */

export interface ScenarioStats {
  name: string;
  /** Events that matched the filter and reached a bucket. */
  poured: number;
  overflows: number;
  /** Overflows discarded because the same bucket key overflowed within `blackhole`. */
  blackholed: number;
  instantiated: number;
  underflows: number;
  evicted: number;
  /** Filter, groupby or distinct expressions that failed or returned the wrong type. */
  errors: number;
  active: number;
}

export interface BucketEngineOptions {
  mode: ExpectMode;
  clock: Clock;
  /** Upper bound of live buckets per scenario (default 100,000). */
  maxBuckets?: number;
  onExprError?(scenario: string, what: string, detail: string): void;
}

class Bucket {
  limiter: TokenBucket | null;
  /** The last events poured, as a ring (oldest at `head` once full): no shifting per event. */
  private ring: QueuedEvent[] = [];
  private head = 0;

  /** Adds an event, forgetting the oldest beyond `limit`. */
  remember(q: QueuedEvent, limit: number): void {
    const ring = this.ring;
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
  total = 0;
  firstMs = 0;
  lastMs = 0;
  first: GoTime | null = null;
  last: GoTime | null = null;
  distinct: Set<string> | null;

  constructor(
    readonly key: string,
    s: RuntimeScenario,
    now: number,
  ) {
    this.limiter = s.type === 'leaky' ? new TokenBucket(s.capacity, s.leakMs, now) : null;
    this.distinct = s.distinct ? new Set() : null;
  }
}

class ScenarioState {
  readonly buckets = new Map<string, Bucket>();
  readonly blackhole = new Map<string, number>();
  readonly queueSize: number;
  readonly stats: ScenarioStats;

  constructor(readonly s: RuntimeScenario) {
    const cap = s.type === 'leaky' ? s.capacity : s.type === 'trigger' ? 1 : 1000;
    this.queueSize = s.cacheSize > 0 && (s.cacheSize <= cap || s.type === 'counter') ? s.cacheSize : cap;
    this.stats = { name: s.name, poured: 0, overflows: 0, blackholed: 0, instantiated: 0, underflows: 0, evicted: 0, errors: 0, active: 0 };
  }
}

export class BucketEngine {
  private readonly states: ScenarioState[];
  /**
   * Scenarios with the same filter text (a fast and a slow variant of one behaviour) share one
   * evaluation per event: `filterGroup[i]` is the group of scenario i, and a group's answer is
   * remembered for the event being poured (`groupEpoch` says for which one).
   */
  private readonly filterGroup: number[];
  private readonly groupAnswer: Uint8Array;
  private readonly groupEpoch: Uint32Array;
  private epoch = 0;
  private readonly mode: ExpectMode;
  private readonly clock: Clock;
  private readonly maxBuckets: number;
  private readonly env: { evt: Event | null } = { evt: null };
  private readonly scopeEnv: { evt: unknown } = { evt: null };
  private readonly onExprError: BucketEngineOptions['onExprError'];
  /** Latest time seen (the virtual "now" when replaying). */
  private now = 0;
  /** Events that could not be timed (replay without a parsable date): CrowdSec drops them too. */
  untimed = 0;

  constructor(scenarios: readonly RuntimeScenario[], opts: BucketEngineOptions) {
    this.states = scenarios.map((s) => new ScenarioState(s));
    const groups = new Map<string, number>();
    this.filterGroup = scenarios.map((s) => {
      let g = groups.get(s.filter.source);
      if (g === undefined) {
        g = groups.size;
        groups.set(s.filter.source, g);
      }
      return g;
    });
    this.groupAnswer = new Uint8Array(groups.size);
    this.groupEpoch = new Uint32Array(groups.size);
    this.mode = opts.mode;
    this.clock = opts.clock;
    this.maxBuckets = opts.maxBuckets ?? 100_000;
    this.onExprError = opts.onExprError;
  }

  get scenarios(): readonly RuntimeScenario[] {
    return this.states.map((st) => st.s);
  }

  /** The time the engine has reached (ms): wall clock live, the newest line's time in replay. */
  get time(): number {
    return this.mode === LIVE ? this.clock.now() : this.now;
  }

  /**
   * Pours one parsed event. Overflows are passed to `emit` as they happen. Returns how many
   * scenarios took the event.
   */
  pour(evt: Event, emit: (o: Overflow) => void): number {
    let t: number;
    let time: GoTime;
    if (this.mode === LIVE) {
      t = this.clock.now();
      time = GoTime.fromMillis(t);
    } else {
      const parsed = eventTime(evt);
      if (parsed === null) {
        this.untimed++;
        return 0;
      }
      time = parsed;
      t = parsed.toMillis();
    }
    if (t > this.now) this.now = t;

    const env = this.env;
    env.evt = evt;
    let taken = 0;
    const epoch = (this.epoch = (this.epoch + 1) >>> 0 || 1);
    try {
      const states = this.states;
      for (let i = 0; i < states.length; i++) {
        const st = states[i]!;
        const s = st.s;
        const group = this.filterGroup[i]!;
        if (this.groupEpoch[group] === epoch) {
          if (this.groupAnswer[group] !== 1) continue;
        } else {
          this.groupEpoch[group] = epoch;
          this.groupAnswer[group] = 0;
          let out: unknown;
          try {
            out = s.filter.run(env);
          } catch (err) {
            this.exprError(st, 'filter', err);
            continue;
          }
          if (out !== true) continue;
          this.groupAnswer[group] = 1;
        }
        let key = '';
        if (s.groupby !== null) {
          let g: unknown;
          try {
            g = s.groupby.run(env);
          } catch (err) {
            this.exprError(st, 'groupby', err);
            continue;
          }
          if (typeof g !== 'string') {
            this.exprError(st, 'groupby', new Error(`groupby returned ${g === null ? 'nil' : typeof g}, not a string`));
            continue;
          }
          key = g;
        }
        if (this.pourInto(st, key, evt, t, time, emit)) taken++;
      }
    } finally {
      env.evt = null;
    }
    return taken;
  }

  private pourInto(st: ScenarioState, key: string, evt: Event, t: number, time: GoTime, emit: (o: Overflow) => void): boolean {
    const s = st.s;
    let b = st.buckets.get(key);
    if (b !== undefined && s.type === 'leaky' && t > b.lastMs + s.lifetimeMs) {
      // The bucket would have underflowed before this event: start afresh.
      st.buckets.delete(key);
      st.stats.underflows++;
      b = undefined;
    }
    if (b !== undefined && s.type === 'counter' && t >= b.firstMs + s.durationMs) {
      this.overflow(st, b, b.firstMs + s.durationMs, GoTime.fromMillis(b.firstMs + s.durationMs), emit);
      b = undefined;
    }

    let distinctValue: string | null = null;
    if (s.distinct !== null) {
      let v: unknown;
      try {
        v = s.distinct.run(this.env);
      } catch (err) {
        this.exprError(st, 'distinct', err);
        v = null;
      }
      if (typeof v === 'string') {
        if (b !== undefined && b.distinct!.has(v)) return false;
        distinctValue = v;
      }
    }

    if (b === undefined) {
      b = new Bucket(key, s, t);
      st.stats.instantiated++;
      if (st.buckets.size >= this.maxBuckets) {
        const oldest = st.buckets.keys().next().value as string;
        st.buckets.delete(oldest);
        st.stats.evicted++;
      }
      st.buckets.set(key, b);
    } else if (s.type === 'leaky') {
      // Keep the map in least-recently-poured order, so eviction and expiry start from the oldest.
      st.buckets.delete(key);
      st.buckets.set(key, b);
    }
    if (distinctValue !== null) b.distinct!.add(distinctValue);
    st.stats.poured++;

    b.total++;
    if (b.first === null) {
      b.first = time;
      b.firstMs = t;
    }
    b.last = time;
    b.lastMs = t;

    const q: QueuedEvent = {
      timestamp: evt.MarshaledTime !== '' ? evt.MarshaledTime : evt.Time.MarshalText(),
      meta: evt.Meta,
      enriched: evt.Enriched,
      evt: s.scopeExpr !== null ? evt : null,
    };
    // CrowdSec's queue holds one event more than its size (pkg/leakybucket/queue.go: the whole burst).
    b.remember(q, st.queueSize + 1);

    if (s.type === 'trigger') {
      this.overflow(st, b, t, time, emit);
    } else if (s.type === 'leaky' && !b.limiter!.allow(t)) {
      this.overflow(st, b, t, time, emit);
    }
    return true;
  }

  private overflow(st: ScenarioState, b: Bucket, at: number, atTime: GoTime, emit: (o: Overflow) => void): void {
    st.buckets.delete(b.key);
    const s = st.s;
    if (s.blackholeMs > 0) {
      const until = st.blackhole.get(b.key);
      if (until !== undefined && until > at) {
        st.stats.blackholed++;
        return;
      }
      st.blackhole.delete(b.key);
      st.blackhole.set(b.key, at + s.blackholeMs);
    }
    st.stats.overflows++;
    emit(buildOverflow(s, { key: b.key, first: b.first!, last: b.last!, overflowAt: atTime, total: b.total, queue: b.queue }, at, this.scopeEnv));
  }

  /**
   * Housekeeping at time `now` (default: the engine's time): drops idle buckets, fires counters whose
   * duration has passed, forgets expired blackholes.
   */
  tick(emit: (o: Overflow) => void, now: number = this.time): void {
    for (const st of this.states) {
      const s = st.s;
      if (s.type === 'counter') {
        for (const b of st.buckets.values()) {
          if (b.firstMs + s.durationMs > now) break;
          this.overflow(st, b, b.firstMs + s.durationMs, GoTime.fromMillis(b.firstMs + s.durationMs), emit);
        }
      } else if (s.type === 'leaky') {
        for (const b of st.buckets.values()) {
          if (b.lastMs + s.lifetimeMs >= now) break;
          st.buckets.delete(b.key);
          st.stats.underflows++;
        }
      }
      for (const [key, until] of st.blackhole) {
        if (until > now) break;
        st.blackhole.delete(key);
      }
    }
  }

  /** Names of the scenarios whose filter takes `evt` (explain); nothing is poured. */
  matchingScenarios(evt: Event): string[] {
    const env = { evt };
    const out: string[] = [];
    for (const st of this.states) {
      try {
        if (st.s.filter.run(env) === true) out.push(st.s.name);
      } catch {
        // an erroring filter does not take the event
      }
    }
    return out;
  }

  stats(): ScenarioStats[] {
    return this.states.map((st) => ({ ...st.stats, active: st.buckets.size }));
  }

  private exprError(st: ScenarioState, what: string, err: unknown): void {
    st.stats.errors++;
    this.onExprError?.(st.s.name, what, err instanceof Error ? err.message : String(err));
  }
}

const RFC3339 = compileGoLayout(GO_LAYOUTS.RFC3339);


/** The time of an event in replay: its MarshaledTime (RFC 3339), parsed once by the date enricher. */
function eventTime(evt: Event): GoTime | null {
  if (evt.MarshaledTime === '') return null;
  if (evt.timeValue !== null && evt.timeText === evt.MarshaledTime) return evt.timeValue;
  const t = RFC3339.parse(evt.MarshaledTime);
  if (t !== null) {
    evt.timeText = evt.MarshaledTime;
    evt.timeValue = t;
  }
  return t;
}
