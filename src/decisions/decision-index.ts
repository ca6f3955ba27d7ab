/**
 * The active decisions in memory, so that a bouncer's query never waits on SQL: `?ip=`, `?range=`
 * (with `contains`), `?scope=&value=`, `?type=` and the stream are answered from here, following
 * CrowdSec's `pkg/database/decisionfilter.go` (`applyDecisionFilter`, `decisionIPFilter`) and
 * `decisions.go` (`longestDecisionForScopeTypeValue`).
 *
 * Layout (hot path: one lookup per bouncer request, tens of thousands a second on one core):
 * - Decisions whose scope is `Ip` or `Range` (any case) and whose value is an IP or a CIDR live in
 *   buckets by family and prefix length: 33 Maps for IPv4 keyed by the network's first p bits as
 *   a number, 129 Maps for IPv6 keyed by its first ⌈p/16⌉ 16-bit groups as a short string. An `Ip`
 *   decision is in the /32 (/128) bucket. As in CrowdSec (which turns the value of both scopes
 *   into start/end bounds), the value decides: an `Ip` decision written as a CIDR acts as a range.
 *   A lookup masks the address once per prefix length present, longest first.
 * - Other decisions (AS, Country, username…, or an unparsable Ip/Range value) are keyed by value.
 * - Decisions sharing a key are chained; a min-heap on `until` makes `expire` O(k log n).
 * IPv4 and IPv6 follow the ip module: an IPv4-mapped address is the IPv4 address, an IPv6 network
 * never holds an IPv4 address (CrowdSec's `ip_size` check).
 *
 * Memory: besides the Decision objects themselves (the caller's; ~350 bytes each with their own
 * uuid and value strings), the index costs ~140 bytes a decision: one slot object, an entry in the
 * id Map and one in a bucket Map, a heap cell (an IPv6 key string adds ~30). Measured by the bench
 * (`NODE_OPTIONS=--expose-gc`): 100,000 decisions, 90% IPs and 10% ranges, v4 and v6 = 14 MB of
 * index next to 35 MB of decisions.
 *
 * Active means `until > now` (as the store's `activeAt`). Treat an indexed Decision as immutable:
 * to change one, upsert a new object with the same id.
 */
import { HerdError, type Clock } from '../core/index.js';
import { IPAddress, IPNetwork, parseIP, parseRange } from '../ip/index.js';
import type { Decision } from './decision.js';

/**
 * Which decisions a bouncer (or cscli) wants, with CrowdSec's query parameters in camelCase:
 * `type`, `origins`, `scenarios_containing`, `scenarios_not_containing`, `scopes`, `simulated`.
 * A list that is undefined or empty is not applied; the API splits a parameter on commas as
 * CrowdSec does (so `origins=` gives `['']`, which matches no decision).
 */
export interface DecisionFilter {
  /** Exactly this type (`ban`, `captcha`…). */
  type?: string;
  /** Any of these origins, exactly (`crowdsec`, `cscli`, `CAPI`, `lists`…). */
  origins?: readonly string[];
  /** The scenario contains one of these words, ignoring case. */
  scenariosContaining?: readonly string[];
  /** The scenario contains none of these words, ignoring case. */
  scenariosNotContaining?: readonly string[];
  /** Any of these scopes; `ip`, `range`, `country`, `as` are written as CrowdSec stores them. */
  scopes?: readonly string[];
  /** Include simulated decisions too. By default (and for bouncers, always) they are left out. */
  simulated?: boolean;
}

/** CrowdSec's scope spelling for the four scopes it knows; other scopes as given. */
export function normaliseScope(scope: string): string {
  switch (scope.toLowerCase()) {
    case 'ip':
      return 'Ip';
    case 'range':
      return 'Range';
    case 'country':
      return 'Country';
    case 'as':
      return 'AS';
    default:
      return scope;
  }
}

function list(l: readonly string[] | undefined): readonly string[] | null {
  return l === undefined || l.length === 0 ? null : l;
}

/** A `DecisionFilter` prepared once (lowercased words, normalised scopes), then asked per decision. */
export class DecisionMatcher {
  private readonly type: string | null;
  private readonly origins: readonly string[] | null;
  private readonly scopes: readonly string[] | null;
  private readonly containing: readonly string[] | null;
  private readonly notContaining: readonly string[] | null;
  private readonly simulated: boolean;

  constructor(filter: DecisionFilter = {}) {
    this.type = filter.type ?? null;
    this.origins = list(filter.origins);
    const scopes = list(filter.scopes);
    this.scopes = scopes === null ? null : scopes.map(normaliseScope);
    const c = list(filter.scenariosContaining);
    this.containing = c === null ? null : c.map((w) => w.toLowerCase());
    const nc = list(filter.scenariosNotContaining);
    this.notContaining = nc === null ? null : nc.map((w) => w.toLowerCase());
    this.simulated = filter.simulated === true;
  }

  matches(d: Decision): boolean {
    if (d.simulated && !this.simulated) return false;
    if (this.type !== null && d.type !== this.type) return false;
    if (this.origins !== null && !this.origins.includes(d.origin)) return false;
    if (this.scopes !== null && !this.scopes.includes(d.scope)) return false;
    if (this.containing !== null || this.notContaining !== null) {
      const scenario = d.scenario.toLowerCase();
      if (this.containing !== null && !anyIn(scenario, this.containing)) return false;
      if (this.notContaining !== null && anyIn(scenario, this.notContaining)) return false;
    }
    return true;
  }
}

function anyIn(s: string, words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) if (s.includes(words[i])) return true;
  return false;
}

const ALL_BUT_SIMULATED = new DecisionMatcher();

function matcherOf(filter: DecisionFilter | DecisionMatcher | undefined): DecisionMatcher {
  if (filter === undefined) return ALL_BUT_SIMULATED;
  return filter instanceof DecisionMatcher ? filter : new DecisionMatcher(filter);
}

/** Where a decision is kept: family 4 or 6 (bucket `prefix`, network `key`), or 0 (by value). */
class Slot {
  next: Slot | undefined = undefined;
  heapAt = -1;
  constructor(
    readonly d: Decision,
    readonly until: number,
    readonly family: 0 | 4 | 6,
    readonly prefix: number,
    readonly key: number | string,
  ) {}
}

/** MASK6[4p..4p+3]: the four word masks of an IPv6 /p. */
const MASK6 = new Uint32Array(129 * 4);
function wordMask(bits: number): number {
  if (bits <= 0) return 0;
  return bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}
for (let p = 0; p <= 128; p++) for (let w = 0; w < 4; w++) MASK6[p * 4 + w] = wordMask(p - 32 * w);

/**
 * The IPv4 network key of an address at prefix `p`: its first p bits as a number (below 2^30, a
 * small integer V8 hashes without boxing, for every prefix up to /30).
 */
function v4Key(x: number, p: number): number {
  return p === 0 ? 0 : x >>> (32 - p);
}

const fromCodes = String.fromCharCode;

/** The IPv6 network key of an address at prefix `p`: its first ⌈p/16⌉ groups, masked, as UTF-16 code units. */
function v6Key(w0: number, w1: number, w2: number, w3: number, p: number): string {
  const m = p * 4;
  const a = w0 & MASK6[m];
  const b = w1 & MASK6[m + 1];
  const c = w2 & MASK6[m + 2];
  const d = w3 & MASK6[m + 3];
  switch ((p + 15) >>> 4) {
    case 0:
      return '';
    case 1:
      return fromCodes(a >>> 16);
    case 2:
      return fromCodes(a >>> 16, a & 0xffff);
    case 3:
      return fromCodes(a >>> 16, a & 0xffff, b >>> 16);
    case 4:
      return fromCodes(a >>> 16, a & 0xffff, b >>> 16, b & 0xffff);
    case 5:
      return fromCodes(a >>> 16, a & 0xffff, b >>> 16, b & 0xffff, c >>> 16);
    case 6:
      return fromCodes(a >>> 16, a & 0xffff, b >>> 16, b & 0xffff, c >>> 16, c & 0xffff);
    case 7:
      return fromCodes(a >>> 16, a & 0xffff, b >>> 16, b & 0xffff, c >>> 16, c & 0xffff, d >>> 16);
    default:
      return fromCodes(a >>> 16, a & 0xffff, b >>> 16, b & 0xffff, c >>> 16, c & 0xffff, d >>> 16, d & 0xffff);
  }
}

/** Is the network with key `inner` (prefix >= q) inside the network with key `outer` at prefix q? */
function v6Within(inner: string, outer: string, q: number): boolean {
  const full = q >>> 4;
  for (let i = 0; i < full; i++) if (inner.charCodeAt(i) !== outer.charCodeAt(i)) return false;
  const rest = q & 15;
  return rest === 0 || (inner.charCodeAt(full) & ((0xffff << (16 - rest)) & 0xffff)) === outer.charCodeAt(full);
}

function queryError(what: string, text: string): HerdError {
  return new HerdError(
    'HERD_DECISION_QUERY',
    `decision lookup: ${JSON.stringify(text)} is not ${what}; ` +
      'give an address (192.0.2.1, 2001:db8::1) or a range (192.0.2.0/24, 2001:db8::/32)',
  );
}

export class DecisionIndex {
  private readonly byId = new Map<number, Slot>();
  private readonly byValue = new Map<string, Slot>();
  private readonly v4: Map<number, Slot>[] = Array.from({ length: 33 }, () => new Map<number, Slot>());
  private readonly v6: Map<string, Slot>[] = Array.from({ length: 129 }, () => new Map<string, Slot>());
  private readonly v4Count = new Int32Array(33);
  private readonly v6Count = new Int32Array(129);
  /** Prefix lengths holding at least one decision, longest first. */
  private v4Prefixes: number[] = [];
  private v6Prefixes: number[] = [];
  /** Min-heap on `until`. */
  private readonly heap: Slot[] = [];

  /** `clock` tells `upsert` and `load` which decisions are already over. */
  constructor(private readonly clock: Clock) {}

  /** Decisions held, including those past `until` that `expire` has not dropped yet. */
  get size(): number {
    return this.byId.size;
  }

  /** Adds the decision, or replaces the one with its id; one already over (`until <= now`) is removed. */
  upsert(d: Decision): void {
    const old = this.byId.get(d.id);
    if (old !== undefined) this.unlink(old);
    if (d.until <= this.clock.now()) {
      if (old !== undefined) this.byId.delete(d.id);
      return;
    }
    const slot = this.slotFor(d);
    this.byId.set(d.id, slot); // a replaced id keeps its place in iteration order
    this.link(slot);
  }

  /** Upserts each decision (start-up: the store's active decisions, in id order). */
  load(decisions: Iterable<Decision>): void {
    for (const d of decisions) this.upsert(d);
  }

  /** Removes the decision with this id; returns it, or undefined when it was not held. */
  remove(id: number): Decision | undefined {
    const slot = this.byId.get(id);
    if (slot === undefined) return undefined;
    this.byId.delete(id);
    this.unlink(slot);
    return slot.d;
  }

  /** Drops and returns the decisions whose `until <= now` (the caller reports them as deleted to streams). */
  expire(now: number): Decision[] {
    const out: Decision[] = [];
    const heap = this.heap;
    while (heap.length > 0 && heap[0].until <= now) {
      const slot = heap[0];
      this.byId.delete(slot.d.id);
      this.unlink(slot);
      out.push(slot.d);
    }
    return out;
  }

  /**
   * `GET /v1/decisions?ip=` (CrowdSec's default `contains=true`): the active decisions on this
   * address and on ranges holding it, most specific network first (order within a network is
   * unspecified). Throws HERD_DECISION_QUERY when the text is not an IP address.
   */
  lookupIp(ip: string | IPAddress, now: number, filter?: DecisionFilter | DecisionMatcher): Decision[] {
    let addr: IPAddress | null;
    if (typeof ip === 'string') {
      addr = parseIP(ip);
      if (addr === null) throw queryError('an IP address', ip);
    } else {
      addr = ip;
    }
    const f = matcherOf(filter);
    const out: Decision[] = [];
    if (addr.version === 4) {
      const x = addr.w3;
      const ps = this.v4Prefixes;
      for (let i = 0; i < ps.length; i++) {
        const p = ps[i];
        for (let s = this.v4[p].get(v4Key(x, p)); s !== undefined; s = s.next) {
          if (s.until > now && f.matches(s.d)) out.push(s.d);
        }
      }
    } else {
      const ps = this.v6Prefixes;
      for (let i = 0; i < ps.length; i++) {
        const p = ps[i];
        for (let s = this.v6[p].get(v6Key(addr.w0, addr.w1, addr.w2, addr.w3, p)); s !== undefined; s = s.next) {
          if (s.until > now && f.matches(s.d)) out.push(s.d);
        }
      }
    }
    return out;
  }

  /**
   * The decision on the most specific network holding `ip` (the longest-lasting one there), or
   * null: what a bouncer applies. An invalid address matches nothing (no exception: hot path).
   */
  longestMatch(ip: string | IPAddress, now: number, filter?: DecisionFilter | DecisionMatcher): Decision | null {
    const addr = typeof ip === 'string' ? parseIP(ip) : ip;
    if (addr === null) return null;
    const f = matcherOf(filter);
    const v4 = addr.version === 4;
    const ps = v4 ? this.v4Prefixes : this.v6Prefixes;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      let s = v4 ? this.v4[p].get(v4Key(addr.w3, p)) : this.v6[p].get(v6Key(addr.w0, addr.w1, addr.w2, addr.w3, p));
      let best: Slot | null = null;
      for (; s !== undefined; s = s.next) {
        if (s.until > now && (best === null || s.until > best.until) && f.matches(s.d)) best = s;
      }
      if (best !== null) return best.d;
    }
    return null;
  }

  /**
   * `GET /v1/decisions?range=` / `?ip=` with `contains`, as CrowdSec's `decisionIPFilter` (whose
   * default, for both parameters, is `contains=true`):
   * - contains=true: decisions whose bounds hold the whole query (start <= q.start, end >= q.end);
   * - contains=false: decisions inside the query (start >= q.start, end <= q.end). For `ip=` that
   *   is only the decisions on exactly that address (an `Ip` decision, or a /32 or /128 range),
   *   never the ranges holding it.
   * Same address family only. `cidr` is a CIDR or a bare address. Throws HERD_DECISION_QUERY when
   * it is neither. Cost: contains=true masks once per prefix length present; contains=false visits,
   * per prefix length p at least the query's, the smaller of 2^(p−q) keys (IPv4) and the bucket.
   */
  lookupRange(
    cidr: string | IPNetwork,
    contains: boolean,
    now: number,
    filter?: DecisionFilter | DecisionMatcher,
  ): Decision[] {
    let net: IPNetwork | null;
    if (typeof cidr === 'string') {
      net = parseRange(cidr);
      if (net === null) throw queryError('an IP address or CIDR range', cidr);
    } else {
      net = cidr;
    }
    const f = matcherOf(filter);
    const out: Decision[] = [];
    const q = net.prefix;
    const a = net.first;
    if (net.version === 4) {
      const ps = this.v4Prefixes;
      for (let i = 0; i < ps.length; i++) {
        const p = ps[i];
        const bucket = this.v4[p];
        if (contains) {
          if (p <= q) this.collect(bucket.get(v4Key(a.w3, p)), now, f, out);
        } else if (p >= q) {
          // The keys at p inside the query are consecutive: [first, first + span).
          const span = 2 ** (p - q);
          const first = v4Key(a.w3, q) * span;
          if (span <= bucket.size) {
            for (let k = 0; k < span; k++) this.collect(bucket.get(first + k), now, f, out);
          } else {
            for (const [key, head] of bucket) if (key >= first && key < first + span) this.collect(head, now, f, out);
          }
        }
      }
    } else {
      const ps = this.v6Prefixes;
      const qKey = v6Key(a.w0, a.w1, a.w2, a.w3, q);
      for (let i = 0; i < ps.length; i++) {
        const p = ps[i];
        const bucket = this.v6[p];
        if (contains) {
          if (p <= q) this.collect(bucket.get(v6Key(a.w0, a.w1, a.w2, a.w3, p)), now, f, out);
        } else if (p === q) {
          this.collect(bucket.get(qKey), now, f, out);
        } else if (p > q) {
          for (const [key, head] of bucket) if (v6Within(key, qKey, q)) this.collect(head, now, f, out);
        }
      }
    }
    return out;
  }

  /**
   * `GET /v1/decisions?scope=&value=`: active decisions with exactly this value and, when `scope`
   * is given, this scope (normalised as CrowdSec does: `ip` → `Ip`, `as` → `AS`…; then exact).
   */
  lookupValue(scope: string | undefined, value: string, now: number, filter?: DecisionFilter | DecisionMatcher): Decision[] {
    const f = matcherOf(filter);
    const want = scope === undefined ? null : normaliseScope(scope);
    const out: Decision[] = [];
    for (let s = this.byValue.get(value); s !== undefined; s = s.next) {
      if (s.until > now && (want === null || s.d.scope === want) && f.matches(s.d)) out.push(s.d);
    }
    const net = parseRange(value);
    if (net !== null) {
      // Ip/Range decisions sit under their network; other values reading as that network share it.
      for (let s = this.networkHead(net); s !== undefined; s = s.next) {
        if (s.until > now && s.d.value === value && (want === null || s.d.scope === want) && f.matches(s.d)) out.push(s.d);
      }
    }
    return out;
  }

  /** The active decisions matching the filter, in insertion order (id order when loaded so). */
  *active(now: number, filter?: DecisionFilter | DecisionMatcher): IterableIterator<Decision> {
    const f = matcherOf(filter);
    for (const s of this.byId.values()) if (s.until > now && f.matches(s.d)) yield s.d;
  }

  /**
   * Is `d` the longest of the decisions held on its scope, value and type (none lasts longer)?
   * CrowdSec's stream test for one decision (`longestDecisionForScopeTypeValue`): it weighs every
   * decision held, simulated or not, before any bouncer filter; ties all count as longest.
   */
  isLongest(d: Decision): boolean {
    const scope = d.scope.toLowerCase();
    const net = scope === 'ip' || scope === 'range' ? parseRange(d.value) : null;
    for (let s = net === null ? this.byValue.get(d.value) : this.networkHead(net); s !== undefined; s = s.next) {
      const o = s.d;
      if (s.until > d.until && o.value === d.value && o.type === d.type && o.scope === d.scope) return false;
    }
    return true;
  }

  private collect(head: Slot | undefined, now: number, f: DecisionMatcher, out: Decision[]): void {
    for (let s = head; s !== undefined; s = s.next) if (s.until > now && f.matches(s.d)) out.push(s.d);
  }

  private networkHead(net: IPNetwork): Slot | undefined {
    const a = net.first;
    return net.version === 4
      ? this.v4[net.prefix].get(v4Key(a.w3, net.prefix))
      : this.v6[net.prefix].get(v6Key(a.w0, a.w1, a.w2, a.w3, net.prefix));
  }

  private slotFor(d: Decision): Slot {
    const scope = d.scope.toLowerCase();
    if (scope === 'ip' || scope === 'range') {
      const net = parseRange(d.value);
      if (net !== null) {
        const a = net.first;
        return net.version === 4
          ? new Slot(d, d.until, 4, net.prefix, v4Key(a.w3, net.prefix))
          : new Slot(d, d.until, 6, net.prefix, v6Key(a.w0, a.w1, a.w2, a.w3, net.prefix));
      }
    }
    return new Slot(d, d.until, 0, 0, d.value);
  }

  private link(slot: Slot): void {
    if (slot.family === 4) {
      const bucket = this.v4[slot.prefix];
      slot.next = bucket.get(slot.key as number);
      bucket.set(slot.key as number, slot);
      if (this.v4Count[slot.prefix]++ === 0) this.v4Prefixes = prefixesOf(this.v4Count);
    } else if (slot.family === 6) {
      const bucket = this.v6[slot.prefix];
      slot.next = bucket.get(slot.key as string);
      bucket.set(slot.key as string, slot);
      if (this.v6Count[slot.prefix]++ === 0) this.v6Prefixes = prefixesOf(this.v6Count);
    } else {
      slot.next = this.byValue.get(slot.key as string);
      this.byValue.set(slot.key as string, slot);
    }
    this.heapPush(slot);
  }

  /** Takes the slot out of its chain and the heap (not out of `byId`). */
  private unlink(slot: Slot): void {
    const map: Map<number | string, Slot> =
      slot.family === 4 ? this.v4[slot.prefix] : slot.family === 6 ? this.v6[slot.prefix] : this.byValue;
    const head = map.get(slot.key);
    if (head === slot) {
      if (slot.next === undefined) map.delete(slot.key);
      else map.set(slot.key, slot.next);
    } else {
      let prev = head;
      while (prev !== undefined && prev.next !== slot) prev = prev.next;
      if (prev !== undefined) prev.next = slot.next;
    }
    slot.next = undefined;
    if (slot.family === 4) {
      if (--this.v4Count[slot.prefix] === 0) this.v4Prefixes = prefixesOf(this.v4Count);
    } else if (slot.family === 6) {
      if (--this.v6Count[slot.prefix] === 0) this.v6Prefixes = prefixesOf(this.v6Count);
    }
    this.heapRemove(slot);
  }

  private heapPush(slot: Slot): void {
    slot.heapAt = this.heap.length;
    this.heap.push(slot);
    this.siftUp(slot.heapAt);
  }

  private heapRemove(slot: Slot): void {
    const heap = this.heap;
    const i = slot.heapAt;
    slot.heapAt = -1;
    const last = heap.pop() as Slot;
    if (last === slot) return;
    heap[i] = last;
    last.heapAt = i;
    this.siftDown(this.siftUp(i));
  }

  /** Moves the slot at i up while it ends before its parent; returns where it stopped. */
  private siftUp(i: number): number {
    const heap = this.heap;
    const slot = heap[i];
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (heap[parent].until <= slot.until) break;
      heap[i] = heap[parent];
      heap[i].heapAt = i;
      i = parent;
    }
    heap[i] = slot;
    slot.heapAt = i;
    return i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const slot = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1].until < heap[child].until) child++;
      if (heap[child].until >= slot.until) break;
      heap[i] = heap[child];
      heap[i].heapAt = i;
      i = child;
    }
    heap[i] = slot;
    slot.heapAt = i;
  }
}

function prefixesOf(counts: Int32Array): number[] {
  const out: number[] = [];
  for (let p = counts.length - 1; p >= 0; p--) if (counts[p] > 0) out.push(p);
  return out;
}

/**
 * Stream semantics (CrowdSec's `longestDecisionForScopeTypeValue`): of the given decisions, those
 * no other one of the same scope, value and type outlasts. Ties are all kept, as CrowdSec's SQL
 * keeps them; input order is kept. CrowdSec weighs all active decisions before the bouncer's
 * filters: pass `index.active(now, { simulated: true })` and filter afterwards to match it.
 */
export function longestPerValueAndType(decisions: Iterable<Decision>): Decision[] {
  const all = Array.isArray(decisions) ? (decisions as Decision[]) : [...decisions];
  // Each decision's key is built once: this runs over every active decision at a stream startup.
  const keys = new Array<string>(all.length);
  const longest = new Map<string, number>();
  for (let i = 0; i < all.length; i++) {
    const d = all[i];
    const key = `${d.scope}\u0000${d.value}\u0000${d.type}`;
    keys[i] = key;
    const u = longest.get(key);
    if (u === undefined || d.until > u) longest.set(key, d.until);
  }
  const out: Decision[] = [];
  for (let i = 0; i < all.length; i++) if (all[i].until === longest.get(keys[i])) out.push(all[i]);
  return out;
}
