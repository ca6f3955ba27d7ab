import { HerdError } from '../core/index.js';
import { parseGoDuration } from '../expr/index.js';

/**
 * A decision as the local API sends it to bouncers (CrowdSec's `models.Decision`, snake_case JSON):
 * herd's API and CrowdSec's speak the same shape. `duration` is Go's (`3h59m58s`, negative once
 * ended). Only the fields a bouncer acts on are required.
 */
export interface WireDecision {
  id: number;
  origin: string;
  type: string;
  scope: string;
  value: string;
  duration: string;
  scenario: string;
  until?: string;
  uuid?: string;
  simulated?: boolean;
}

/** What `GET /v1/decisions/stream` answers, with `null` lists read as empty. */
export interface DecisionStream {
  new: WireDecision[];
  deleted: WireDecision[];
  /** Entries that were not decisions (missing or mistyped fields): counted, never thrown. */
  invalid: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One decision from JSON, or null when a field a bouncer needs is missing or mistyped. */
export function readWireDecision(v: unknown): WireDecision | null {
  if (!isRecord(v)) return null;
  const { id, origin, type, scope, value, duration, scenario } = v;
  if (typeof type !== 'string' || typeof scope !== 'string' || typeof value !== 'string' || typeof duration !== 'string') return null;
  const d: WireDecision = {
    id: typeof id === 'number' && Number.isFinite(id) ? id : 0,
    origin: typeof origin === 'string' ? origin : '',
    type,
    scope,
    value,
    duration,
    scenario: typeof scenario === 'string' ? scenario : '',
  };
  if (typeof v.until === 'string') d.until = v.until;
  if (typeof v.uuid === 'string') d.uuid = v.uuid;
  if (typeof v.simulated === 'boolean') d.simulated = v.simulated;
  return d;
}

/**
 * A JSON list of decisions (`null` is the API's empty list). Throws HERD_BOUNCER_API_RESPONSE
 * when the body is not a list at all; bad entries are skipped and counted.
 */
export function readDecisionList(body: unknown, where: string): { decisions: WireDecision[]; invalid: number } {
  if (body === null || body === undefined) return { decisions: [], invalid: 0 };
  if (!Array.isArray(body)) {
    throw new HerdError('HERD_BOUNCER_API_RESPONSE', `${where}: expected a JSON array of decisions or null, got ${typeof body}; is the URL a CrowdSec-compatible local API?`);
  }
  const decisions: WireDecision[] = [];
  let invalid = 0;
  for (const item of body) {
    const d = readWireDecision(item);
    if (d === null) invalid++;
    else decisions.push(d);
  }
  return { decisions, invalid };
}

/** The body of `GET /v1/decisions/stream`: `{"new": [...]|null, "deleted": [...]|null}`. */
export function readDecisionStream(body: unknown, where: string): DecisionStream {
  if (!isRecord(body)) {
    throw new HerdError('HERD_BOUNCER_API_RESPONSE', `${where}: expected {"new": [...], "deleted": [...]}, got ${body === null ? 'null' : typeof body}; is the URL a CrowdSec-compatible local API?`);
  }
  const n = readDecisionList(body.new, `${where} (new)`);
  const d = readDecisionList(body.deleted, `${where} (deleted)`);
  return { new: n.decisions, deleted: d.decisions, invalid: n.invalid + d.invalid };
}

/**
 * When a decision stops applying (ms since epoch), from its Go duration counted from `receivedAt`.
 * Null when the duration is not a Go duration. Durations are whole seconds on the wire; the
 * fraction is kept when present.
 */
export function decisionUntil(d: WireDecision, receivedAt: number): number | null {
  const ns = parseGoDuration(d.duration);
  return ns === null ? null : receivedAt + Math.round(ns / 1e6);
}

/** `ip` / `range` whatever the capitalisation (`Ip`, `Range` in CrowdSec); null for other scopes. */
export function ipScopeOf(scope: string): 'ip' | 'range' | null {
  const s = scope.length <= 5 ? scope.toLowerCase() : '';
  return s === 'ip' ? 'ip' : s === 'range' ? 'range' : null;
}
