import { HerdError } from '../core/index.js';
import { parseGoDuration, type CompiledExpr, type DataFiles, type Stash } from '../expr/index.js';
import type { GrokPattern } from '../grok/index.js';
import type { IpMatcher } from '../ip/index.js';
import type { EnricherRegistry } from './enrichers/enricher.js';
import type { DataConfig, NodeConfig, StashConfig, StaticConfig } from './node-config.js';
import { RuntimeNode, type NodeCounters, type RuntimeStash, type RuntimeStatic } from './runtime-node.js';
import { directFieldRead } from './field-read.js';
import { compileTarget } from './set-target.js';
import { mapStore } from './map-store.js';

/**
 * Turns a validated node config into a RuntimeNode, compiling every expression and grok pattern
 * once, and checking what CrowdSec checks at load time (so that a broken parser stops herd at start,
 * not at 3 a.m.). Errors name the file and line of the offending key.
 */

export interface NodeBuildDeps {
  compileExpr(source: string): CompiledExpr;
  /** Registers a `pattern_syntax` entry; returns false when the name already existed (first wins). */
  addGrokPattern(name: string, regex: string): boolean;
  compileGrok(pattern: string): GrokPattern;
  compileNamedGrok(name: string): GrokPattern;
  ipMatcher(entries: readonly string[]): IpMatcher;
  enrichers: EnricherRegistry;
  counters(name: string): NodeCounters;
  warn(message: string, where: string): void;
  /**
   * The data files registry: the `data:` entries of nodes are loaded into it when they are built
   * (its helpers must be among the expression functions). Without it, a node with `data:` is refused.
   */
  dataFiles?: DataFiles;
  /** The stash `stash:` entries define and fill (GetFromStash reads it). Without it, they are refused. */
  stash?: Stash;
}

export interface NodeSite {
  stage: string;
  /** `file:line` of a key path inside the node's document. */
  where(path: readonly (string | number)[]): string;
}

export function buildNode(cfg: NodeConfig, site: NodeSite, deps: NodeBuildDeps, path: (string | number)[] = [], parentName = ''): RuntimeNode {
  const fail = (p: (string | number)[], reason: string): never => {
    throw new HerdError('HERD_PARSER_INVALID', reason, { where: site.where(p) });
  };
  const onsuccess = cfg.onsuccess ?? 'continue';
  if (onsuccess !== 'continue' && onsuccess !== 'next_stage' && onsuccess !== '') {
    fail([...path, 'onsuccess'], `onsuccess '${onsuccess}' must be 'continue' or 'next_stage'`);
  }
  const name = cfg.name ?? (parentName ? `child-${parentName}` : '');
  const node = new RuntimeNode(name, site.stage, site.where(path), onsuccess === 'next_stage', name ? deps.counters(name) : null);

  const expr = (source: string, p: (string | number)[]): CompiledExpr => {
    try {
      return deps.compileExpr(source);
    } catch (err) {
      return fail(p, `cannot compile expression: ${(err as Error).message}`);
    }
  };

  if (cfg.filter) node.filter = expr(cfg.filter, [...path, 'filter']);

  // pattern_syntax entries join the shared grok library, before this node's own grok compiles.
  if (cfg.pattern_syntax) {
    for (const [key, regex] of Object.entries(cfg.pattern_syntax)) {
      let added: boolean;
      try {
        added = deps.addGrokPattern(key, String(regex));
      } catch (err) {
        return fail([...path, 'pattern_syntax', key], `cannot compile grok pattern ${key}: ${(err as Error).message}`);
      }
      if (!added) deps.warn(`grok pattern '${key}' is already registered; keeping the first definition`, site.where([...path, 'pattern_syntax', key]));
    }
  }

  let valid = false;
  const g = cfg.grok;
  if (g && (g.pattern || g.name || g.apply_on || g.expression || g.statics)) {
    const gp = [...path, 'grok'];
    if ((g.pattern || g.name || g.apply_on) && !g.apply_on && !g.expression) fail(gp, "grok requires 'expression' or 'apply_on'");
    if (g.apply_on !== undefined && !g.pattern && !g.name) fail(gp, "grok needs 'pattern' or 'name'");
    let pattern: GrokPattern | null = null;
    try {
      if (g.name) pattern = deps.compileNamedGrok(g.name);
      else if (g.pattern) pattern = deps.compileGrok(g.pattern);
    } catch (err) {
      fail([...gp, g.name ? 'name' : 'pattern'], `cannot compile grok: ${(err as Error).message}`);
    }
    if (pattern && !pattern.hasSemantics) {
      deps.warn('this grok pattern names no field (%{PATTERN:field}); like CrowdSec, herd treats it as never matching', site.where(gp));
    }
    const statics = (g.statics ?? []).map((s, i) => buildStatic(s, [...gp, 'statics', i], site, deps, expr, fail));
    if (pattern) {
      node.grok = {
        pattern,
        applyOn: g.apply_on ?? null,
        valueExpr: !g.apply_on && g.expression ? expr(g.expression, [...gp, 'expression']) : null,
        statics,
        label: g.name ?? `${(g.pattern ?? '').slice(0, 5)}...`,
      };
      valid = true;
    } else if (statics.length > 0) {
      valid = true;
    }
  }

  (cfg.data ?? []).forEach((d, i) => loadData(d, [...path, 'data', i], site, deps, fail));
  node.stashes = (cfg.stash ?? []).map((st, i) => buildStash(st, [...path, 'stash', i], site, deps, expr, fail));

  (cfg.nodes ?? []).forEach((child, i) => {
    node.children.push(buildNode(child, site, deps, [...path, 'nodes', i], name));
    valid = true;
  });

  node.statics = (cfg.statics ?? []).map((s, i) => buildStatic(s, [...path, 'statics', i], site, deps, expr, fail));
  if (node.statics.length > 0) valid = true;

  const wl = cfg.whitelist;
  if (wl && ((wl.ip?.length ?? 0) > 0 || (wl.cidr?.length ?? 0) > 0 || (wl.expression?.length ?? 0) > 0)) {
    const entries = [...(wl.ip ?? []), ...(wl.cidr ?? [])];
    let ips: IpMatcher | null = null;
    if (entries.length > 0) {
      try {
        ips = deps.ipMatcher(entries);
      } catch (err) {
        fail([...path, 'whitelist'], `invalid whitelist entry: ${(err as Error).message}`);
      }
    }
    node.whitelist = {
      reason: wl.reason ?? '',
      ips,
      exprs: (wl.expression ?? []).map((e, i) => expr(e, [...path, 'whitelist', 'expression', i])),
    };
    valid = true;
  }

  if (!valid) fail(path, 'node is empty: it needs a grok, statics, child nodes or a whitelist');
  return node;
}

function buildStatic(
  s: StaticConfig,
  p: (string | number)[],
  site: NodeSite,
  deps: NodeBuildDeps,
  expr: (source: string, p: (string | number)[]) => CompiledExpr,
  fail: (p: (string | number)[], reason: string) => never,
): RuntimeStatic {
  const where = site.where(p);
  const value = s.value !== undefined && s.value !== '' ? s.value : null;
  const compiled = value === null && s.expression ? (directFieldRead(s.expression) ?? expr(s.expression, [...p, 'expression'])) : null;
  if (s.method) {
    if (!s.expression && value === null) fail(p, 'when method is set, expression must be present');
    const method = deps.enrichers.get(s.method) ?? null;
    if (!method) deps.warn(`the method '${s.method}' does not exist in herd; this static does nothing`, where);
    return { kind: 'method', key: s.method, value, expr: compiled, method, setter: null, where };
  }
  if (value === null && compiled === null) fail(p, 'value or expression must be set');
  if (s.parsed) return { kind: 'parsed', key: s.parsed, value, expr: compiled, method: null, setter: mapStore('Parsed', s.parsed), where };
  if (s.meta) return { kind: 'meta', key: s.meta, value, expr: compiled, method: null, setter: mapStore('Meta', s.meta), where };
  if (s.enriched) return { kind: 'enriched', key: s.enriched, value, expr: compiled, method: null, setter: mapStore('Enriched', s.enriched), where };
  if (s.target) {
    const setter = compileTarget(s.target);
    if (typeof setter === 'string') {
      deps.warn(`${setter}; this static does nothing`, where);
      return { kind: 'target', key: s.target, value, expr: compiled, method: null, setter: null, where };
    }
    return { kind: 'target', key: s.target, value, expr: compiled, method: null, setter, where };
  }
  return fail(p, 'at least one of meta/parsed/enriched/target must be set');
}

/**
 * Loads a `data:` entry into the registry, as CrowdSec's FileInit does when it loads a parser (herd
 * also loads the entries of child nodes, which CrowdSec skips). An entry without type loads nothing
 * (CrowdSec ignores it: the GeoIP databases are declared so). A file that cannot be used stops the
 * load here, at the entry's line.
 */
function loadData(d: DataConfig, p: (string | number)[], site: NodeSite, deps: NodeBuildDeps, fail: (p: (string | number)[], reason: string) => never): void {
  if (!d.type) return;
  if (!d.dest_file) fail(p, 'a data entry needs dest_file (the file name its helpers use)');
  if (!deps.dataFiles) {
    fail(p, `data file '${d.dest_file}' cannot be used: this herd runs parsers without a data directory; start it with one (the hub installs data files there)`);
  }
  try {
    deps.dataFiles.load({ dest_file: d.dest_file, source_url: d.source_url, type: d.type });
  } catch (err) {
    throw new HerdError('HERD_DATA_FILE', `data file '${d.dest_file}': ${(err as Error).message}`, { where: site.where(p), cause: err });
  }
}

/** A `stash:` entry, checked as CrowdSec's Stash.Validate and Compile: name, key, value and ttl are needed. */
function buildStash(
  st: StashConfig,
  p: (string | number)[],
  site: NodeSite,
  deps: NodeBuildDeps,
  expr: (source: string, p: (string | number)[]) => CompiledExpr,
  fail: (p: (string | number)[], reason: string) => never,
): RuntimeStash {
  if (!st.name) fail(p, 'stash: name must be set');
  const name = st.name;
  if (!st.value) fail(p, `stash ${name}: value expression must be set`);
  if (!st.key) fail(p, `stash ${name}: key expression must be set`);
  if (!st.ttl) fail(p, `stash ${name}: ttl must be set (a Go duration such as 30s or 5m)`);
  const value = expr(st.value, [...p, 'value']);
  const key = expr(st.key, [...p, 'key']);
  const ttlNs = parseGoDuration(st.ttl);
  if (ttlNs === null) fail([...p, 'ttl'], `stash ${name}: ttl '${st.ttl}' is not a Go duration (such as 30s, 5m or 1h)`);
  if (st.size !== undefined && st.size < 0) fail([...p, 'size'], `stash ${name}: size must be a positive number of entries`);
  const strategy = st.strategy ?? 'LRU';
  if (strategy !== 'LRU' && strategy !== 'LFU' && strategy !== 'ARC') {
    deps.warn(`stash ${name}: unknown strategy '${strategy}'; LRU is used (as CrowdSec does)`, site.where([...p, 'strategy']));
  }
  if (!deps.stash) fail(p, `stash ${name} cannot be used: this herd runs parsers without a stash (give one to the parser loader)`);
  const ttlMs = ttlNs / 1e6;
  deps.stash.define({ name, ttlMs, size: st.size, strategy });
  return { name, key, value, ttlMs, stash: deps.stash, where: site.where(p) };
}
