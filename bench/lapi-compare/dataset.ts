/**
 * The decisions both local APIs hold during the benchmark, and the IPs the load asks about. Seeded:
 * the same seed gives the same decisions and queries, byte for byte.
 *
 * Mix: mostly single IPv4 addresses, some single IPv6, some IPv4 ranges (/16, /20, /24) and IPv6
 * /64s; no two decisions overlap and every value is unique, so a query has exactly one expected
 * answer: the decision containing it, or none. Durations are whole hours (4h to 48h), so nothing
 * expires during a run.
 */

export interface BenchDecision {
  value: string;
  scope: 'Ip' | 'Range';
  /** Go duration, whole hours. */
  duration: string;
  reason: string;
  type: 'ban';
}

export interface BenchQuery {
  ip: string;
  /** The value of the decision that contains `ip`, or null when none does. */
  expected: string | null;
}

export interface Dataset {
  decisions: BenchDecision[];
  /** Half banned, half not, shuffled. */
  queries: BenchQuery[];
}

export interface DatasetOptions {
  seed: number;
  decisions: number;
  queries: number;
}

/** mulberry32: a tiny seeded PRNG, enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const V4_PREFIXES = [16, 20, 24] as const;
/** First octets of public unicast space (no 0, 10, 100, 127, 169, 172, 192, 198, 203, ≥ 224). */
const V4_FIRST = Array.from({ length: 223 }, (_, i) => i + 1).filter((o) => ![10, 100, 127, 169, 172, 192, 198, 203].includes(o));
/** IPv6 singles, ranges and never-banned queries live under different first groups. */
const V6_SINGLE = '2a01';
const V6_RANGE = '2a02';
const V6_FREE = '2a03';
const REASONS = ['bench/ssh-bf', 'bench/http-probing', 'bench/blocklist', 'bench/http-crawl'];

function v4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function generateDataset(opts: DatasetOptions): Dataset {
  const rnd = prng(opts.seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const group = () => (1 + int(0xffff)).toString(16);
  const randomV4 = () => ((V4_FIRST[int(V4_FIRST.length)]! << 24) | int(1 << 24)) >>> 0;

  // Ranges by prefix (network number), and for each shorter prefix the networks holding a range.
  const ranges = new Map<number, Set<number>>(V4_PREFIXES.map((p) => [p, new Set<number>()]));
  const holding = new Map<number, Set<number>>(V4_PREFIXES.map((p) => [p, new Set<number>()]));
  const singles = new Set<number>();
  const v6Values = new Set<string>();
  const covered = (x: number) => singles.has(x) || V4_PREFIXES.some((p) => ranges.get(p)!.has(x >>> (32 - p)));

  const nV4Range = Math.round(opts.decisions * 0.04);
  const nV6Range = Math.round(opts.decisions * 0.01);
  const nV6 = Math.round(opts.decisions * 0.07);
  const nV4 = opts.decisions - nV4Range - nV6Range - nV6;

  const decisions: BenchDecision[] = [];
  // Where a banned query may land: [value, v4 base, prefix] or [value, v6 /64 base].
  const add = (value: string, scope: 'Ip' | 'Range') =>
    decisions.push({ value, scope, duration: `${4 + int(45)}h`, reason: REASONS[int(REASONS.length)]!, type: 'ban' });

  const v4Ranges: { base: number; prefix: number; value: string }[] = [];
  while (v4Ranges.length < nV4Range) {
    const prefix = V4_PREFIXES[int(V4_PREFIXES.length)]!;
    const net = randomV4() >>> (32 - prefix);
    const base = (net << (32 - prefix)) >>> 0;
    const overlaps = V4_PREFIXES.some((q) => (q <= prefix ? ranges.get(q)!.has(base >>> (32 - q)) : false)) || holding.get(prefix)!.has(net) || ranges.get(prefix)!.has(net);
    if (overlaps) continue;
    ranges.get(prefix)!.add(net);
    for (const q of V4_PREFIXES) if (q < prefix) holding.get(q)!.add(base >>> (32 - q));
    const value = `${v4(base)}/${prefix}`;
    v4Ranges.push({ base, prefix, value });
  }
  const v6Ranges: string[] = [];
  while (v6Ranges.length < nV6Range) {
    const base = `${V6_RANGE}:${group()}:${group()}:${group()}`;
    if (v6Values.has(base)) continue;
    v6Values.add(base);
    v6Ranges.push(base);
  }
  const v4Singles: string[] = [];
  while (v4Singles.length < nV4) {
    const x = randomV4();
    if (covered(x)) continue;
    singles.add(x);
    v4Singles.push(v4(x));
  }
  const v6Singles: string[] = [];
  while (v6Singles.length < nV6) {
    const ip = `${V6_SINGLE}:${group()}:${group()}:${group()}:${group()}:${group()}:${group()}:${group()}`;
    if (v6Values.has(ip)) continue;
    v6Values.add(ip);
    v6Singles.push(ip);
  }

  // Interleave the kinds in a seeded order, as a real list would be.
  const kinds: number[] = [...Array(nV4).fill(0), ...Array(nV6).fill(1), ...Array(nV4Range).fill(2), ...Array(nV6Range).fill(3)];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const next = [0, 0, 0, 0];
  const hits: (() => string)[] = [];
  for (const k of kinds) {
    const i = next[k]!++;
    if (k === 0) {
      const ip = v4Singles[i]!;
      add(ip, 'Ip');
      hits.push(() => ip);
    } else if (k === 1) {
      const ip = v6Singles[i]!;
      add(ip, 'Ip');
      hits.push(() => ip);
    } else if (k === 2) {
      const r = v4Ranges[i]!;
      add(r.value, 'Range');
      hits.push(() => v4((r.base + int(2 ** (32 - r.prefix))) >>> 0));
    } else {
      const base = v6Ranges[i]!;
      add(`${base}::/64`, 'Range');
      hits.push(() => `${base}:${group()}:${group()}:${group()}:${group()}`);
    }
  }

  const queries: BenchQuery[] = [];
  const banned = Math.floor(opts.queries / 2);
  for (let q = 0; q < banned; q++) {
    const i = int(decisions.length);
    queries.push({ ip: hits[i]!(), expected: decisions[i]!.value });
  }
  while (queries.length < opts.queries) {
    if (rnd() < 0.8) {
      const x = randomV4();
      if (covered(x)) continue;
      queries.push({ ip: v4(x), expected: null });
    } else {
      queries.push({ ip: `${V6_FREE}:${group()}:${group()}:${group()}:${group()}:${group()}:${group()}:${group()}`, expected: null });
    }
  }
  for (let i = queries.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [queries[i], queries[j]] = [queries[j]!, queries[i]!];
  }
  return { decisions, queries };
}

/** The decisions as an import CSV (`value,duration,reason,type,scope`, the columns cscli reads). No field needs quoting. */
export function decisionsCsv(decisions: readonly BenchDecision[]): string {
  let out = 'value,duration,reason,type,scope\n';
  for (const d of decisions) out += `${d.value},${d.duration},${d.reason},${d.type},${d.scope}\n`;
  return out;
}
