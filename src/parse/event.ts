import type { Line } from '../acquisition/index.js';
import { createStringMap, GoTime, type StringMap } from '../expr/index.js';

/**
 * The event that flows through parsers and into scenarios. Its fields carry CrowdSec's Go names
 * (`evt.Line.Raw`, `evt.Parsed`, `evt.Meta`, `evt.StrTime`, …) because hub content addresses them by
 * those names in expressions and `target:` statics; the expression evaluator reads them as they are.
 */

/** `evt.Type`: a log line, or an overflow travelling through postoverflows. */
export const LOG = 0;
export const OVFLW = 1;

/** `evt.ExpectMode`: follow live logs (wall clock) or replay old ones (the time written in the lines). */
export const LIVE = 0;
export const TIMEMACHINE = 1;

export type ExpectMode = typeof LIVE | typeof TIMEMACHINE;

export class EventLine {
  Raw: string;
  Src: string;
  Labels: StringMap;
  Process: boolean;
  Module: string;
  /** When the line was read (ms); `Time` is built from it only when something reads it. */
  readAt: number;
  private time: GoTime | null = null;

  constructor(raw: string, src: string, module: string, readAt: number, labels: StringMap) {
    this.Raw = raw;
    this.Src = src;
    this.Module = module;
    this.readAt = readAt;
    this.Labels = labels;
    this.Process = true;
  }

  get Time(): GoTime {
    return (this.time ??= GoTime.fromMillis(this.readAt));
  }

  set Time(t: GoTime) {
    this.time = t;
  }
}

export class Event {
  Type: number = LOG;
  ExpectMode: number = LIVE;
  Whitelisted = false;
  WhitelistReason = '';
  Stage = '';
  Line: EventLine;
  Parsed: StringMap = createStringMap();
  Enriched: StringMap = createStringMap();
  Meta: StringMap = createStringMap();
  private unmarshaled: Record<string, unknown> | null = null;
  /** Set on overflow events only (postoverflows); see scenarios. */
  Overflow: unknown = null;
  private time: GoTime | null = null;
  StrTime = '';
  StrTimeFormat = '';
  MarshaledTime = '';
  Process = false;

  /**
   * The parsed form of `MarshaledTime`, kept beside the text by the date enricher so that buckets do
   * not parse the same RFC 3339 text again. Valid only while `timeText === MarshaledTime`.
   */
  timeText = '';
  timeValue: GoTime | null = null;

  constructor(line: EventLine, mode: ExpectMode) {
    this.Line = line;
    this.ExpectMode = mode;
  }

  /** Go's map[string]interface{} of JSON-decoded content, created when first used. */
  get Unmarshaled(): Record<string, unknown> {
    return (this.unmarshaled ??= Object.create(null) as Record<string, unknown>);
  }

  set Unmarshaled(v: Record<string, unknown>) {
    this.unmarshaled = v;
  }

  /** The time the event was read (CrowdSec sets it to "now" when parsing starts). */
  get Time(): GoTime {
    return (this.time ??= this.Line.Time);
  }

  set Time(t: GoTime) {
    this.time = t;
  }

  GetType(): string {
    return this.Type === OVFLW ? 'overflow' : 'log';
  }

  GetMeta(key: string): string {
    return this.Meta[key] ?? '';
  }

  SetMeta(key: string, value: string): boolean {
    this.Meta[key] = value;
    return true;
  }

  SetParsed(key: string, value: string): boolean {
    this.Parsed[key] = value;
    return true;
  }

  GetParsed(key: string): string {
    return this.Parsed[key] ?? '';
  }
}

/** Makes the event for a freshly read line; labels are copied so a parser may change its own. */
/**
 * Makes the event for a freshly read line. Lines of one source share one labels object; the
 * event's Labels map is made once per such object (CrowdSec also shares a datasource's labels).
 */
const labelMaps = new WeakMap<Record<string, string>, StringMap>();

export function newLogEvent(line: Line, mode: ExpectMode): Event {
  let labels = labelMaps.get(line.labels);
  if (labels === undefined) {
    labels = createStringMap();
    for (const k in line.labels) labels[k] = line.labels[k]!;
    labelMaps.set(line.labels, labels);
  }
  return new Event(new EventLine(line.raw, line.src, line.module, line.readAt, labels), mode);
}
