import { parseIP, parseRange, type IPNetwork } from '../ip/index.js';
import { decisionUntil, ipScopeOf, type WireDecision } from './wire-decision.js';

/**
 * What the firewall should hold, kept in step with the decision stream, and the smallest change
 * that brings the kernel's sets there. Addresses go into sets with per-element timeouts (the
 * kernel drops them when their time is over); several decisions on one address keep the element
 * until the last ends. Ranges go into interval sets, which refuse overlapping elements, so they are
 * rebuilt whole as the union of the active ranges whenever one comes or goes (ranges are few).
 */

export interface AddressChange {
  ip: string;
  version: 4 | 6;
  /** Time left in the kernel (ms). */
  timeoutMs: number;
}

export interface NftPlan {
  /** Recreate the table (startup, or after a failure). */
  full: boolean;
  /** Remove (whether or not the kernel still has them). */
  remove: { ip: string; version: 4 | 6 }[];
  /** Add, or replace with a new timeout. */
  set: AddressChange[];
  /** New contents of the range sets (null: unchanged). */
  ranges: { v4: string[]; v6: string[] } | null;
}

interface AddressEntry {
  version: 4 | 6;
  /** decision id → [type, until]. */
  decisions: Map<number, { type: string; until: number }>;
  /** Until when the kernel holds the element (0: it does not). */
  kernelUntil: number;
}

interface RangeEntry {
  network: IPNetwork;
  type: string;
  until: number;
  valueKey: string;
}

export interface NftablesStateOptions {
  /** Decision types the firewall enforces. Default `['ban']`. */
  types?: readonly string[];
  /** Longest timeout given to the kernel (ms); longer decisions are refreshed before it ends. Default 30 days. */
  maxTimeoutMs?: number;
  /** Refresh an element whose kernel timeout ends within this window while its decision goes on (ms). */
  refreshWindowMs?: number;
}

/** Timeouts that differ by less than this are left as they are. */
const TOLERANCE_MS = 1500;

export class NftablesState {
  private readonly types: Set<string>;
  private readonly maxTimeoutMs: number;
  private readonly refreshWindowMs: number;
  private readonly addrs = new Map<string, AddressEntry>();
  private readonly ranges = new Map<number, RangeEntry>();
  /** decision id → address, for deletions by id. */
  private readonly addrOfId = new Map<number, string>();
  private readonly dirty = new Set<string>();
  private rangesDirty = false;
  private nextLocalId = -1;
  /** Decisions of other scopes or types, or unparsable ones, seen so far. */
  ignored = 0;

  constructor(options: NftablesStateOptions = {}) {
    this.types = new Set(options.types ?? ['ban']);
    this.maxTimeoutMs = options.maxTimeoutMs ?? 30 * 24 * 3600_000;
    this.refreshWindowMs = options.refreshWindowMs ?? 60_000;
  }

  /** Addresses and ranges held (for metrics). */
  get counts(): { v4: number; v6: number; ranges: number } {
    let v4 = 0;
    for (const e of this.addrs.values()) if (e.version === 4) v4++;
    return { v4, v6: this.addrs.size - v4, ranges: this.ranges.size };
  }

  /** Forgets everything (before a full resync). */
  reset(): void {
    this.addrs.clear();
    this.ranges.clear();
    this.addrOfId.clear();
    this.dirty.clear();
    this.rangesDirty = true;
  }

  /** Applies one stream answer received at `now`: deletions first, then additions. */
  apply(stream: { new: readonly WireDecision[]; deleted: readonly WireDecision[] }, now: number): void {
    for (const d of stream.deleted) this.remove(d);
    for (const d of stream.new) this.add(d, now);
  }

  /**
   * The change to make at `now`. `full` plans the whole table (the kernel's state is unknown).
   * Nothing changes here until `committed` is called with the plan, so a failed `nft` run is
   * planned again.
   */
  plan(now: number, full: boolean): NftPlan {
    const plan: NftPlan = { full, remove: [], set: [], ranges: null };
    // Long decisions whose kernel timeout is about to end, and entries whose time is over.
    for (const [ip, e] of this.addrs) {
      const until = activeUntil(e, now);
      if (full || until === 0 || (e.kernelUntil < until && e.kernelUntil - now < this.refreshWindowMs)) this.dirty.add(ip);
    }
    for (const ip of this.dirty) {
      const e = this.addrs.get(ip);
      if (e === undefined) continue;
      const until = activeUntil(e, now);
      if (until === 0) {
        if (!full && e.kernelUntil > now) plan.remove.push({ ip, version: e.version });
        continue;
      }
      const target = Math.min(until, now + this.maxTimeoutMs);
      if (full || e.kernelUntil <= now || Math.abs(target - e.kernelUntil) > TOLERANCE_MS) {
        plan.set.push({ ip, version: e.version, timeoutMs: target - now });
      }
    }
    for (const r of this.ranges.values()) if (r.until <= now) this.rangesDirty = true;
    if (full || this.rangesDirty) {
      const v4: IPNetwork[] = [];
      const v6: IPNetwork[] = [];
      for (const r of this.ranges.values()) if (r.until > now) (r.network.version === 4 ? v4 : v6).push(r.network);
      plan.ranges = { v4: mergeIntervals(v4, 4), v6: mergeIntervals(v6, 6) };
    }
    return plan;
  }

  /** True when the plan changes nothing. */
  static isEmpty(plan: NftPlan): boolean {
    return !plan.full && plan.remove.length === 0 && plan.set.length === 0 && plan.ranges === null;
  }

  /** Records that `nft` applied the plan made at `now`. */
  committed(plan: NftPlan, now: number): void {
    for (const s of plan.set) {
      const e = this.addrs.get(s.ip);
      if (e !== undefined) e.kernelUntil = now + s.timeoutMs;
    }
    for (const ip of this.dirty) {
      const e = this.addrs.get(ip);
      if (e !== undefined && activeUntil(e, now) === 0) this.drop(ip, e);
    }
    this.dirty.clear();
    if (plan.ranges !== null) {
      for (const [id, r] of this.ranges) if (r.until <= now) this.ranges.delete(id);
      this.rangesDirty = false;
    }
  }

  private drop(ip: string, e: AddressEntry): void {
    for (const id of e.decisions.keys()) this.addrOfId.delete(id);
    this.addrs.delete(ip);
  }

  private add(d: WireDecision, now: number): void {
    const scope = ipScopeOf(d.scope);
    const until = decisionUntil(d, now);
    if (scope === null || until === null || !this.types.has(d.type)) {
      this.ignored++;
      return;
    }
    if (until <= now) return;
    if (scope === 'ip') {
      const ip = parseIP(d.value);
      if (ip === null) {
        this.ignored++;
        return;
      }
      const key = ip.toString();
      if (d.id > 0) this.forgetId(d.id);
      let e = this.addrs.get(key);
      if (e === undefined) this.addrs.set(key, (e = { version: ip.version, decisions: new Map(), kernelUntil: 0 }));
      const id = d.id > 0 ? d.id : this.nextLocalId--;
      e.decisions.set(id, { type: d.type, until });
      this.addrOfId.set(id, key);
      this.dirty.add(key);
      return;
    }
    const network = parseRange(d.value);
    if (network === null) {
      this.ignored++;
      return;
    }
    if (d.id > 0) this.forgetId(d.id);
    this.ranges.set(d.id > 0 ? d.id : this.nextLocalId--, { network, type: d.type, until, valueKey: `${d.type}|${network.toString()}` });
    this.rangesDirty = true;
  }

  private remove(d: WireDecision): void {
    if (d.id > 0 && this.forgetId(d.id)) return;
    const scope = ipScopeOf(d.scope);
    if (scope === 'ip') {
      const ip = parseIP(d.value);
      const e = ip === null ? undefined : this.addrs.get(ip.toString());
      if (e === undefined) return;
      for (const [id, x] of e.decisions) {
        if (x.type !== d.type) continue;
        e.decisions.delete(id);
        this.addrOfId.delete(id);
      }
      this.dirty.add(ip!.toString());
    } else if (scope === 'range') {
      const network = parseRange(d.value);
      if (network === null) return;
      const key = `${d.type}|${network.toString()}`;
      for (const [id, r] of this.ranges) {
        if (r.valueKey === key) {
          this.ranges.delete(id);
          this.rangesDirty = true;
        }
      }
    }
  }

  /** Drops the decision with this id wherever it is; true when it was held. */
  private forgetId(id: number): boolean {
    if (this.ranges.delete(id)) {
      this.rangesDirty = true;
      return true;
    }
    const ip = this.addrOfId.get(id);
    if (ip === undefined) return false;
    this.addrOfId.delete(id);
    if (this.addrs.get(ip)?.decisions.delete(id) !== true) return false;
    this.dirty.add(ip);
    return true;
  }
}

function activeUntil(e: AddressEntry, now: number): number {
  let until = 0;
  for (const d of e.decisions.values()) if (d.until > now && d.until > until) until = d.until;
  return until;
}

/** 128-bit value of an address (IPv4 as its 32-bit number). */
function big(words: { w0: number; w1: number; w2: number; w3: number }, version: 4 | 6): bigint {
  if (version === 4) return BigInt(words.w3);
  return (BigInt(words.w0) << 96n) | (BigInt(words.w1) << 64n) | (BigInt(words.w2) << 32n) | BigInt(words.w3);
}

function text(v: bigint, version: 4 | 6): string {
  if (version === 4) {
    const n = Number(v);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const hex = v.toString(16).padStart(32, '0');
  const groups: string[] = [];
  for (let i = 0; i < 32; i += 4) groups.push(hex.slice(i, i + 4));
  return parseIP(groups.join(':'))!.toString();
}

/**
 * The union of networks as disjoint, non-adjacent intervals, each written as nft reads it: an
 * address, a CIDR when the interval is exactly one, else `first-last`.
 */
export function mergeIntervals(networks: readonly IPNetwork[], version: 4 | 6): string[] {
  const bits = version === 4 ? 32n : 128n;
  const spans = networks.map((n) => [big(n.first, version), big(n.last, version)] as [bigint, bigint]);
  spans.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const s of spans) {
    const top = merged[merged.length - 1];
    if (top !== undefined && s[0] <= top[1] + 1n) {
      if (s[1] > top[1]) top[1] = s[1];
    } else merged.push([s[0], s[1]]);
  }
  return merged.map(([a, b]) => {
    if (a === b) return text(a, version);
    const size = b - a + 1n;
    const isPow2 = (size & (size - 1n)) === 0n;
    if (isPow2 && a % size === 0n) {
      let prefix = bits;
      for (let s = size; s > 1n; s >>= 1n) prefix--;
      return `${text(a, version)}/${prefix}`;
    }
    return `${text(a, version)}-${text(b, version)}`;
  });
}
