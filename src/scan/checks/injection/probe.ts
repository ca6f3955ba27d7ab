/**
 * What every injection check does around its payloads: pick one successful sample per operation
 * (skipping what must not be replayed), send requests as the sample's user within the budget, and
 * report at most one finding per (location, input).
 */
import type { ApiOperation, Exchange, ScanApi, ScanRequest } from '../../model.js';
import type { CheckContext, FindingInput, Sample } from '../../check.js';
import { Reference, snapshot, type Snapshot } from './compare.js';
import { injectionPoints, type InjectionPoint } from './inputs.js';
import { synthesizedSample } from './synthesize.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Target {
  readonly operation: ApiOperation;
  readonly sample: Sample;
  /** `GET /api/products`, or the GraphQL field `Query.products`. */
  readonly location: string;
  readonly points: readonly InjectionPoint[];
}

export function locationOf(api: ScanApi, op: ApiOperation): string {
  return api.kind === 'graphql' ? op.id : `${op.method} ${op.path}`;
}

/**
 * One target per operation that has a successful sample (or, with `synthesize`, a request built
 * from the description when it has none). DELETE operations are never replayed with payloads (a
 * boolean or operator payload could widen the delete); with `--safe` only GET, HEAD and OPTIONS
 * are. The sample chosen is the first with credentials, else the first.
 */
export function targetsOf(ctx: CheckContext, options: { synthesize?: boolean } = {}): Target[] {
  const targets: Target[] = [];
  for (const op of ctx.api.operations) {
    if (op.method === 'DELETE') continue;
    if (ctx.safe && !SAFE.has(op.method)) continue;
    const samples = ctx.samples.get(op.id) ?? [];
    let sample = samples.find((s) => s.user !== null && s.exchange.response !== null) ?? samples.find((s) => s.exchange.response !== null);
    if (sample === undefined && options.synthesize === true) sample = synthesizedSample(ctx, op) ?? undefined;
    if (sample === undefined) continue;
    const points = injectionPoints(sample);
    if (points.length === 0) continue;
    targets.push({ operation: op, sample, location: locationOf(ctx.api, op), points });
  }
  return targets;
}

export function isSafeMethod(method: string): boolean {
  return SAFE.has(method.toUpperCase());
}

/** What the baseline request of an input answers (fresh, plus the sample's own answer when it applies). */
export interface Baseline {
  readonly exchanges: readonly Exchange[];
  readonly snapshots: readonly Snapshot[];
  readonly reference: Reference;
  /** Response times of the fresh baseline requests, in ms. */
  readonly timesMs: readonly number[];
}

/** Sends requests for one target as its sample's user; caches baselines per input. */
export class Prober {
  private readonly baselines = new Map<string, Promise<Baseline | null>>();
  /** Set once the target answers 429: probing it further would only measure the rate limiter. */
  limited = false;
  /** Requests sent so far. */
  sent = 0;

  constructor(
    private readonly ctx: CheckContext,
    readonly target: Target,
  ) {}

  /** Whether the budget allows `n` more requests (and the target is not rate limiting us). */
  canSend(n = 1): boolean {
    return !this.limited && this.ctx.client.canSend(n);
  }

  async send(request: ScanRequest, timeoutMs?: number): Promise<Exchange> {
    this.sent++;
    const e = await this.ctx.client.send(request, { as: this.target.sample.user, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    if (e.response?.status === 429) this.limited = true;
    return e;
  }

  /**
   * The baseline of an input: its baseline request sent afresh, compared with the sample's answer
   * when the input was in the sample, else sent twice. Null when it no longer succeeds.
   */
  baseline(point: InjectionPoint): Promise<Baseline | null> {
    const key = point.inSample ? '' : `${point.kind}:${point.name}`;
    let b = this.baselines.get(key);
    if (b === undefined) {
      b = this.freshBaseline(point);
      this.baselines.set(key, b);
    }
    return b;
  }

  private async freshBaseline(point: InjectionPoint): Promise<Baseline | null> {
    const first = await this.send(point.baseline);
    if (first.response === null || first.response.status >= 400) return null;
    const exchanges: Exchange[] = [first];
    const earlier = this.target.sample.exchange.response;
    if (point.inSample && earlier !== null && earlier.status === first.response.status) {
      const snapshots = [snapshot(first.response), snapshot(earlier)];
      return { exchanges, snapshots, reference: new Reference(snapshots), timesMs: [first.response.timeMs] };
    }
    const second = await this.send(point.baseline);
    if (second.response === null) return null;
    exchanges.push(second);
    const snapshots = [snapshot(first.response), snapshot(second.response)];
    return { exchanges, snapshots, reference: new Reference(snapshots), timesMs: [first.response.timeMs, second.response.timeMs] };
  }
}

/** Reports through the context, once per (location, key). */
export class Reporter {
  private readonly seen = new Set<string>();

  constructor(private readonly ctx: CheckContext) {}

  has(location: string, key: string): boolean {
    return this.seen.has(`${location}\u0000${key}`);
  }

  report(finding: FindingInput & { key: string }): void {
    const id = `${finding.location}\u0000${finding.key}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.ctx.report(finding);
  }
}

/** `query parameter search`, `JSON field user.name`… for details. */
export function describeInput(p: InjectionPoint): string {
  switch (p.kind) {
    case 'query':
      return `query parameter \`${p.name}\``;
    case 'path':
      return `path parameter \`${p.name}\``;
    case 'json':
      return `JSON field \`${p.name}\``;
    case 'form':
      return `form field \`${p.name}\``;
    case 'graphql':
      return p.name.startsWith('$') ? `GraphQL variable \`${p.name}\`` : `GraphQL argument \`${p.name}\``;
  }
}

/** The finding key of an input: `query:search`. */
export function keyOf(p: InjectionPoint): string {
  return `${p.kind}:${p.name}`;
}

/**
 * Runs `fn` over every input of every target, sequentially, until the budget runs out. After a PUT
 * or PATCH target, its sample is sent once more: each payload request changed one field, so this
 * puts the object back the way exploration left it.
 */
export async function forEachInput(
  ctx: CheckContext,
  select: (p: InjectionPoint, t: Target) => boolean,
  fn: (target: Target, point: InjectionPoint, prober: Prober) => Promise<void>,
  options: { synthesize?: boolean } = {},
): Promise<void> {
  for (const target of targetsOf(ctx, options)) {
    const prober = new Prober(ctx, target);
    for (const point of target.points) {
      if (!select(point, target)) continue;
      if (!ctx.client.canSend()) return;
      if (prober.limited) break;
      try {
        await fn(target, point, prober);
      } catch (err) {
        // A hostile answer must not stop the scan: log and move on to the next input.
        ctx.log('injection probe failed', { location: target.location, input: point.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    const m = target.operation.method;
    if ((m === 'PUT' || m === 'PATCH') && prober.sent > 0 && target.sample.exchange.response !== null && ctx.client.canSend()) await prober.send(target.sample.request);
  }
}

/** How long an exchange took: its response time, Infinity when it timed out, 0 when it failed. */
/** What a detector found at one input: the finding's detail and the exchanges that prove it. */
export interface Hit {
  readonly detail: string;
  readonly evidence: readonly Exchange[];
}

/**
 * The common shape of an input-probing check: for each input `select` accepts, a baseline answer,
 * then `detect` (the check's detectors, cheapest first); a hit is reported once per location and
 * input.
 */
export async function probeInputs(
  ctx: CheckContext,
  select: (p: InjectionPoint, t: Target) => boolean,
  detect: (point: InjectionPoint, prober: Prober, base: Baseline, target: Target) => Promise<Hit | null>,
): Promise<void> {
  const reporter = new Reporter(ctx);
  await forEachInput(ctx, select, async (target, point, prober) => {
    const base = await prober.baseline(point);
    if (base === null) return;
    const hit = await detect(point, prober, base, target);
    if (hit !== null) reporter.report({ location: target.location, key: keyOf(point), detail: hit.detail, evidence: hit.evidence });
  });
}

export function elapsedMs(e: Exchange): number {
  if (e.response !== null) return e.response.timeMs;
  return e.error !== undefined && /within \d+ ?ms/.test(e.error) ? Number.POSITIVE_INFINITY : 0;
}

/**
 * Confirms a time-based payload: it must be slower than the baseline by most of `delayMs`, the
 * baseline sent again must still be fast, and the payload sent again must be slow again. Returns the
 * three exchanges, or null (also when the first attempt is not slow: one request spent).
 */
export async function confirmDelay(prober: Prober, payload: ScanRequest, baseline: ScanRequest, baseTimesMs: readonly number[], delayMs: number): Promise<Exchange[] | null> {
  const base = Math.max(...baseTimesMs, 0);
  const slow = (e: Exchange, ref: number): boolean => elapsedMs(e) >= ref + delayMs * 0.8;
  const timeoutMs = base + delayMs + 10_000;
  if (!prober.canSend(3)) return null;
  const first = await prober.send(payload, timeoutMs);
  if (!slow(first, base)) return null;
  const again = await prober.send(baseline, timeoutMs);
  if (again.response === null || elapsedMs(again) >= base + delayMs * 0.5) return null;
  const second = await prober.send(payload, timeoutMs);
  if (!slow(second, Math.max(base, elapsedMs(again)))) return null;
  return [first, again, second];
}

/** A value for details (objects as JSON), cut at 120 characters. */
export function shown(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

/**
 * Password-like inputs (by name or `format: password`). Only the NoSQL check rewrites them: every
 * other payload there is a failed login for a real user, and lockouts would follow; the SQL of a
 * login is reached through its user-name field as well.
 */
export function isSecretInput(p: InjectionPoint): boolean {
  if (p.schema?.format === 'password') return true;
  return /^(?:.*[_-])?(?:pass(?:word)?|passwd|pwd|passphrase|secret|pin|otp)$/i.test(p.leaf) || /(?:Password|Passwd|Secret)$/.test(p.leaf);
}
