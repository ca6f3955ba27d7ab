/**
 * The in-memory decision index under a bouncer's load: 100,000 active decisions (90% IPs, 10%
 * ranges; IPv4 and IPv6), lookups for addresses that are banned (hits) and that are not (misses).
 * Each bench call does 1,000 lookups, so lookups per second = ops/s × 1,000.
 *
 *   npx vitest bench --run src/decisions/decision-index.bench.ts
 *
 * With `NODE_OPTIONS=--expose-gc` it also prints the heap taken by the decisions and by the index.
 */
import { bench, describe } from 'vitest';
import { ManualClock } from '../core/index.js';
import { DecisionIndex, DecisionMatcher, type Decision } from './index.js';

const T0 = 1_700_000_000_000;
const N = 100_000;
const BATCH = 1000;

/** Deterministic generator (mulberry32), so every run measures the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(42);
const u32 = () => Math.floor(rnd() * 4294967296);
const v4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const hex = () => Math.floor(rnd() * 65536).toString(16);
/** Global unicast (2000::/4), spread over the whole block. */
const v6 = () => `2${Math.floor(rnd() * 4096).toString(16).padStart(3, '0')}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}`;

const ORIGINS = ['crowdsec', 'CAPI', 'cscli', 'lists'];
const SCENARIOS = ['crowdsecurity/ssh-bf', 'crowdsecurity/http-probing', 'crowdsecurity/http-cve', 'crowdsecurity/ssh-slow-bf'];

function makeDecisions(): { decisions: Decision[]; hits4: string[]; hits6: string[] } {
  const decisions: Decision[] = [];
  const hits4: string[] = [];
  const hits6: string[] = [];
  for (let i = 0; i < N; i++) {
    const r = rnd();
    let scope = 'Ip';
    let value: string;
    if (r < 0.8) {
      value = v4(u32());
      hits4.push(value);
    } else if (r < 0.9) {
      value = v6();
      hits6.push(value);
    } else if (r < 0.98) {
      scope = 'Range';
      value = `${v4(u32())}/${16 + Math.floor(rnd() * 15)}`;
    } else {
      scope = 'Range';
      value = `${v6()}/${[32, 48, 56, 64][Math.floor(rnd() * 4)]}`;
    }
    decisions.push({
      id: i + 1,
      uuid: `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`,
      origin: ORIGINS[i % 4],
      type: i % 10 === 0 ? 'captcha' : 'ban',
      scope,
      value,
      scenario: SCENARIOS[i % 4],
      simulated: false,
      createdAt: T0 - 3_600_000,
      until: T0 + 3_600_000 + Math.floor(rnd() * 86_400_000),
      alertId: i + 1,
    });
  }
  return { decisions, hits4, hits6 };
}

const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

const h0 = heap();
const { decisions, hits4, hits6 } = makeDecisions();
const h1 = heap();
const index = new DecisionIndex(new ManualClock(T0));
index.load(decisions);
const h2 = heap();
if (gc) {
  const mb = (b: number) => (b / 1e6).toFixed(1);
  console.log(
    `${N} decisions: ${mb(h1 - h0)} MB of Decision objects, ${mb(h2 - h1)} MB of index ` +
      `(${Math.round((h2 - h1) / N)} bytes a decision)`,
  );
}

const sample = (xs: string[]) => Array.from({ length: BATCH }, () => xs[Math.floor(rnd() * xs.length)]);
const hit4 = sample(hits4);
const hit6 = sample(hits6);
const miss4 = Array.from({ length: BATCH }, () => v4(u32()));
const miss6 = Array.from({ length: BATCH }, () => v6());
const ranges24 = Array.from({ length: BATCH }, () => `${v4(u32())}/24`);
const now = T0;
const bouncer = new DecisionMatcher({ origins: ['crowdsec', 'CAPI'], scenariosNotContaining: ['cve'] });

let sink = 0;

describe(`DecisionIndex, ${N} decisions (90% IPs, 10% ranges) — ${BATCH} lookups per op`, () => {
  bench('lookupIp IPv4, hits', () => {
    for (let i = 0; i < BATCH; i++) sink += index.lookupIp(hit4[i], now).length;
  });
  bench('lookupIp IPv4, misses', () => {
    for (let i = 0; i < BATCH; i++) sink += index.lookupIp(miss4[i], now).length;
  });
  bench('lookupIp IPv6, hits', () => {
    for (let i = 0; i < BATCH; i++) sink += index.lookupIp(hit6[i], now).length;
  });
  bench('lookupIp IPv6, misses', () => {
    for (let i = 0; i < BATCH; i++) sink += index.lookupIp(miss6[i], now).length;
  });
  bench('lookupIp IPv4, hits, bouncer filter (origins, scenarios_not_containing)', () => {
    for (let i = 0; i < BATCH; i++) sink += index.lookupIp(hit4[i], now, bouncer).length;
  });
  bench('longestMatch IPv4, hits', () => {
    for (let i = 0; i < BATCH; i++) if (index.longestMatch(hit4[i], now) !== null) sink++;
  });
  bench('longestMatch IPv4, misses', () => {
    for (let i = 0; i < BATCH; i++) if (index.longestMatch(miss4[i], now) !== null) sink++;
  });
  bench('lookupRange /24, contains=true', () => {
    for (let i = 0; i < BATCH; i++) sink += index.lookupRange(ranges24[i], true, now).length;
  });
  bench('lookupRange /24, contains=false', () => {
    for (let i = 0; i < BATCH; i++) sink += index.lookupRange(ranges24[i], false, now).length;
  });
});

describe(`DecisionIndex, ${N} decisions — churn`, () => {
  let next = N + 1;
  bench(`${BATCH} upserts then ${BATCH} removes`, () => {
    const first = next;
    for (let i = 0; i < BATCH; i++) {
      index.upsert({ ...decisions[i], id: next++, value: miss4[i] });
    }
    for (let id = first; id < next; id++) index.remove(id);
  });
});

export { sink };
