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
  Time: GoTime;
  Labels: StringMap;
  Process: boolean;
  Module: string;

  constructor(raw: string, src: string, module: string, time: GoTime, labels: StringMap) {
    this.Raw = raw;
    this.Src = src;
    this.Module = module;
    this.Time = time;
    this.Labels = labels;
    this.Process = true;
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
  Unmarshaled: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  /** Set on overflow events only (postoverflows); see scenarios. */
  Overflow: unknown = null;
  Time: GoTime;
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
    this.Time = line.Time;
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
export function newLogEvent(line: Line, mode: ExpectMode): Event {
  const labels = createStringMap();
  for (const k in line.labels) labels[k] = line.labels[k]!;
  const evtLine = new EventLine(line.raw, line.src, line.module, GoTime.fromMillis(line.readAt), labels);
  return new Event(evtLine, mode);
}
