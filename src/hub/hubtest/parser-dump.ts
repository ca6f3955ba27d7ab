import { Event, EventLine, type ParseTracer, type RuntimeNode } from '../../parse/index.js';
import { createStringMap, type StringMap } from '../../expr/index.js';

/**
 * The parser dump `cscli hubtest` asserts on: `results[stage][node name]` is the list of every run of
 * that node — failed attempts included — each with a copy of the event as the node left it and
 * whether it succeeded. A stage appears once some line entered it; `results["success"][""]` exists
 * and stays empty, as in CrowdSec.
 */

export interface ParserResult {
  Idx: number;
  Evt: Event;
  Success: boolean;
}

export type ParserResults = Record<string, Record<string, ParserResult[]>>;

function copyMap(m: StringMap): StringMap {
  const out = createStringMap();
  for (const k in m) out[k] = m[k]!;
  return out;
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
    return out;
  }
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === null) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const k in v as Record<string, unknown>) out[k] = deepCopy((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** A copy of the event's observable state, as CrowdSec's deepcopy of the Go struct gives. */
export function snapshotEvent(evt: Event): Event {
  const line = new EventLine(evt.Line.Raw, evt.Line.Src, evt.Line.Module, evt.Line.readAt, copyMap(evt.Line.Labels));
  const copy = new Event(line, evt.ExpectMode as 0 | 1);
  copy.Type = evt.Type;
  copy.Whitelisted = evt.Whitelisted;
  copy.WhitelistReason = evt.WhitelistReason;
  copy.Stage = evt.Stage;
  copy.Parsed = copyMap(evt.Parsed);
  copy.Enriched = copyMap(evt.Enriched);
  copy.Meta = copyMap(evt.Meta);
  copy.Unmarshaled = deepCopy(evt.Unmarshaled) as Record<string, unknown>;
  copy.StrTime = evt.StrTime;
  copy.StrTimeFormat = evt.StrTimeFormat;
  copy.MarshaledTime = evt.MarshaledTime;
  copy.Process = evt.Process;
  copy.Overflow = evt.Overflow;
  return copy;
}

export class ParserDump implements ParseTracer {
  readonly results: ParserResults = { success: { '': [] } };
  private readonly order = new Map<string, number>();

  enterStage(stage: string): void {
    if (!Object.prototype.hasOwnProperty.call(this.results, stage)) this.results[stage] = {};
  }

  afterNode(stage: string, node: RuntimeNode, success: boolean, evt: Event): void {
    const byNode = this.results[stage] ?? (this.results[stage] = {});
    const list = Object.prototype.hasOwnProperty.call(byNode, node.name) ? byNode[node.name]! : (byNode[node.name] = []);
    const key = `${stage}\u0000${node.name}`;
    let idx = this.order.get(key);
    if (idx === undefined) {
      idx = this.order.size + 1;
      this.order.set(key, idx);
    }
    list.push({ Idx: idx, Evt: snapshotEvent(evt), Success: success });
  }
}
