import { createHash } from 'node:crypto';
import { createStringMap } from '../expr/index.js';
import { Event, EventLine, LIVE, OVFLW } from '../parse/index.js';
import type { Alert, AlertEvent, AlertSource, MetaItem } from './alert.js';
import type { Overflow } from './overflow.js';
import type { RuntimeScenario } from './runtime-scenario.js';

/**
 * An overflow as CrowdSec content sees it: `evt.Overflow` in postoverflow parsers and in scenarios
 * fed with reprocessed overflows, `signal` in overflow_filter, `results[i].Overflow` in hubtest's
 * scenario asserts. The shapes are CrowdSec's Go types with their Go names — pkg/types RuntimeAlert
 * holding pkg/models Alert, Source, Event and MetaItems0 — and the helper methods pkg/models defines
 * on them (GetScenario, GetEventsCount, GetScope, GetValue, GetMeta, GetSources). Go pointer fields
 * (`*string`, `*int32`) read as their values; the fields are plain and writable, because
 * postoverflow statics set them (`evt.Overflow.Alert.Source.Value`).
 */

/** models.Source. */
export class SourceView {
  static readonly goTypeName = 'models.Source';
  AsName = '';
  AsNumber = '';
  Cn = '';
  IP = '';
  Latitude = 0;
  Longitude = 0;
  Range = '';
  Scope = '';
  Value = '';

  static from(src: AlertSource): SourceView {
    const v = new SourceView();
    v.AsName = src.asName ?? '';
    v.AsNumber = src.asNumber ?? '';
    v.Cn = src.cn ?? '';
    v.IP = src.ip ?? '';
    v.Latitude = src.latitude ?? 0;
    v.Longitude = src.longitude ?? 0;
    v.Range = src.range ?? '';
    v.Scope = src.scope;
    v.Value = src.value;
    return v;
  }

  GetValue(): string {
    return this.Value;
  }

  GetScope(): string {
    return this.Scope;
  }

  GetAsNumberName(): string {
    let out = this.AsNumber !== '0' ? this.AsNumber : '';
    if (this.AsName !== '') out += ' ' + this.AsName;
    return out;
  }

  String(): string {
    if (this.Scope === '') return 'empty source';
    let cn = this.Cn;
    if (this.AsNumber !== '') cn += '/' + this.AsNumber;
    if (cn !== '') cn = ` (${cn})`;
    if (this.Scope === 'Ip') return `ip ${this.Value}${cn}`;
    if (this.Scope === 'Range') return `range ${this.Value}${cn}`;
    return `${this.Scope} ${this.Value}`;
  }
}

/** models.MetaItems0: one key/value of an event's or an alert's meta. */
export class MetaItemView {
  static readonly goTypeName = 'models.MetaItems0';
  constructor(
    public Key: string,
    public Value: string,
  ) {}
}

/** models.Event: an event of the alert, its meta sorted by key. */
export class EventView {
  static readonly goTypeName = 'models.Event';
  constructor(
    public Timestamp: string,
    public Meta: MetaItemView[],
  ) {}

  GetMeta(key: string): string {
    return metaValue(this.Meta, key);
  }
}

/** models.Alert, one per source of the overflow. */
export class AlertView {
  static readonly goTypeName = 'models.Alert';
  ID = 0;
  UUID = '';
  MachineID = '';
  CreatedAt = '';
  Scenario = '';
  ScenarioHash = '';
  ScenarioVersion = '';
  Message = '';
  EventsCount = 0;
  StartAt = '';
  StopAt = '';
  Capacity = 0;
  Leakspeed = '';
  Simulated = false;
  Remediation = false;
  Source: SourceView = new SourceView();
  Events: EventView[] = [];
  Meta: MetaItemView[] = [];
  Labels: string[] = [];
  Decisions: unknown[] = [];

  GetScope(): string {
    return this.Source.GetScope();
  }

  GetValue(): string {
    return this.Source.GetValue();
  }

  GetScenario(): string {
    return this.Scenario;
  }

  GetEventsCount(): number {
    return this.EventsCount;
  }

  GetMeta(key: string): string {
    return metaValue(this.Meta, key);
  }
}

/** types.RuntimeAlert: the overflow, its sources by value, and one API alert per source. */
export class RuntimeAlertView {
  static readonly goTypeName = 'types.RuntimeAlert';
  Mapkey: string;
  BucketId = '';
  Whitelisted = false;
  Reprocess: boolean;
  /** By source value; a missing key reads as nil, as in a Go map. */
  Sources: Record<string, SourceView> = Object.create(null) as Record<string, SourceView>;
  /** The first of APIAlerts (the same object), or nil when the overflow found no source. */
  Alert: AlertView | null = null;
  APIAlerts: AlertView[] = [];

  constructor(mapkey: string, reprocess: boolean) {
    this.Mapkey = mapkey;
    this.Reprocess = reprocess;
  }

  GetSources(): string[] {
    return Object.keys(this.Sources);
  }
}

function metaValue(meta: readonly MetaItemView[], key: string): string {
  for (let i = 0; i < meta.length; i++) if (meta[i]!.Key === key) return meta[i]!.Value;
  return '';
}

/** CrowdSec's bucket key (GetKey / BucketKey): sha1 of the filter, the groupby value and the name. */
export function bucketMapkey(s: RuntimeScenario, groupKey: string): string {
  return createHash('sha1').update(s.filter.source).update('\0').update(groupKey).update('\0').update(s.name).digest('hex');
}

const metaItems = (meta: readonly MetaItem[]): MetaItemView[] => meta.map((m) => new MetaItemView(m.key, m.value));

function alertView(a: Alert, events: EventView[]): AlertView {
  const v = new AlertView();
  v.UUID = a.uuid;
  v.MachineID = a.machineId;
  v.Scenario = a.scenario;
  v.ScenarioHash = a.scenarioHash;
  v.ScenarioVersion = a.scenarioVersion;
  v.Message = a.message;
  v.EventsCount = a.eventsCount;
  v.StartAt = a.startAt;
  v.StopAt = a.stopAt;
  v.Capacity = a.capacity;
  v.Leakspeed = a.leakspeed;
  v.Simulated = a.simulated;
  v.Remediation = a.remediation;
  v.Source = SourceView.from(a.source);
  // One events slice shared by the alerts of an overflow, as Go's copies of one models.Alert share it.
  v.Events = events;
  v.Meta = metaItems(a.meta);
  v.Labels = [...a.labels];
  return v;
}

const eventView = (e: AlertEvent): EventView => new EventView(e.timestamp, metaItems(e.meta));

/** The view of an overflow; a fresh one each call (postoverflows change what they are given). */
export function overflowView(o: Overflow): RuntimeAlertView {
  const v = new RuntimeAlertView(bucketMapkey(o.scenario, o.bucketKey), o.reprocess);
  if (o.alerts.length === 0) return v;
  const events = o.alerts[0]!.events.map(eventView);
  for (const a of o.alerts) {
    const alert = alertView(a, a.events === o.alerts[0]!.events ? events : a.events.map(eventView));
    // The alert's source and the Sources entry are one object: a postoverflow that turns
    // Alert.Source into a Range (ipv6_to_range) is seen through Sources too, as in CrowdSec.
    v.Sources[a.source.value] = alert.Source;
    v.APIAlerts.push(alert);
  }
  v.Alert = v.APIAlerts[0]!;
  return v;
}

/**
 * The event an overflow travels as, through postoverflows and, with `reprocess`, back into the
 * buckets: Type OVFLW, Overflow the view, MarshaledTime the overflow time (what the bucket engine
 * times it by in replay), an empty line and empty Parsed/Meta/Enriched maps, no stage, ExpectMode
 * LIVE (the zero value CrowdSec leaves). CrowdSec sets Time to the wall clock when the postoverflows
 * start; pass `now` (ms) for that, else Time is the overflow time.
 */
export function overflowEvent(o: Overflow, now: number = o.at): Event {
  const evt = new Event(new EventLine('', '', '', now, createStringMap()), LIVE);
  evt.Type = OVFLW;
  evt.Overflow = overflowView(o);
  evt.MarshaledTime = o.overflowAt.MarshalText();
  evt.timeText = evt.MarshaledTime;
  evt.timeValue = o.overflowAt;
  return evt;
}

/**
 * What postoverflows changed, written back to the overflow's alerts: the source of each alert (a
 * postoverflow may turn an IPv6 address into its /64 range: Scope and Value) and its remediation flag.
 */
export function applyOverflowView(o: Overflow, v: RuntimeAlertView): void {
  for (let i = 0; i < o.alerts.length && i < v.APIAlerts.length; i++) {
    const a = o.alerts[i]!;
    const s = v.APIAlerts[i]!.Source;
    a.source.scope = s.Scope;
    a.source.value = s.Value;
    a.remediation = v.APIAlerts[i]!.Remediation;
  }
}
