import { HerdError } from '../core/index.js';
import type { NftPlan } from './nftables-state.js';

/**
 * nft scripts for the firewall bouncer, run as one batch (`nft -f -`), which the kernel applies as
 * one transaction: all of it or none. The table is herd's own:
 *
 *   table inet herd {
 *     set herd-blacklist-v4 { type ipv4_addr; flags timeout; }
 *     set herd-blacklist-v6 { type ipv6_addr; flags timeout; }
 *     set herd-blacklist-v4-ranges { type ipv4_addr; flags interval; }
 *     set herd-blacklist-v6-ranges { type ipv6_addr; flags interval; }
 *     chain input { type filter hook input priority -10; policy accept;
 *       ip saddr @herd-blacklist-v4 counter drop
 *       ip6 saddr @herd-blacklist-v6 counter drop
 *       ip saddr @herd-blacklist-v4-ranges counter drop
 *       ip6 saddr @herd-blacklist-v6-ranges counter drop } }
 *
 * Removing an element the kernel no longer has (its timeout ran out) would fail the whole batch,
 * so a removal first adds the element with a 1 s timeout (a no-op when it exists), then deletes
 * it; a new timeout for an existing element is that removal followed by an add.
 */

export interface NftablesNames {
  /** Default `herd` (family `inet`: one table for IPv4 and IPv6). */
  table: string;
  setV4: string;
  setV6: string;
  rangeSetV4: string;
  rangeSetV6: string;
  /** Hooks to filter at, one base chain each, named after the hook. Default `['input']`. */
  hooks: ('input' | 'forward' | 'prerouting')[];
  /** Chain priority. Default -10 (before the usual filter chains at 0). */
  priority: number;
}

export const DEFAULT_NFT_NAMES: Readonly<NftablesNames> = Object.freeze<NftablesNames>({
  table: 'herd',
  setV4: 'herd-blacklist-v4',
  setV6: 'herd-blacklist-v6',
  rangeSetV4: 'herd-blacklist-v4-ranges',
  rangeSetV6: 'herd-blacklist-v6-ranges',
  hooks: ['input'],
  priority: -10,
});

const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Names with defaults filled in; throws HERD_BOUNCER_CONFIG for a name nft would not take. */
export function nftNames(partial: Partial<NftablesNames> = {}): NftablesNames {
  const names: NftablesNames = {
    ...DEFAULT_NFT_NAMES,
    hooks: [...DEFAULT_NFT_NAMES.hooks],
    ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)),
  } as NftablesNames;
  if (partial.setV4 !== undefined && partial.rangeSetV4 === undefined) names.rangeSetV4 = `${names.setV4}-ranges`;
  if (partial.setV6 !== undefined && partial.rangeSetV6 === undefined) names.rangeSetV6 = `${names.setV6}-ranges`;
  for (const key of ['table', 'setV4', 'setV6', 'rangeSetV4', 'rangeSetV6'] as const) {
    if (!NAME.test(names[key])) throw new HerdError('HERD_BOUNCER_CONFIG', `nftables.${key}: '${names[key]}' is not a valid nft name; use letters, digits, '_', '-' or '.', starting with a letter`);
  }
  if (new Set([names.setV4, names.setV6, names.rangeSetV4, names.rangeSetV6]).size !== 4) throw new HerdError('HERD_BOUNCER_CONFIG', 'nftables: the four set names must differ');
  if (names.hooks.length === 0 || names.hooks.some((h) => h !== 'input' && h !== 'forward' && h !== 'prerouting')) {
    throw new HerdError('HERD_BOUNCER_CONFIG', `nftables.hooks: ${JSON.stringify(names.hooks)}; use input, forward and/or prerouting`);
  }
  if (!Number.isInteger(names.priority) || Math.abs(names.priority) > 1000) throw new HerdError('HERD_BOUNCER_CONFIG', `nftables.priority: ${names.priority} must be a whole number within ±1000`);
  return names;
}

/** Elements per `add element` statement: keeps lines a reasonable length in big batches. */
const CHUNK = 500;

function elements(lines: string[], verb: 'add' | 'delete', table: string, set: string, items: string[]): void {
  for (let i = 0; i < items.length; i += CHUNK) lines.push(`${verb} element inet ${table} ${set} { ${items.slice(i, i + CHUNK).join(', ')} }`);
}

/** Creates (or recreates, emptied) herd's table, its sets and chains. */
export function tableScript(n: NftablesNames): string[] {
  const t = `inet ${n.table}`;
  const lines = [
    `add table ${t}`,
    `delete table ${t}`,
    `add table ${t}`,
    `add set ${t} ${n.setV4} { type ipv4_addr; flags timeout; }`,
    `add set ${t} ${n.setV6} { type ipv6_addr; flags timeout; }`,
    `add set ${t} ${n.rangeSetV4} { type ipv4_addr; flags interval; }`,
    `add set ${t} ${n.rangeSetV6} { type ipv6_addr; flags interval; }`,
  ];
  for (const hook of n.hooks) {
    lines.push(
      `add chain ${t} ${hook} { type filter hook ${hook} priority ${n.priority}; policy accept; }`,
      `add rule ${t} ${hook} ip saddr @${n.setV4} counter drop`,
      `add rule ${t} ${hook} ip6 saddr @${n.setV6} counter drop`,
      `add rule ${t} ${hook} ip saddr @${n.rangeSetV4} counter drop`,
      `add rule ${t} ${hook} ip6 saddr @${n.rangeSetV6} counter drop`,
    );
  }
  return lines;
}

/** Removes herd's table (no error when it is not there). */
export function cleanupScript(n: NftablesNames): string {
  return `add table inet ${n.table}\ndelete table inet ${n.table}\n`;
}

/** The batch for a plan; empty when the plan changes nothing. */
export function planScript(n: NftablesNames, plan: NftPlan): string {
  const lines = plan.full ? tableScript(n) : [];
  const gone: Record<4 | 6, string[]> = { 4: [], 6: [] };
  const added: Record<4 | 6, string[]> = { 4: [], 6: [] };
  for (const r of plan.remove) gone[r.version].push(r.ip);
  for (const s of plan.set) {
    // An element the kernel may hold with another timeout is replaced (not needed after a full rebuild).
    if (!plan.full) gone[s.version].push(s.ip);
    added[s.version].push(`${s.ip} timeout ${Math.max(1, Math.ceil(s.timeoutMs / 1000))}s`);
  }
  for (const v of [4, 6] as const) {
    const set = v === 4 ? n.setV4 : n.setV6;
    elements(lines, 'add', n.table, set, gone[v].map((ip) => `${ip} timeout 1s`));
    elements(lines, 'delete', n.table, set, gone[v]);
    elements(lines, 'add', n.table, set, added[v]);
  }
  if (plan.ranges !== null) {
    if (!plan.full) lines.push(`flush set inet ${n.table} ${n.rangeSetV4}`, `flush set inet ${n.table} ${n.rangeSetV6}`);
    elements(lines, 'add', n.table, n.rangeSetV4, plan.ranges.v4);
    elements(lines, 'add', n.table, n.rangeSetV6, plan.ranges.v6);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
