import { ipToHex, networkOf, parseIP, parseRange, type IPAddress, type IPNetwork } from '../ip/index.js';
import { RemediationRanking, type ActiveDecision } from './remediation.js';
import { decisionUntil, ipScopeOf, type WireDecision } from './wire-decision.js';

/**
 * The decisions of stream mode, held in memory and asked per request. An address is a /32 (/128)
 * network, so addresses and ranges share one structure: per prefix length present, a map from the
 * network's first address to the decisions on it. A lookup masks the address once per prefix
 * length in use (a handful in practice) and reads a map: no scan over the decisions (hot path).
 * IPv4 networks are keyed by their 32-bit number, IPv6 ones by their 32 hex digits.
 */

interface Held {
  decision: ActiveDecision;
  version: 4 | 6;
  prefix: number;
  key: number | string;
  /** `type|scope|value`: how a deletion without a known id finds it. */
  valueKey: string;
}

export interface ApplyReport {
  added: number;
  removed: number;
  /** Decisions this bouncer cannot enforce: other scopes, unparsable values or durations. */
  ignored: number;
}

function valueKeyOf(type: string, scope: string, value: string): string {
  return `${type}|${scope}|${value}`;
}

export class DecisionSet {
  private readonly v4 = new Map<number, Map<number, Held[]>>();
  private readonly v6 = new Map<number, Map<string, Held[]>>();
  /** Prefix lengths in use, longest first; rebuilt when one appears or disappears. */
  private prefixes4: number[] = [];
  private prefixes6: number[] = [];
  private readonly byId = new Map<number, Held>();
  private readonly byValue = new Map<string, Set<Held>>();
  /** Ids for decisions that came without one (negative, so they never meet the API's). */
  private nextLocalId = -1;

  constructor(private readonly ranking: RemediationRanking = new RemediationRanking()) {}

  /** How many decisions are held. */
  get size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.v4.clear();
    this.v6.clear();
    this.prefixes4 = [];
    this.prefixes6 = [];
    this.byId.clear();
    this.byValue.clear();
  }

  /**
   * Applies one stream answer received at `receivedAt`: deletions first (by id when held, else
   * every held decision with the same type, scope and value), then additions (a known id is
   * replaced). A decision whose time is already over is not added.
   */
  apply(stream: { new: readonly WireDecision[]; deleted: readonly WireDecision[] }, receivedAt: number): ApplyReport {
    const report: ApplyReport = { added: 0, removed: 0, ignored: 0 };
    for (const d of stream.deleted) report.removed += this.removeWire(d);
    for (const d of stream.new) {
      const a = toActive(d, receivedAt);
      if (a === null) {
        report.ignored++;
        continue;
      }
      if (a.until <= receivedAt) continue;
      this.add(a);
      report.added++;
    }
    return report;
  }

  /** Holds a decision (replacing one with the same id). Returns false when its value is not an IP or range. */
  add(decision: ActiveDecision): boolean {
    const network = decision.scope === 'ip' ? singleAddress(decision.value) : parseRange(decision.value);
    if (network === null) return false;
    if (decision.id > 0) this.removeId(decision.id);
    const id = decision.id > 0 ? decision.id : this.nextLocalId--;
    const held: Held = {
      decision: decision.id === id ? decision : { ...decision, id },
      version: network.version,
      prefix: network.prefix,
      key: network.version === 4 ? network.first.w3 : ipToHex(network.first),
      valueKey: valueKeyOf(decision.type, decision.scope, network.toString()),
    };
    this.byId.set(id, held);
    let sameValue = this.byValue.get(held.valueKey);
    if (sameValue === undefined) this.byValue.set(held.valueKey, (sameValue = new Set()));
    sameValue.add(held);
    if (held.version === 4) {
      let m = this.v4.get(held.prefix);
      if (m === undefined) {
        this.v4.set(held.prefix, (m = new Map()));
        this.prefixes4 = [...this.v4.keys()].sort((a, b) => b - a);
      }
      const k = held.key as number;
      const list = m.get(k);
      if (list === undefined) m.set(k, [held]);
      else list.push(held);
    } else {
      let m = this.v6.get(held.prefix);
      if (m === undefined) {
        this.v6.set(held.prefix, (m = new Map()));
        this.prefixes6 = [...this.v6.keys()].sort((a, b) => b - a);
      }
      const k = held.key as string;
      const list = m.get(k);
      if (list === undefined) m.set(k, [held]);
      else list.push(held);
    }
    return true;
  }

  /** Removes a decision by id; false when not held. */
  removeId(id: number): boolean {
    const held = this.byId.get(id);
    if (held === undefined) return false;
    this.drop(held);
    return true;
  }

  /** The decision to enforce on `ip` at `now` (strongest type, then longest), or null. */
  lookup(ip: IPAddress, now: number): ActiveDecision | null {
    let best: ActiveDecision | null = null;
    if (ip.version === 4) {
      const prefixes = this.prefixes4;
      for (let i = 0; i < prefixes.length; i++) {
        const p = prefixes[i];
        const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
        const list = this.v4.get(p)!.get((ip.w3 & mask) >>> 0);
        if (list !== undefined) best = this.better(list, best, now);
      }
    } else {
      const prefixes = this.prefixes6;
      for (let i = 0; i < prefixes.length; i++) {
        const p = prefixes[i];
        const net = networkOf(ip, p);
        if (net === null) continue;
        const list = this.v6.get(p)!.get(ipToHex(net.first));
        if (list !== undefined) best = this.better(list, best, now);
      }
    }
    return best;
  }

  /** Drops every decision whose time is over; returns how many. */
  sweep(now: number): number {
    let n = 0;
    for (const held of [...this.byId.values()]) {
      if (held.decision.until <= now) {
        this.drop(held);
        n++;
      }
    }
    return n;
  }

  /** Every held decision (for reports and tests). */
  *decisions(): IterableIterator<ActiveDecision> {
    for (const h of this.byId.values()) yield h.decision;
  }

  private better(list: Held[], best: ActiveDecision | null, now: number): ActiveDecision | null {
    for (let i = 0; i < list.length; i++) {
      const d = list[i].decision;
      if (d.until <= now) continue;
      if (best === null || this.ranking.stronger(d, best)) best = d;
    }
    return best;
  }

  private removeWire(d: WireDecision): number {
    if (d.id > 0 && this.removeId(d.id)) return 1;
    const scope = ipScopeOf(d.scope);
    if (scope === null) return 0;
    const network = scope === 'ip' ? singleAddress(d.value) : parseRange(d.value);
    if (network === null) return 0;
    const same = this.byValue.get(valueKeyOf(d.type, scope, network.toString()));
    if (same === undefined) return 0;
    const list = [...same];
    for (const h of list) this.drop(h);
    return list.length;
  }

  private drop(held: Held): void {
    this.byId.delete(held.decision.id);
    const same = this.byValue.get(held.valueKey);
    if (same !== undefined) {
      same.delete(held);
      if (same.size === 0) this.byValue.delete(held.valueKey);
    }
    if (held.version === 4) {
      if (removeHeld(this.v4, held.prefix, held.key as number, held)) this.prefixes4 = [...this.v4.keys()].sort((a, b) => b - a);
    } else if (removeHeld(this.v6, held.prefix, held.key as string, held)) {
      this.prefixes6 = [...this.v6.keys()].sort((a, b) => b - a);
    }
  }
}

/** An `ip`-scope value as a one-address network; null unless it is an address. */
function singleAddress(value: string): IPNetwork | null {
  const ip = parseIP(value);
  return ip === null ? null : networkOf(ip, ip.version === 4 ? 32 : 128);
}

/** A wire decision as held by a bouncer, or null when it cannot be enforced on addresses. */
/** Takes `held` out of its prefix's map; true when that prefix length is no longer in use. */
function removeHeld<K>(byPrefix: Map<number, Map<K, Held[]>>, prefix: number, key: K, held: Held): boolean {
  const m = byPrefix.get(prefix);
  const list = m?.get(key);
  if (m === undefined || list === undefined) return false;
  const rest = list.filter((h) => h !== held);
  if (rest.length > 0) m.set(key, rest);
  else m.delete(key);
  if (m.size > 0) return false;
  byPrefix.delete(prefix);
  return true;
}

export function toActive(d: WireDecision, receivedAt: number): ActiveDecision | null {
  const scope = ipScopeOf(d.scope);
  if (scope === null) return null;
  const until = decisionUntil(d, receivedAt);
  if (until === null) return null;
  const network = scope === 'ip' ? singleAddress(d.value) : parseRange(d.value);
  if (network === null) return null;
  const value = scope === 'ip' ? network.first.toString() : network.toString();
  return { id: d.id, type: d.type, scope, value, origin: d.origin, scenario: d.scenario, until };
}
