import type { Clock } from '../core/index.js';
import { compileGoLayout, GO_LAYOUTS, GoTime } from '../expr/index.js';
import { LIVE, OVFLW, type Event, type ExpectMode } from '../parse/index.js';
import { Bucket } from './bucket.js';
import { BucketProcessors, type ExprErrors } from './bucket-processors.js';
import { buildOverflow, type Overflow, type QueuedEvent } from './overflow.js';
import type { RuntimeScenario } from './runtime-scenario.js';

/**
 * The bucket engine: pours parsed events into the buckets of every scenario whose filter matches,
 * one bucket per scenario and `groupby` value, and hands on overflows. Semantics follow CrowdSec's
 * leakybucket package: leaky, trigger, counter, conditional and bayesian buckets; distinct,
 * cancel_on, condition, overflow_filter, blackhole and cache_size, applied in the order of CrowdSec's
 * processors. Time is the wall clock when following live logs and the time written in the lines
 * when replaying. Overflow events (Type OVFLW, from `overflowEvent`) are poured like any other:
 * that is how `reprocess: true` scenarios feed scenarios about overflows.
 *
 * Memory is bounded: buckets that have been idle for their lifetime are dropped (CrowdSec's
 * underflow), each scenario keeps at most `maxBuckets` buckets, evicting the least recently used
 * one when a flood of distinct sources arrives, and a bucket of unbounded capacity (counter,
 * conditional, bayesian) remembers its last 1000 events unless cache_size says otherwise.
 */

export interface ScenarioStats {
  name: string;
  /** Events that matched the filter and reached a bucket. */
  poured: number;
  overflows: number;
  /** Overflows discarded because the same bucket key overflowed within `blackhole`. */
  blackholed: number;
  /** Overflows discarded because `overflow_filter` said false. */
  filtered: number;
  /** Buckets destroyed without overflow by an event `cancel_on` took. */
  canceled: number;
  instantiated: number;
  underflows: number;
  evicted: number;
  /** Expressions (filter, groupby, distinct, cancel_on, condition, overflow_filter) that failed or returned the wrong type. */
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

/** Events kept by a bucket whose capacity is unbounded (-1) and that has no cache_size. */
const UNBOUNDED_QUEUE = 1000;

class ScenarioState implements ExprErrors {
  readonly buckets = new Map<string, Bucket>();
  readonly blackhole = new Map<string, number>();
  readonly queueSize: number;
  /** Buckets die after `lifetimeMs` without events (leaky, conditional, bayesian). */
  readonly idleExpiry: boolean;
  readonly stats: ScenarioStats;

  constructor(
    readonly s: RuntimeScenario,
    private readonly onExprError: BucketEngineOptions['onExprError'],
  ) {
    // CrowdSec sizes the queue by the capacity, or by cache_size when smaller or when unbounded.
    const cap = s.type === 'trigger' ? 1 : s.capacity >= 0 ? s.capacity : UNBOUNDED_QUEUE;
    this.queueSize = s.cacheSize > 0 && (s.cacheSize <= cap || s.capacity === -1) ? s.cacheSize : cap;
    this.idleExpiry = s.type === 'leaky' || s.type === 'conditional' || s.type === 'bayesian';
    this.stats = {
      name: s.name,
      poured: 0,
      overflows: 0,
      blackholed: 0,
      filtered: 0,
      canceled: 0,
      instantiated: 0,
      underflows: 0,
      evicted: 0,
      errors: 0,
      active: 0,
    };
  }

  exprError(what: string, err: unknown): void {
    this.stats.errors++;
    this.onExprError?.(this.s.name, what, err instanceof Error ? err.message : String(err));
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
  private readonly processors = new BucketProcessors();
  /** Latest time seen (the virtual "now" when replaying). */
  private now = 0;
  private readonly hasTriggers: boolean;
  /** Events that could not be timed (replay without a parsable date): CrowdSec drops them too. */
  untimed = 0;

  constructor(scenarios: readonly RuntimeScenario[], opts: BucketEngineOptions) {
    this.states = scenarios.map((s) => new ScenarioState(s, opts.onExprError));
    this.hasTriggers = scenarios.some((s) => s.type === 'trigger');
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
  }

  get scenarios(): readonly RuntimeScenario[] {
    return this.states.map((st) => st.s);
  }

  /** The time the engine has reached (ms): wall clock live, the newest line's time in replay. */
  get time(): number {
    return this.mode === LIVE ? this.clock.now() : this.now;
  }

  /**
   * Pours one event: a parsed log line, or an overflow event (Type OVFLW, `evt.Overflow` the view
   * `overflowEvent` builds). Overflows are passed to `emit` as they happen. Returns how many
   * scenarios took the event. Pour a reprocessed overflow after the pour that emitted it returns
   * (queue it in `emit`), as CrowdSec does; a pour from within `emit` works but sees the overflow
   * before the other scenarios have taken the event at hand.
   */
  pour(evt: Event, emit: (o: Overflow) => void): number {
    let t: number;
    let time: GoTime;
    // In replay, an event without a date only reaches trigger buckets, which overflow at the wall
    // clock's time (CrowdSec's TimeMachinePour drops it; its trigger falls back to time.Now()).
    let untimed = false;
    if (this.mode === LIVE) {
      t = this.clock.now();
      time = GoTime.fromMillis(t);
    } else {
      const parsed = eventTime(evt);
      if (parsed === null) {
        this.untimed++;
        if (!this.hasTriggers) return 0;
        untimed = true;
        t = this.clock.now();
        time = GoTime.fromMillis(t);
      } else {
        time = parsed;
        t = parsed.toMillis();
      }
    }
    if (!untimed && t > this.now) this.now = t;

    const env = this.env;
    const outer = env.evt;
    env.evt = evt;
    let taken = 0;
    const epoch = (this.epoch = (this.epoch + 1) >>> 0 || 1);
    try {
      const states = this.states;
      for (let i = 0; i < states.length; i++) {
        const st = states[i]!;
        const s = st.s;
        if (untimed && s.type !== 'trigger') continue;
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
            st.exprError('filter', err);
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
            st.exprError('groupby', err);
            continue;
          }
          if (typeof g !== 'string') {
            st.exprError('groupby', new Error(`groupby returned ${g === null ? 'nil' : typeof g}, not a string`));
            continue;
          }
          key = g;
        }
        if (this.pourInto(st, key, evt, t, time, emit)) taken++;
        env.evt = evt;
      }
    } finally {
      env.evt = outer;
    }
    return taken;
  }

  /** One event into one scenario's bucket, through CrowdSec's processors in their order. */
  private pourInto(st: ScenarioState, key: string, evt: Event, t: number, time: GoTime, emit: (o: Overflow) => void): boolean {
    const s = st.s;
    let b = st.buckets.get(key);
    if (b !== undefined && st.idleExpiry && t > b.lastMs + s.lifetimeMs) {
      // The bucket would have underflowed before this event: start afresh.
      st.buckets.delete(key);
      st.stats.underflows++;
      b = undefined;
    }
    if (b !== undefined && s.type === 'counter' && t >= b.firstMs + s.durationMs) {
      this.overflow(st, b, b.firstMs + s.durationMs, GoTime.fromMillis(b.firstMs + s.durationMs), emit);
      b = undefined;
    }

    // A trigger overflows before distinct and cancel_on could look at the event (CrowdSec's order).
    let distinctValue: string | null = null;
    if (s.type !== 'trigger') {
      if (s.distinct !== null) {
        let v: unknown;
        try {
          v = s.distinct.run(this.env);
        } catch (err) {
          st.exprError('distinct', err);
          v = null;
        }
        if (typeof v === 'string') {
          if (b !== undefined && b.distinct!.has(v)) return false;
          distinctValue = v;
        }
      }
      if (s.cancelOn !== null && this.processors.isTrue(st, 'cancel_on', s.cancelOn, this.env)) {
        // The bucket dies without overflowing, and the event goes nowhere.
        if (b !== undefined) st.buckets.delete(key);
        st.stats.canceled++;
        return false;
      }
    }

    if (b === undefined) {
      b = new Bucket(key, s, st.queueSize, t);
      st.stats.instantiated++;
      if (st.buckets.size >= this.maxBuckets) {
        const oldest = st.buckets.keys().next().value as string;
        st.buckets.delete(oldest);
        st.stats.evicted++;
      }
      st.buckets.set(key, b);
    } else if (st.idleExpiry) {
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
      evt: s.keepEvents || evt.Type === OVFLW ? evt : null,
    };
    // CrowdSec's queue holds one event more than its size (pkg/leakybucket/queue.go: the whole burst).
    b.remember(q);

    if (s.type === 'trigger' || (s.type === 'leaky' && !b.limiter!.allow(t))) {
      this.overflow(st, b, t, time, emit);
    } else if (s.condition !== null && this.processors.conditionHolds(st, b, evt)) {
      this.overflow(st, b, t, time, emit);
    } else if (s.bayesian !== null && this.processors.bayesianOverflows(st, b, evt)) {
      this.overflow(st, b, t, time, emit);
    }
    return true;
  }

  /**
   * The bucket overflows: it is gone, then CrowdSec's overflow processors run in order —
   * overflow_filter (false discards the overflow), blackhole (a repeat of the key within it is
   * discarded) — and what is left is emitted.
   */
  private overflow(st: ScenarioState, b: Bucket, at: number, atTime: GoTime, emit: (o: Overflow) => void): void {
    st.buckets.delete(b.key);
    b.overflowAt = atTime;
    const s = st.s;
    let o: Overflow | null = null;
    if (s.overflowFilter !== null) {
      o = this.build(st, b, at, atTime);
      if (!this.processors.overflowPasses(st, b, o)) {
        st.stats.filtered++;
        return;
      }
    }
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
    emit(o ?? this.build(st, b, at, atTime));
  }

  private build(st: ScenarioState, b: Bucket, at: number, atTime: GoTime): Overflow {
    return buildOverflow(st.s, { key: b.key, first: b.first!, last: b.last!, overflowAt: atTime, total: b.total, queue: b.queue }, at, this.scopeEnv);
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
      } else if (st.idleExpiry) {
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
