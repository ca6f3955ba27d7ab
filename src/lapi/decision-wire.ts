import type { Decision } from '../decisions/index.js';

/**
 * Decisions as CrowdSec's local API writes them (`models.Decision` through Go's encoding/json):
 * fields in the model's (alphabetical) order, `duration` as the Go duration left until `until`
 * rounded to the second (negative for an ended decision: `-1m5s`), `id` and `uuid` only when set,
 * and an empty list written `null` — the Go controller encodes a nil slice, and clients expect it.
 * Hot path (a start-up answer holds every active decision): plain objects of two fixed shapes
 * given to one JSON.stringify, which V8 serialises several times faster than string building.
 */

/** Go's `time.Duration.String()` of a whole number of seconds: `0s`, `59s`, `1m0s`, `3h59m58s`, `-5s`. */
export function goSeconds(total: number): string {
  if (total === 0) return '0s';
  const neg = total < 0;
  let s = neg ? -total : total;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const text = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  return neg ? `-${text}` : text;
}

/** Time from `now` to `until` (ms) as Go prints `until.Sub(now).Round(time.Second)` (halves away from zero). */
export function durationUntil(until: number, now: number): string {
  const ms = until - now;
  return goSeconds(ms < 0 ? -Math.round(-ms / 1000) : Math.round(ms / 1000));
}

class WireDecision {
  constructor(
    readonly duration: string,
    readonly id: number,
    readonly origin: string,
    readonly scenario: string,
    readonly scope: string,
    readonly type: string,
    readonly uuid: string,
    readonly value: string,
  ) {}
}

/** A decision without an id or uuid: the fields Go's `omitempty` keeps. */
function sparse(d: Decision, duration: string): Record<string, unknown> {
  const out: Record<string, unknown> = { duration };
  if (d.id !== 0) out.id = d.id;
  out.origin = d.origin;
  out.scenario = d.scenario;
  out.scope = d.scope;
  out.type = d.type;
  if (d.uuid !== '') out.uuid = d.uuid;
  out.value = d.value;
  return out;
}

function wire(d: Decision, now: number): WireDecision | Record<string, unknown> {
  const duration = durationUntil(d.until, now);
  return d.id !== 0 && d.uuid !== '' ? new WireDecision(duration, d.id, d.origin, d.scenario, d.scope, d.type, d.uuid, d.value) : sparse(d, duration);
}

/** One decision as bouncers receive it (GET /v1/decisions, /v1/decisions/stream). */
export function decisionJson(d: Decision, now: number): string {
  return JSON.stringify(wire(d, now));
}

/** A list of decisions: `null` when empty (as Go encodes a nil slice), else a JSON array. */
export function decisionsJson(list: readonly Decision[], now: number): string {
  if (list.length === 0) return 'null';
  const out = new Array<WireDecision | Record<string, unknown>>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = wire(list[i], now);
  return JSON.stringify(out);
}

/** The body of GET /v1/decisions/stream: a Go map, so its keys come sorted (`deleted` first). */
export function streamJson(added: readonly Decision[], deleted: readonly Decision[], now: number): string {
  return `{"deleted":${decisionsJson(deleted, now)},"new":${decisionsJson(added, now)}}`;
}
