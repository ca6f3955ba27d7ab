import type { Line } from '../acquisition/index.js';
import type { Clock, Logger } from '../core/index.js';
import type { DecisionHistory, NewDecision } from '../decisions/index.js';
import type { Decide } from './decider.js';
import { newLogEvent, NodeRuntimeError, type ExpectMode, type NodeCounters, type NodeIssues, type ParserPipeline } from '../parse/index.js';
import { applyOverflowView, overflowEvent, type Alert, type BucketEngine, type Overflow, type RuntimeAlertView } from '../scenarios/index.js';

/**
 * The engine of one agent, line by line: parse → whitelist → buckets → overflows → profiles →
 * decisions. Synchronous and allocation-light on the hot path; what it produces (alerts with their
 * decisions, counter increments) waits in memory until the runner takes it with `drain()` and stores
 * it in one transaction together with the read positions of the lines that produced it.
 */

export interface AlertWithDecisions {
  alert: Alert;
  decisions: NewDecision[];
}

export interface Drained {
  alerts: AlertWithDecisions[];
  /** Counter increments since the previous drain, by Prometheus-style name. */
  counters: Record<string, number>;
}

export interface PipelineDeps {
  parser: ParserPipeline;
  /** Parsers overflows go through before they become alerts (whitelists, IPv6 to range…). */
  postoverflows: ParserPipeline | null;
  engine: BucketEngine;
  /** Alert → decisions; null for an agent that pushes its alerts to a local API (which decides). */
  decide: Decide | null;
  history: DecisionHistory;
  mode: ExpectMode;
  /** Wall clock: decisions last from the moment they are made, even when replaying old logs. */
  clock: Clock;
  logger: Logger;
  /** Parser node counters by node name (from the content loader). */
  nodeCounters: ReadonlyMap<string, NodeCounters>;
}

class SourceCounters {
  read = 0;
  parsed = 0;
  unparsed = 0;
  whitelisted = 0;
  poured = 0;
  constructor(readonly labels: string) {}
}

const LOG_EVERY = 1000;

export class Pipeline implements NodeIssues {
  private readonly deps: PipelineDeps;
  private readonly bySource = new Map<string, SourceCounters>();
  private readonly issueCounts = new Map<string, number>();
  private pending: AlertWithDecisions[] = [];
  private readonly emit: (o: Overflow) => void;
  private readonly totals = new Map<string, number>();
  private lastTick = 0;

  constructor(deps: PipelineDeps) {
    this.deps = deps;
    this.emit = (o) => this.onOverflow(o);
  }

  /** Parses and pours one line. */
  processLine(line: Line): void {
    const c = this.countersFor(line);
    c.read++;
    const evt = newLogEvent(line, this.deps.mode);
    let ok: boolean;
    try {
      ok = this.deps.parser.parse(evt, this);
    } catch (err) {
      if (!(err instanceof NodeRuntimeError)) throw err;
      this.report('static_error', '', err.message);
      ok = false;
    }
    if (!ok) {
      c.unparsed++;
      return;
    }
    c.parsed++;
    if (evt.Whitelisted) {
      c.whitelisted++;
      return;
    }
    if (this.deps.engine.pour(evt, this.emit) > 0) c.poured++;
  }

  processBatch(lines: readonly Line[]): void {
    for (let i = 0; i < lines.length; i++) this.processLine(lines[i]!);
    const now = this.deps.engine.time;
    // Housekeeping once per second of (event or wall) time: idle buckets go, counters fire.
    if (now - this.lastTick >= 1000) {
      this.lastTick = now;
      this.deps.engine.tick(this.emit, now);
    }
  }

  /** Housekeeping when no line arrives (live mode timer). */
  tick(): void {
    this.deps.engine.tick(this.emit);
  }

  private lastSrc = '';
  private lastLabels: Record<string, string> | null = null;
  private lastCounters: SourceCounters | null = null;

  private countersFor(line: Line): SourceCounters {
    // Hot path: consecutive lines nearly always come from the same source.
    if (line.labels === this.lastLabels && line.src === this.lastSrc && this.lastCounters !== null) return this.lastCounters;
    const c = this.countersBySource(line);
    this.lastSrc = line.src;
    this.lastLabels = line.labels;
    this.lastCounters = c;
    return c;
  }

  private countersBySource(line: Line): SourceCounters {
    const key = line.src + '\u0000' + (line.labels.type ?? '');
    let c = this.bySource.get(key);
    if (c === undefined) {
      c = new SourceCounters(`source="${escapeLabel(line.src)}",type="${escapeLabel(line.labels.type ?? '')}"`);
      this.bySource.set(key, c);
    }
    return c;
  }

  private onOverflow(o: Overflow): void {
    if (o.alerts.length === 0) {
      this.report('overflow_without_source', o.scenario.name, o.problem ?? 'no source');
      return;
    }
    if (this.deps.postoverflows !== null || o.reprocess) {
      // CrowdSec's order: postoverflows, then a whitelisted overflow stops there; a reprocessed one
      // goes back into the buckets as the postoverflows left it, and still becomes an alert.
      const evt = overflowEvent(o, this.deps.clock.now());
      const view = evt.Overflow as RuntimeAlertView;
      if (this.deps.postoverflows !== null) {
        try {
          this.deps.postoverflows.parse(evt, this);
        } catch (err) {
          if (!(err instanceof NodeRuntimeError)) throw err;
          this.report('static_error', 'postoverflow', err.message);
        }
        if (view.Whitelisted) {
          this.bump(`alerts_whitelisted_total{scenario="${escapeLabel(o.scenario.name)}"}`, 1);
          return;
        }
        applyOverflowView(o, view);
      }
      if (o.reprocess) this.deps.engine.pour(evt, this.emit);
    }
    const now = this.deps.clock.now();
    for (const alert of o.alerts) {
      this.bump(`bucket_overflows_total{scenario="${escapeLabel(alert.scenario)}"}`, 1);
      // The same scenario overflowing again on a source that is already under a decision it alerted
      // about: in live operation the bouncer stops such traffic; when it does not (replays, no
      // bouncer) the repeat says nothing new, so it is counted rather than stored again.
      const quietKey = alert.source.value + '\u0000' + alert.scenario;
      const quietUntil = this.quiet.get(quietKey);
      if (quietUntil !== undefined && quietUntil > now) {
        this.bump(`alerts_repeated_total{scenario="${escapeLabel(alert.scenario)}"}`, 1);
        continue;
      }
      const decisions = this.deps.decide ? this.deps.decide(alert) : [];
      this.pending.push({ alert, decisions });
      let until = 0;
      for (const d of decisions) if (!d.simulated && d.until > until) until = d.until;
      if (until === 0) until = this.deps.history.activeUntil(alert.source.value, 'ban');
      if (until > now) this.rememberQuiet(quietKey, until, now);
    }
  }

  /** Sources whose scenario already alerted while a decision applies to them: key → until (ms). */
  private readonly quiet = new Map<string, number>();

  private rememberQuiet(key: string, until: number, now: number): void {
    if (this.quiet.size >= 100_000) for (const [k, u] of this.quiet) if (u <= now) this.quiet.delete(k);
    this.quiet.set(key, until);
  }

  report(kind: string, where: string, detail: string): void {
    const key = `${kind}\u0000${where}`;
    const n = (this.issueCounts.get(key) ?? 0) + 1;
    this.issueCounts.set(key, n);
    this.bump(`pipeline_errors_total{kind="${kind}"}`, 1);
    if (n === 1 || n % LOG_EVERY === 0) this.deps.logger.warn({ kind, where, detail, occurrences: n }, 'content error');
  }

  /** Counts something that happened outside the line path (the decider's outcomes). */
  count(name: string, by = 1): void {
    this.bump(name, by);
  }

  private bump(name: string, by: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + by);
  }

  /** Takes what was produced since the last drain. */
  drain(): Drained {
    const counters: Record<string, number> = {};
    for (const c of this.bySource.values()) {
      addIf(counters, `lines_read_total{${c.labels}}`, c.read);
      addIf(counters, `lines_parsed_total{${c.labels}}`, c.parsed);
      addIf(counters, `lines_unparsed_total{${c.labels}}`, c.unparsed);
      addIf(counters, `lines_whitelisted_total{${c.labels}}`, c.whitelisted);
      addIf(counters, `lines_poured_total{${c.labels}}`, c.poured);
      c.read = c.parsed = c.unparsed = c.whitelisted = c.poured = 0;
    }
    for (const [name, nc] of this.deps.nodeCounters) {
      const labels = `name="${escapeLabel(name)}"`;
      addIf(counters, `parser_hits_total{${labels}}`, nc.hits);
      addIf(counters, `parser_hits_ok_total{${labels}}`, nc.ok);
      addIf(counters, `parser_hits_ko_total{${labels}}`, nc.ko);
      nc.hits = nc.ok = nc.ko = 0;
    }
    for (const [name, n] of this.totals) addIf(counters, name, n);
    this.totals.clear();
    const alerts = this.pending;
    this.pending = [];
    return { alerts, counters };
  }
}

function addIf(out: Record<string, number>, name: string, n: number): void {
  if (n !== 0) out[name] = (out[name] ?? 0) + n;
}

function escapeLabel(s: string): string {
  return s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}
