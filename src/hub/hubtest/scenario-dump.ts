import type { Event, NodeIssues, ParserPipeline } from '../../parse/index.js';
import { overflowEvent, type Overflow } from '../../scenarios/index.js';

/**
 * The overflow dump `cscli hubtest` asserts on: one overflow event per alerting bucket, taken after
 * the postoverflows ran (a whitelisted overflow is kept, flagged, as CrowdSec dumps it before the
 * whitelist check), ordered as cscli orders them: by scenario name followed by the sources joined
 * with "@", descending, then by the alert's start time.
 */

export type OverflowResult = Event;

interface OverflowShape {
  Alert: { GetScenario(): string; StartAt?: string } | null;
  GetSources(): string[];
}

export function overflowResult(o: Overflow, postoverflows: ParserPipeline | null, issues: NodeIssues): OverflowResult | null {
  if (o.alerts.length === 0) return null;
  const evt = overflowEvent(o);
  if (postoverflows !== null) postoverflows.parse(evt, issues);
  return evt;
}

function sortKey(evt: Event): string {
  const v = evt.Overflow as OverflowShape;
  return (v.Alert?.GetScenario() ?? '') + v.GetSources().join('@');
}

function startAt(evt: Event): number {
  const t = Date.parse((evt.Overflow as OverflowShape).Alert?.StartAt ?? '');
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

export function orderOverflows(list: readonly OverflowResult[]): OverflowResult[] {
  const keyed = list.map((evt, i) => ({ evt, key: sortKey(evt), at: startAt(evt), i }));
  keyed.sort((a, b) => (a.key !== b.key ? (a.key > b.key ? -1 : 1) : a.at !== b.at ? a.at - b.at : a.i - b.i));
  return keyed.map((k) => k.evt);
}
