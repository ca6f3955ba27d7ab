import { randomUUID } from 'node:crypto';
import { formatGoDuration, type GoTime, type StringMap } from '../expr/index.js';
import { parseCIDR, parseIP } from '../ip/index.js';
import { OVFLW, type Event } from '../parse/index.js';
import type { Alert, AlertEvent, AlertSource, MetaItem } from './alert.js';
import { RuntimeAlertView, type SourceView } from './overflow-view.js';
import type { RuntimeScenario } from './runtime-scenario.js';

/**
 * What an overflowing bucket hands on: CrowdSec's RuntimeAlert, made of one alert per source found in
 * the bucket's events (usually one IP). Built with CrowdSec's rules (pkg/leakybucket/overflows.go):
 * sources from `Meta.source_ip` (or the scope expression), enrichment from `Enriched`, events as
 * sorted meta with their timestamps, and the human message. A reprocessed overflow poured into a
 * bucket brings its own sources, turned to the bucket's scope where CrowdSec can (Ip → Range).
 */

/** The part of an event a bucket keeps: enough for the alert, without holding the whole line. */
export interface QueuedEvent {
  timestamp: string;
  meta: StringMap;
  enriched: StringMap;
  /**
   * The whole event, kept when something reads it after the pour: a scope expression, a condition,
   * overflow_filter, or the sources of an overflow event.
   */
  evt: Event | null;
}

export interface Overflow {
  scenario: RuntimeScenario;
  bucketKey: string;
  alerts: Alert[];
  events: readonly QueuedEvent[];
  /** Time of the overflow (ms). */
  at: number;
  /** The same time as Go's time (the alert's StopAt; the overflow event's MarshaledTime). */
  overflowAt: GoTime;
  /** The scenario asks for the overflow to be poured back into the buckets as an event (`reprocess: true`). */
  reprocess: boolean;
  /** Why no alert came out, when `alerts` is empty (e.g. no valid source IP). */
  problem?: string;
}

export interface BucketSnapshot {
  key: string;
  first: GoTime;
  last: GoTime;
  overflowAt: GoTime;
  total: number;
  queue: readonly QueuedEvent[];
}

export function buildOverflow(s: RuntimeScenario, b: BucketSnapshot, atMs: number, scopeEnv: { evt: unknown }): Overflow {
  const { sources, problem: failed } = collectSources(s, b.queue, scopeEnv);
  // Overflow events whose sources do not fit the bucket's scope leave it with none (CrowdSec: no alert).
  const problem = failed ?? (sources.size === 0 ? `no source of scope ${s.scope} in the bucket's events` : undefined);
  const alerts: Alert[] = [];
  if (sources.size > 0) {
    const events = eventsFromQueue(b.queue);
    const sourceStr = sources.size > 1 ? `${sources.size} sources` : [...sources.keys()][0]!;
    const overTime = formatGoDuration(b.overflowAt.Sub(b.first).ns);
    const message = `${s.scope} ${sourceStr} performed '${s.name}' (${b.total} events over ${overTime}) at ${b.last.String()}`;
    for (const source of sources.values()) {
      alerts.push({
        uuid: randomUUID(),
        machineId: '',
        scenario: s.name,
        scenarioHash: s.hash,
        scenarioVersion: s.version,
        message,
        eventsCount: b.total,
        startAt: b.first.MarshalText(),
        stopAt: b.overflowAt.MarshalText(),
        capacity: s.capacity,
        leakspeed: s.leakspeed,
        simulated: s.simulated,
        remediation: s.remediation,
        source,
        events,
        meta: [],
        labels: [],
      });
    }
  }
  return { scenario: s, bucketKey: b.key, alerts, events: b.queue, at: atMs, overflowAt: b.overflowAt, reprocess: s.reprocess, problem };
}

function eventsFromQueue(queue: readonly QueuedEvent[]): AlertEvent[] {
  return queue.map((q) => {
    const keys = Object.keys(q.meta).sort();
    const meta: MetaItem[] = keys.map((k) => ({ key: k, value: q.meta[k]! }));
    return { timestamp: q.timestamp, meta };
  });
}

function collectSources(s: RuntimeScenario, queue: readonly QueuedEvent[], scopeEnv: { evt: unknown }): { sources: Map<string, AlertSource>; problem?: string } {
  const sources = new Map<string, AlertSource>();
  for (const q of queue) {
    if (q.evt !== null && q.evt.Type === OVFLW) {
      const problem = overflowEventSources(s, q.evt, sources, scopeEnv);
      if (problem !== undefined) return { sources: new Map(), problem };
    } else if (s.scope === 'Ip' || s.scope === 'Range') {
      const ip = q.meta.source_ip;
      if (ip === undefined) return { sources: new Map(), problem: `scope is ${s.scope} but Meta[source_ip] doesn't exist` };
      if (!parseIP(ip)) return { sources: new Map(), problem: `scope is ${s.scope} but '${ip}' isn't a valid ip` };
      const src: AlertSource = { scope: s.scope, value: '', ip };
      const asn = q.enriched.ASNumber ?? q.enriched.ASNNumber;
      if (asn !== undefined) src.asNumber = asn;
      if (q.enriched.IsoCode !== undefined) src.cn = q.enriched.IsoCode;
      if (q.enriched.ASNOrg !== undefined) src.asName = q.enriched.ASNOrg;
      if (q.enriched.Latitude !== undefined) src.latitude = Number.parseFloat(q.enriched.Latitude) || 0;
      if (q.enriched.Longitude !== undefined) src.longitude = Number.parseFloat(q.enriched.Longitude) || 0;
      const declared = q.meta.SourceRange;
      if (declared) {
        const net = parseCIDR(declared);
        if (!net) return { sources: new Map(), problem: `declared range ${declared} of ${ip} can't be parsed` };
        src.range = net.network.toString();
      }
      if (s.scope === 'Ip') {
        src.value = ip;
      } else {
        src.value = src.range ?? '';
        if (s.scopeExpr && q.evt) {
          const v = runScope(s, q.evt, scopeEnv);
          if (v === null) return { sources: new Map(), problem: 'the scope expression failed' };
          src.value = v;
        }
      }
      sources.set(src.value, src);
    } else {
      if (!s.scopeExpr || !q.evt) return { sources: new Map(), problem: 'empty scope information' };
      const v = runScope(s, q.evt, scopeEnv);
      if (v === null) return { sources: new Map(), problem: 'the scope expression failed' };
      sources.set(v, { scope: s.scope, value: v });
    }
  }
  return { sources };
}

/**
 * CrowdSec's overflowEventSources: a source of the bucket's scope is taken as it is; an Ip source
 * poured into a Range bucket becomes its range (or the scope expression's value), without its IP;
 * any other source, or an Ip source without a range, is left out (CrowdSec only warns).
 */
function overflowEventSources(s: RuntimeScenario, evt: Event, into: Map<string, AlertSource>, scopeEnv: { evt: unknown }): string | undefined {
  const view = evt.Overflow;
  if (!(view instanceof RuntimeAlertView)) return undefined;
  for (const key of Object.keys(view.Sources)) {
    const v = view.Sources[key]!;
    if (v.Scope === s.scope) {
      into.set(key, sourceOf(v, v.Scope, v.Value, true));
      continue;
    }
    if (s.scope !== 'Range' || v.Scope !== 'Ip') continue;
    let value = v.Range;
    if (s.scopeExpr) {
      const out = runScope(s, evt, scopeEnv);
      if (out === null) return 'the scope expression failed';
      value = out;
    }
    if (value !== '') into.set(value, sourceOf(v, 'Range', value, false));
  }
  return undefined;
}

function sourceOf(v: SourceView, scope: string, value: string, withIp: boolean): AlertSource {
  const src: AlertSource = { scope, value };
  if (withIp && v.IP !== '') src.ip = v.IP;
  if (v.Range !== '') src.range = v.Range;
  if (v.AsNumber !== '') src.asNumber = v.AsNumber;
  if (v.AsName !== '') src.asName = v.AsName;
  if (v.Cn !== '') src.cn = v.Cn;
  if (v.Latitude !== 0) src.latitude = v.Latitude;
  if (v.Longitude !== 0) src.longitude = v.Longitude;
  return src;
}

function runScope(s: RuntimeScenario, evt: Event, env: { evt: unknown }): string | null {
  env.evt = evt;
  try {
    const out = s.scopeExpr!.run(env);
    return typeof out === 'string' ? out : '';
  } catch {
    return null;
  } finally {
    env.evt = null;
  }
}
