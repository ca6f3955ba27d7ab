import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HerdError, fileLine, parseYamlDocuments, validateYamlDoc, type YamlDoc } from '../core/index.js';
import { formatGoDuration, parseGoDuration, type CompiledExpr } from '../expr/index.js';
import { scenarioSchema, type ScenarioConfig } from './scenario-config.js';

/**
 * A scenario compiled for the bucket engine: expressions compiled, durations in milliseconds, and
 * every rule CrowdSec checks at load time checked here, so that a broken scenario stops herd at
 * start with its file, line and reason.
 */

export type BucketType = 'leaky' | 'trigger' | 'counter' | 'conditional' | 'bayesian';

/** One of `bayesian_conditions`, its probabilities as the float32 CrowdSec computes with. */
export interface BayesianCondition {
  expr: CompiledExpr;
  probGivenEvil: number;
  probGivenBenign: number;
  /** Once true in a bucket, the condition counts as true for the rest of the bucket's life. */
  guillotine: boolean;
}

export interface BayesianSpec {
  prior: number;
  threshold: number;
  conditions: BayesianCondition[];
}

/** A `data:` entry: a file that expressions read with File(), RegexpInFile(), … */
export interface ScenarioDataEntry {
  source_url?: string;
  dest_file: string;
  type?: string;
  strategy?: string;
  size?: number;
  ttl?: string;
  cache?: boolean;
}

export interface RuntimeScenario {
  name: string;
  description: string;
  type: BucketType;
  file: string;
  /** sha256 of the file, as CrowdSec reports the hub item's hash. */
  hash: string;
  version: string;
  capacity: number;
  leakMs: number;
  /** Go text of the leak speed, as alerts carry it (`10s`). */
  leakspeed: string;
  /**
   * How long a bucket lives without events: (capacity+1) × leakspeed for leaky buckets, leakspeed
   * for conditional and bayesian ones, `duration` for counters.
   */
  lifetimeMs: number;
  /** Counter buckets overflow this long after their first event. */
  durationMs: number;
  blackholeMs: number;
  cacheSize: number;
  filter: CompiledExpr;
  groupby: CompiledExpr | null;
  distinct: CompiledExpr | null;
  /** `cancel_on`: an event it takes destroys the bucket without an overflow. */
  cancelOn: CompiledExpr | null;
  /** `condition` (env evt, queue, leaky): true after a pour overflows the bucket. */
  condition: CompiledExpr | null;
  /** `bayesian_*`: the posterior after a pour above the threshold overflows the bucket. */
  bayesian: BayesianSpec | null;
  /** `overflow_filter` (env queue, signal, leaky): false discards the overflow. */
  overflowFilter: CompiledExpr | null;
  /** Whether the bucket's queue keeps whole events (read by conditions, overflow_filter, scope expressions). */
  keepEvents: boolean;
  /** `Ip`, `Range`, or another scope, with its expression when the scope needs one. */
  scope: string;
  scopeExpr: CompiledExpr | null;
  labels: Record<string, unknown>;
  remediation: boolean;
  /** `reprocess: true`: the overflow goes back into the buckets as an event. */
  reprocess: boolean;
  simulated: boolean;
}

export interface ScenarioBuildDeps {
  /**
   * Compiles an expression for an environment with these variables: ['evt'] for filters, groupby,
   * distinct, cancel_on and scope expressions; ['evt', 'queue', 'leaky'] for conditions;
   * ['queue', 'signal', 'leaky'] for overflow_filter (CrowdSec's environments).
   */
  compileExpr(source: string, variables?: readonly string[]): CompiledExpr;
  /** Whether this scenario runs in simulation mode (simulation config). */
  isSimulated(name: string): boolean;
  warn(message: string, where: string): void;
  /** Loads a `data:` file for the expressions (where = file:line of the entry); without it `data:` is refused. */
  loadData?: (entry: ScenarioDataEntry, where: string) => void;
}

const EVT_VARS = ['evt'] as const;
const CONDITION_VARS = ['evt', 'queue', 'leaky'] as const;
const OVERFLOW_FILTER_VARS = ['queue', 'signal', 'leaky'] as const;

export function loadScenarioFile(path: string, deps: ScenarioBuildDeps): RuntimeScenario[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_SCENARIO_READ', `cannot read scenario file: ${(err as Error).message}`, { where: path });
  }
  return parseScenarioText(text, path, deps);
}

export function parseScenarioText(text: string, path: string, deps: ScenarioBuildDeps): RuntimeScenario[] {
  const hash = createHash('sha256').update(text).digest('hex');
  const out: RuntimeScenario[] = [];
  for (const doc of parseYamlDocuments(text, path)) {
    const cfg = validateYamlDoc(scenarioSchema, doc, path, 'scenario');
    out.push(buildScenario(cfg, doc, path, hash, deps));
  }
  return out;
}

type Fail = (key: string | readonly PropertyKey[], reason: string) => never;

function buildScenario(cfg: ScenarioConfig, doc: YamlDoc, file: string, hash: string, deps: ScenarioBuildDeps): RuntimeScenario {
  const where = (key: string | readonly PropertyKey[]): string => fileLine(file, doc.lineOf(typeof key === 'string' ? (key ? [key] : []) : key));
  const fail: Fail = (key, reason) => {
    throw new HerdError('HERD_SCENARIO_INVALID', `${cfg.name ? `scenario ${cfg.name}: ` : ''}${reason}`, { where: where(key) });
  };
  if (!cfg.name) fail('', 'a scenario must have a name');
  const name = cfg.name!;
  if (!cfg.description) fail('description', 'description is mandatory');
  const type = cfg.type ?? '';
  const capacity = cfg.capacity ?? 0;

  const duration = (key: 'leakspeed' | 'duration' | 'blackhole', text: string | undefined): number => {
    if (text === undefined || text === '') return 0;
    const ns = parseGoDuration(text);
    if (ns === null) return fail(key, `invalid ${key} '${text}': expected a Go duration such as 10s, 1m30s or 4h`);
    return ns / 1e6;
  };
  const leakMs = duration('leakspeed', cfg.leakspeed);
  const durationMs = duration('duration', cfg.duration);
  const blackholeMs = duration('blackhole', cfg.blackhole);

  switch (type) {
    case 'leaky':
      if (capacity <= 0) fail('capacity', `bad capacity for leaky '${capacity}': must be a positive integer`);
      if (!cfg.leakspeed) fail('leakspeed', "leakspeed can't be empty for leaky");
      if (leakMs <= 0) fail('leakspeed', `bad leakspeed for leaky '${cfg.leakspeed}'`);
      break;
    case 'trigger':
      if (capacity !== 0) fail('capacity', 'trigger bucket must have 0 capacity');
      break;
    case 'counter':
      if (!cfg.duration || durationMs <= 0) fail('duration', "duration can't be empty for counter");
      if (capacity !== -1) fail('capacity', 'counter bucket must have -1 capacity');
      break;
    case 'conditional':
      if (!cfg.condition) fail('condition', 'conditional bucket must have a condition');
      if (!cfg.leakspeed) fail('leakspeed', "leakspeed can't be empty for conditional bucket: it is the bucket's lifetime without events");
      if (leakMs <= 0) fail('leakspeed', `bad leakspeed for conditional bucket '${cfg.leakspeed}'`);
      if (capacity !== -1) deps.warn(`scenario ${name}: a capacity other than -1 for a conditional bucket may lead to unexpected overflows`, where('capacity'));
      break;
    case 'bayesian':
      if (!cfg.bayesian_conditions || cfg.bayesian_conditions.length === 0) fail('bayesian_conditions', 'bayesian bucket must have bayesian conditions');
      if (!(cfg.bayesian_prior! > 0 && cfg.bayesian_prior! <= 1)) fail('bayesian_prior', 'bayesian bucket must have a prior above 0 and at most 1');
      if (!(cfg.bayesian_threshold! > 0 && cfg.bayesian_threshold! <= 1)) fail('bayesian_threshold', 'bayesian bucket must have a threshold above 0 and at most 1');
      if (capacity !== -1) fail('capacity', 'bayesian bucket must have capacity -1');
      // CrowdSec does not check it, and its live buckets crash on a zero lifetime: refuse it here.
      if (!cfg.leakspeed || leakMs <= 0) fail('leakspeed', "leakspeed can't be empty for bayesian bucket: it is the bucket's lifetime without events");
      break;
    default:
      fail('type', `unknown bucket type '${type}': expected leaky, trigger, counter, conditional or bayesian`);
  }
  if (!cfg.filter) fail('filter', 'missing filter directive');

  const expr = (key: string | readonly PropertyKey[], what: string, source: string, variables: readonly string[]): CompiledExpr => {
    try {
      return deps.compileExpr(source, variables);
    } catch (err) {
      return fail(key, `invalid ${what} '${source}': ${(err as Error).message}`);
    }
  };

  const scope = cfg.scope?.type && cfg.scope.type !== '' ? cfg.scope.type : 'Ip';
  let scopeExpr: CompiledExpr | null = null;
  if (scope === 'Ip') {
    if (cfg.scope?.expression) fail('scope', 'filter is not allowed for IP scope');
  } else if (cfg.scope?.expression) {
    scopeExpr = expr('scope', 'scope', cfg.scope.expression, EVT_VARS);
  } else if (scope !== 'Range') {
    fail('scope', 'an expression is mandatory for a scope other than Ip and Range');
  }

  loadDataFiles(cfg, name, where, fail, deps);

  const condition = cfg.condition ? expr('condition', 'condition', cfg.condition, CONDITION_VARS) : null;
  const bayesian = type === 'bayesian' || (cfg.bayesian_threshold ?? 0) !== 0 ? buildBayesian(cfg, fail, expr) : null;
  const overflowFilter = cfg.overflow_filter ? expr('overflow_filter', 'overflow_filter', cfg.overflow_filter, OVERFLOW_FILTER_VARS) : null;

  const labels = (cfg.labels && typeof cfg.labels === 'object' ? cfg.labels : {}) as Record<string, unknown>;
  const lifetimeMs =
    type === 'counter' ? durationMs : type === 'leaky' ? (capacity + 1) * leakMs : type === 'conditional' || type === 'bayesian' ? leakMs : 0;
  return {
    name,
    description: cfg.description!,
    type: type as BucketType,
    file,
    hash,
    version: cfg.version ?? '',
    capacity,
    leakMs,
    leakspeed: cfg.leakspeed ? formatGoDuration(leakMs * 1e6) : '0s',
    lifetimeMs,
    durationMs,
    blackholeMs,
    cacheSize: cfg.cache_size ?? 0,
    filter: expr('filter', 'filter', cfg.filter!, EVT_VARS),
    groupby: cfg.groupby ? expr('groupby', 'groupby', cfg.groupby, EVT_VARS) : null,
    distinct: cfg.distinct ? expr('distinct', 'distinct', cfg.distinct, EVT_VARS) : null,
    cancelOn: cfg.cancel_on ? expr('cancel_on', 'cancel_on', cfg.cancel_on, EVT_VARS) : null,
    condition,
    bayesian,
    overflowFilter,
    keepEvents: scopeExpr !== null || condition !== null || bayesian !== null || overflowFilter !== null,
    scope,
    scopeExpr,
    labels,
    remediation: labels.remediation === true,
    reprocess: cfg.reprocess === true,
    simulated: deps.isSimulated(name) || cfg.simulated === true,
  };
}

/** CrowdSec reads the probabilities as float32; so do we, so that posteriors round as in Go. */
function buildBayesian(
  cfg: ScenarioConfig,
  fail: Fail,
  expr: (key: readonly PropertyKey[], what: string, source: string, variables: readonly string[]) => CompiledExpr,
): BayesianSpec {
  const conditions = (cfg.bayesian_conditions ?? []).map((c, i): BayesianCondition => {
    const path = ['bayesian_conditions', i];
    if (!c.condition) return fail(path, `bayesian condition ${i + 1} has no condition`);
    const prob = (key: 'prob_given_evil' | 'prob_given_benign'): number => {
      const p = c[key] ?? 0;
      if (!(p >= 0 && p <= 1)) return fail([...path, key], `${key} of bayesian condition ${i + 1} must be between 0 and 1, not ${p}`);
      return Math.fround(p);
    };
    return {
      expr: expr([...path, 'condition'], 'bayesian condition', c.condition, CONDITION_VARS),
      probGivenEvil: prob('prob_given_evil'),
      probGivenBenign: prob('prob_given_benign'),
      guillotine: c.guillotine === true,
    };
  });
  return { prior: Math.fround(cfg.bayesian_prior ?? 0), threshold: Math.fround(cfg.bayesian_threshold ?? 0), conditions };
}

function loadDataFiles(cfg: ScenarioConfig, name: string, where: (key: readonly PropertyKey[]) => string, fail: Fail, deps: ScenarioBuildDeps): void {
  const data = cfg.data ?? [];
  data.forEach((d, i) => {
    const at = where(['data', i]);
    if (!d.dest_file) {
      // CrowdSec logs it and goes on without the entry.
      deps.warn(`scenario ${name}: data entry ${i + 1} has no dest_file; it is ignored`, at);
      return;
    }
    if (!deps.loadData) {
      fail(['data', i], `'data' needs a data loader to read '${d.dest_file}', and none was given to this scenario loader`);
    }
    const entry: ScenarioDataEntry = { dest_file: d.dest_file };
    if (d.source_url !== undefined) entry.source_url = d.source_url;
    if (d.type !== undefined) entry.type = d.type;
    if (d.strategy !== undefined) entry.strategy = d.strategy;
    if (d.size !== undefined) entry.size = d.size;
    if (d.ttl !== undefined) entry.ttl = d.ttl;
    if (d.cache !== undefined) entry.cache = d.cache;
    try {
      deps.loadData!(entry, at);
    } catch (err) {
      if (err instanceof HerdError) throw err;
      fail(['data', i], `cannot load data file '${d.dest_file}': ${(err as Error).message}`);
    }
  });
}
