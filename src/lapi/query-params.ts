import { DecisionMatcher, normaliseScope, type DecisionFilter } from '../decisions/index.js';
import { parseGoDuration } from '../expr/index.js';
import { parseIP, parseRange } from '../ip/index.js';
import type { AlertQuery, DecisionQuery } from '../store/index.js';

/**
 * Query strings of the CrowdSec routes, read as the Go server reads them: the first value of a
 * repeated parameter, booleans as Go's `strconv.ParseBool`, comma-separated lists, parameters it
 * does not know ignored (go-cs-bouncer sends `community_pull`, `additional_pull`). A bad value is a
 * `{ error }` naming the parameter, never an exception.
 */

export type Query = Record<string, string | string[] | undefined>;
export type Parsed<T> = T | { error: string };

export function isError<T>(v: Parsed<T>): v is { error: string } {
  return typeof v === 'object' && v !== null && 'error' in v;
}

/** The first value of `name` (Go's `values[0]`). */
export function first(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Go's strconv.ParseBool. */
export function goBool(text: string): boolean | null {
  switch (text) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'TRUE':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'FALSE':
    case 'False':
      return false;
    default:
      return null;
  }
}

function boolParam(q: Query, name: string): Parsed<boolean | undefined> {
  const text = first(q, name);
  if (text === undefined) return undefined;
  const b = goBool(text);
  return b === null ? { error: `${name}: ${JSON.stringify(text)} is not a boolean (true or false)` } : b;
}

/** CrowdSec's durations in queries: Go durations, plus a leading number of days (`7d`, `1d12h`). */
export function parseQueryDuration(text: string): number | null {
  const m = /^(\d+)d(.*)$/.exec(text);
  if (m === null) {
    const ns = parseGoDuration(text);
    return ns === null ? null : ns / 1e6;
  }
  const rest = m[2] === '' ? 0 : parseGoDuration(m[2]);
  return rest === null ? null : Number(m[1]) * 86_400_000 + rest / 1e6;
}

const split = (text: string | undefined): string[] | undefined => (text === undefined ? undefined : text.split(','));

/** The bouncer filters of /v1/decisions and /v1/decisions/stream (never simulated decisions). */
export function bouncerFilter(q: Query, defaultScopes?: string): DecisionFilter {
  const f: DecisionFilter = { simulated: false };
  const type = first(q, 'type');
  if (type !== undefined) f.type = type;
  const scopes = first(q, 'scopes') ?? first(q, 'scope') ?? defaultScopes;
  if (scopes !== undefined) f.scopes = split(scopes);
  const origins = split(first(q, 'origins'));
  if (origins !== undefined) f.origins = origins;
  const c = split(first(q, 'scenarios_containing'));
  if (c !== undefined) f.scenariosContaining = c;
  const nc = split(first(q, 'scenarios_not_containing'));
  if (nc !== undefined) f.scenariosNotContaining = nc;
  return f;
}

/**
 * Matchers by their filter parameters: bouncers poll with the same query again and again, so the
 * matcher (lowercased words, normalised scopes) is prepared once. Bounded.
 */
export class MatcherCache {
  private readonly cache = new Map<string, DecisionMatcher>();

  get(q: Query, defaultScopes?: string): DecisionMatcher {
    const key = `${first(q, 'type')}\u0001${first(q, 'scopes') ?? first(q, 'scope') ?? defaultScopes}\u0001${first(q, 'origins')}\u0001${first(q, 'scenarios_containing')}\u0001${first(q, 'scenarios_not_containing')}`;
    let m = this.cache.get(key);
    if (m === undefined) {
      m = new DecisionMatcher(bouncerFilter(q, defaultScopes));
      if (this.cache.size >= 256) this.cache.clear();
      this.cache.set(key, m);
    }
    return m;
  }
}

/** What GET /v1/decisions looks up first; the other parameters then narrow the result. */
export type DecisionLookup =
  | { kind: 'ip'; text: string; contains: boolean }
  | { kind: 'range'; text: string; contains: boolean }
  | { kind: 'value'; value: string; scope: string | undefined }
  | { kind: 'all' };

export function decisionLookup(q: Query): Parsed<{ lookup: DecisionLookup; value: string | undefined }> {
  const target = addressTarget(q);
  if (isError(target)) return target;
  const value = first(q, 'value');
  if (target.ip !== undefined) return { lookup: { kind: 'ip', text: target.ip, contains: target.contains }, value };
  if (target.range !== undefined) return { lookup: { kind: 'range', text: target.range, contains: target.contains }, value };
  if (value !== undefined) return { lookup: { kind: 'value', value, scope: first(q, 'scope') }, value };
  return { lookup: { kind: 'all' }, value };
}

/**
 * `ip` or `range` (not both), validated, with `contains` (default true: decisions or alerts on a
 * range that holds the address, as CrowdSec's filters do).
 */
function addressTarget(q: Query): Parsed<{ ip: string; range?: undefined; contains: boolean } | { ip?: undefined; range: string; contains: boolean } | { ip?: undefined; range?: undefined; contains?: undefined }> {
  const contains = boolParam(q, 'contains');
  if (isError(contains)) return contains;
  const ip = first(q, 'ip');
  const range = first(q, 'range');
  if (ip !== undefined && range !== undefined) return { error: 'ip and range cannot be used together' };
  if (ip !== undefined) {
    if (parseIP(ip) === null) return { error: `ip: ${JSON.stringify(ip)} is not a valid IP address` };
    return { ip, contains: contains ?? true };
  }
  if (range !== undefined) {
    if (parseRange(range) === null) return { error: `range: ${JSON.stringify(range)} is not a valid IP range (CIDR)` };
    return { range, contains: contains ?? true };
  }
  return {};
}

/** DELETE /v1/decisions: CrowdSec's `SoftDeleteDecisionsWithFilter` parameters. */
export function deleteDecisionsQuery(q: Query): Parsed<DecisionQuery> {
  const out: DecisionQuery = {};
  const target = addressTarget(q);
  if (isError(target)) return target;
  Object.assign(out, target);
  const scope = first(q, 'scope') ?? first(q, 'scopes');
  if (scope !== undefined) out.scope = normaliseScope(scope);
  const value = first(q, 'value');
  if (value !== undefined) out.value = value;
  const type = first(q, 'type');
  if (type !== undefined) out.type = type;
  const scenario = first(q, 'scenario');
  if (scenario !== undefined) out.scenario = scenario;
  const origin = first(q, 'origin');
  if (origin !== undefined) out.origin = origin;
  return out;
}

/** GET and DELETE /v1/alerts: CrowdSec's alert filters, with what they mean in herd's store. */
export interface AlertSearch {
  query: AlertQuery;
  /** Only alerts with a decision of this type / origin (applied after the store's query). */
  decisionType?: string;
  origin?: string;
}

/** CrowdSec answers at most this many alerts unless `limit` says otherwise (0: all). */
export const DEFAULT_ALERT_LIMIT = 100;

export function alertSearch(q: Query, now: number, forDelete: boolean): Parsed<AlertSearch> {
  const query: AlertQuery = {};
  const target = addressTarget(q);
  if (isError(target)) return target;
  Object.assign(query, target);
  const scope = first(q, 'scope');
  if (scope !== undefined) query.scope = normaliseScope(scope);
  const value = first(q, 'value');
  if (value !== undefined) query.value = value;
  const scenario = first(q, 'scenario');
  if (scenario !== undefined) query.scenario = scenario;
  const machine = first(q, 'machine_id');
  if (machine !== undefined) query.machineId = machine;
  for (const [name, key] of [
    ['since', 'since'],
    ['until', 'until'],
  ] as const) {
    const text = first(q, name);
    if (text === undefined) continue;
    const ms = parseQueryDuration(text);
    if (ms === null) return { error: `${name}: ${JSON.stringify(text)} is not a duration (such as 4h, 30m or 7d)` };
    query[key] = now - ms;
  }
  const simulated = boolParam(q, 'simulated');
  if (isError(simulated)) return simulated;
  // As CrowdSec: simulated alerts are left out unless asked for (simulated=true).
  if (simulated !== true && !forDelete) query.simulated = false;
  const active = boolParam(q, 'has_active_decision');
  if (isError(active)) return active;
  if (active !== undefined) query.hasActiveDecision = active;
  const out: AlertSearch = { query };
  if (!forDelete) {
    const limitText = first(q, 'limit');
    let limit = DEFAULT_ALERT_LIMIT;
    if (limitText !== undefined) {
      limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 0) return { error: `limit: ${JSON.stringify(limitText)} is not a whole number` };
    }
    if (limit > 0) query.limit = limit;
  }
  const decisionType = first(q, 'decision_type');
  if (decisionType !== undefined) out.decisionType = decisionType;
  const origin = first(q, 'origin') ?? first(q, 'alert_source');
  if (origin !== undefined) out.origin = origin;
  return out;
}
