import type { CompiledExpr, Stash } from '../expr/index.js';
import type { GrokPattern } from '../grok/index.js';
import type { IpMatcher } from '../ip/index.js';
import { LOG, OVFLW, type Event } from './event.js';
import type { Enricher } from './enrichers/enricher.js';
import type { TargetSetter } from './set-target.js';

/**
 * A compiled parser node and the algorithm that runs it, with CrowdSec's semantics (pkg/parser/node.go):
 * filter → whitelist → grok (+ its statics) → stash → children → statics → on_success. Compiled once
 * at load; `process` runs per line and allocates nothing on the success path.
 */

export type StaticKind = 'method' | 'parsed' | 'meta' | 'enriched' | 'target';

export interface RuntimeStatic {
  kind: StaticKind;
  /** The map key (parsed/meta/enriched) or the method name. */
  key: string;
  /** A constant value, or null when `expr` gives it. */
  value: string | null;
  expr: CompiledExpr | null;
  method: Enricher | null;
  setter: TargetSetter | null;
  /** Where it was written (`file:line`), for messages. */
  where: string;
}

export interface RuntimeGrok {
  pattern: GrokPattern;
  /** `apply_on` field: `Line.Raw`, or a key of Parsed; null when `expression` gives the text. */
  applyOn: string | null;
  valueExpr: CompiledExpr | null;
  statics: RuntimeStatic[];
  /** The pattern's name, or the start of its text, for explain and logs. */
  label: string;
}

/** A `stash:` entry: after the node's grok succeeded (or when it has none), value and key are stored. */
export interface RuntimeStash {
  /** The stash name (GetFromStash's first argument). */
  name: string;
  key: CompiledExpr;
  value: CompiledExpr;
  /** The entry's `ttl`, in milliseconds. */
  ttlMs: number;
  stash: Stash;
  where: string;
}

export interface RuntimeWhitelist {
  reason: string;
  ips: IpMatcher | null;
  exprs: CompiledExpr[];
}

/** Counters per named node, like CrowdSec's cs_node_hits{,_ok,_ko}_total. */
export interface NodeCounters {
  hits: number;
  ok: number;
  ko: number;
}

/** Errors that make a line unusable (CrowdSec aborts the parse of that line). */
export class NodeRuntimeError extends Error {}

/** The expression environment of parser content: `evt` (an index signature, as expressions read it). */
export interface NodeEnv {
  evt: Event;
  [name: string]: unknown;
}

/** Reports problems on the hot path without throwing: counted and logged (rate-limited) by the owner. */
export interface NodeIssues {
  report(
    kind: 'filter_error' | 'filter_not_bool' | 'expr_error' | 'static_error' | 'target_error' | 'grok_value_error' | 'stash_error',
    where: string,
    detail: string,
  ): void;
}

export class RuntimeNode {
  name: string;
  stage: string;
  where: string;
  nextStageOnSuccess: boolean;
  filter: CompiledExpr | null = null;
  grok: RuntimeGrok | null = null;
  statics: RuntimeStatic[] = [];
  whitelist: RuntimeWhitelist | null = null;
  stashes: RuntimeStash[] = [];
  children: RuntimeNode[] = [];
  counters: NodeCounters | null;

  constructor(name: string, stage: string, where: string, nextStage: boolean, counters: NodeCounters | null) {
    this.name = name;
    this.stage = stage;
    this.where = where;
    this.nextStageOnSuccess = nextStage;
    this.counters = counters;
  }

  get hasWhitelist(): boolean {
    return this.whitelist !== null && (this.whitelist.ips !== null || this.whitelist.exprs.length > 0);
  }

  /**
   * Runs the node on `env.evt`. Returns true when the node succeeded. `stages` is the ordered list of
   * stages, to move the event on `onsuccess: next_stage`.
   */
  process(env: NodeEnv, stages: readonly string[], issues: NodeIssues): boolean {
    const evt = env.evt;
    if (this.filter !== null) {
      let out: unknown;
      try {
        out = this.filter.run(env);
      } catch (err) {
        issues.report('filter_error', this.where, (err as Error).message);
        return false;
      }
      if (out !== true) {
        if (out !== false) issues.report('filter_not_bool', this.where, typeof out);
        return false;
      }
    }
    const counters = this.counters;
    if (counters !== null) counters.hits++;

    let whitelisted = false;
    if (this.whitelist !== null) whitelisted = this.checkWhitelist(env, issues);

    let state = true;
    let grokOk = false;
    const grok = this.grok;
    if (grok !== null) {
      let text: string | undefined;
      if (grok.applyOn !== null) {
        // A missing field fails the node (the map holds no inherited keys, so a miss is undefined).
        text = grok.applyOn === 'Line.Raw' ? evt.Line.Raw : (evt.Parsed[grok.applyOn] as string | undefined);
      } else if (grok.valueExpr !== null) {
        text = runGrokValue(grok.valueExpr, env, issues, this.where);
      } else {
        text = '';
      }
      if (text === undefined) {
        state = false;
      } else if (grok.pattern.hasSemantics && grok.pattern.parseInto(text, evt.Parsed)) {
        grokOk = true;
        if (grok.statics.length > 0) applyStatics(grok.statics, env, issues);
      } else {
        state = false;
      }
    }

    // The stash runs when the grok matched or when there is none, before the children (CrowdSec order).
    if (this.stashes.length > 0 && (grokOk || grok === null)) applyStashes(this.stashes, env, issues);

    const children = this.children;
    for (let i = 0; i < children.length; i++) {
      if (children[i]!.process(env, stages, issues)) {
        state = true;
        if (this.nextStageOnSuccess) break;
      } else if (!grokOk) {
        // A skeleton node (no successful grok of its own) succeeds only through a child.
        state = false;
      }
    }

    if (!state) {
      if (counters !== null) counters.ko++;
      return false;
    }
    if (counters !== null) counters.ok++;

    if (this.statics.length > 0 && (whitelisted || !this.hasWhitelist)) applyStatics(this.statics, env, issues);

    if (this.nextStageOnSuccess) {
      const idx = stages.indexOf(evt.Stage);
      if (idx >= 0 && idx + 1 < stages.length) evt.Stage = stages[idx + 1]!;
    }
    return true;
  }

  private checkWhitelist(env: NodeEnv, issues: NodeIssues): boolean {
    const wl = this.whitelist!;
    const evt = env.evt;
    let hit = false;
    if (wl.ips !== null) {
      if (evt.Type === LOG) {
        const ip = evt.Meta.source_ip;
        if (ip !== undefined && ip !== '' && wl.ips.contains(ip)) hit = true;
      } else if (evt.Type === OVFLW) {
        for (const ip of overflowSourceIps(evt)) {
          if (wl.ips.contains(ip)) {
            hit = true;
            break;
          }
        }
      }
    }
    if (!hit) {
      for (let i = 0; i < wl.exprs.length; i++) {
        let out: unknown;
        try {
          out = wl.exprs[i]!.run(env);
        } catch (err) {
          issues.report('expr_error', this.where, (err as Error).message);
          return false;
        }
        if (out === true) {
          hit = true;
          break;
        }
      }
    }
    if (hit && !evt.Whitelisted) {
      evt.Whitelisted = true;
      evt.WhitelistReason = wl.reason;
      markOverflowWhitelisted(evt);
    }
    return hit;
  }
}

/** Overflow events (postoverflows) carry their sources; see scenarios. */
function overflowSourceIps(evt: Event): string[] {
  const ov = evt.Overflow as { Sources?: Record<string, unknown> } | null;
  return ov && ov.Sources ? Object.keys(ov.Sources) : [];
}

function markOverflowWhitelisted(evt: Event): void {
  if (evt.Type !== OVFLW) return;
  const ov = evt.Overflow as { Whitelisted?: boolean } | null;
  if (ov) ov.Whitelisted = true;
}

function runGrokValue(expr: CompiledExpr, env: NodeEnv, issues: NodeIssues, where: string): string | undefined {
  let out: unknown;
  try {
    out = expr.run(env);
  } catch (err) {
    issues.report('expr_error', where, (err as Error).message);
    return undefined;
  }
  if (typeof out === 'string') return out;
  if (typeof out === 'number') return goNumberText(out, expr);
  issues.report('grok_value_error', where, `expression returned ${out === null ? 'nil' : typeof out}`);
  return '';
}

/** CrowdSec's RuntimeStash.Apply for each entry: the value, then the key; anything but text skips it. */
function applyStashes(stashes: readonly RuntimeStash[], env: NodeEnv, issues: NodeIssues): void {
  for (let i = 0; i < stashes.length; i++) {
    const s = stashes[i]!;
    const value = stashText(s.value, s, env, issues);
    if (value === null) continue;
    const key = stashText(s.key, s, env, issues);
    if (key === null) continue;
    s.stash.set(s.name, key, value, s.ttlMs);
  }
}

function stashText(expr: CompiledExpr, s: RuntimeStash, env: NodeEnv, issues: NodeIssues): string | null {
  let out: unknown;
  try {
    out = expr.run(env);
  } catch (err) {
    issues.report('expr_error', s.where, (err as Error).message);
    return null;
  }
  if (typeof out === 'string') return out;
  issues.report('stash_error', s.where, `expression ${expr.source} gave ${out === null || out === undefined ? 'nil' : typeof out}, not a string; nothing stored`);
  return null;
}

/**
 * Go prints an int result with strconv.Itoa and a float64 one with %f, even when it is integral
 * (`Atof("2")`). Where the kind is not known when compiling, a direct read of decoded JSON
 * (`evt.Unmarshaled.a.b`, `evt.Unmarshaled.a["b"]`) is a float64, as Go's json.Unmarshal makes every
 * number; anything else integral (`c ? int(x) : nil`) is taken as an int.
 */
const UNMARSHALED_READ = /^\s*evt\.Unmarshaled(?:\.[A-Za-z_][\w]*|\[\s*(?:"[^"]*"|'[^']*')\s*\])+\s*$/;

const readsJson = new WeakMap<CompiledExpr, boolean>();

function goNumberText(n: number, expr: CompiledExpr): string {
  if (expr.resultKind === 'float' || !Number.isInteger(n)) return n.toFixed(6);
  if (expr.resultKind === 'any') {
    let json = readsJson.get(expr);
    if (json === undefined) readsJson.set(expr, (json = UNMARSHALED_READ.test(expr.source)));
    if (json) return n.toFixed(6);
  }
  return String(n);
}

/** CrowdSec's RuntimeStatic.Apply for each static, in order. */
export function applyStatics(statics: readonly RuntimeStatic[], env: NodeEnv, issues: NodeIssues): void {
  const evt = env.evt;
  for (let i = 0; i < statics.length; i++) {
    const s = statics[i]!;
    let value: string;
    if (s.value !== null) {
      value = s.value;
    } else if (s.expr !== null) {
      let out: unknown;
      try {
        out = s.expr.run(env);
      } catch (err) {
        issues.report('expr_error', s.where, (err as Error).message);
        continue;
      }
      if (typeof out === 'string') value = out;
      else if (typeof out === 'number') value = goNumberText(out, s.expr);
      // nil, a map or an array leave the value empty: the static is skipped, but ParseDate still runs (as in Go)
      else if (out === null || out === undefined) value = '';
      else if (typeof out === 'object') {
        issues.report('static_error', s.where, 'expression returned a map or an array; use ToJsonString() to keep it as text');
        value = '';
      } else {
        // Go aborts the line on an unexpected type (e.g. a bool).
        throw new NodeRuntimeError(`${s.where}: unexpected return type for a static expression: ${typeof out}`);
      }
    } else {
      value = '';
    }
    if (value === '' && !(s.kind === 'method' && s.key === 'ParseDate')) continue;
    switch (s.kind) {
      case 'method':
        if (s.method !== null) s.method(value, evt);
        break;
      case 'parsed':
      case 'meta':
      case 'enriched':
        // A store of its own per key (map-store.ts).
        s.setter!(evt, value);
        break;
      case 'target':
        if (s.setter === null || !s.setter(evt, value)) issues.report('target_error', s.where, `unable to set '${s.key}'`);
        break;
    }
  }
}
