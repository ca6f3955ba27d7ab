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

export type BucketType = 'leaky' | 'trigger' | 'counter';

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
  /** Bucket lifetime without events: (capacity+1) × leakspeed, or `duration` for counters. */
  lifetimeMs: number;
  /** Counter buckets overflow this long after their first event. */
  durationMs: number;
  blackholeMs: number;
  cacheSize: number;
  filter: CompiledExpr;
  groupby: CompiledExpr | null;
  distinct: CompiledExpr | null;
  /** `Ip`, `Range`, or another scope, with its expression when the scope needs one. */
  scope: string;
  scopeExpr: CompiledExpr | null;
  labels: Record<string, unknown>;
  remediation: boolean;
  reprocess: boolean;
  simulated: boolean;
}

export interface ScenarioBuildDeps {
  compileExpr(source: string): CompiledExpr;
  /** Whether this scenario runs in simulation mode (simulation config). */
  isSimulated(name: string): boolean;
  warn(message: string, where: string): void;
}

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

function buildScenario(cfg: ScenarioConfig, doc: YamlDoc, file: string, hash: string, deps: ScenarioBuildDeps): RuntimeScenario {
  const fail = (key: string, reason: string): never => {
    throw new HerdError('HERD_SCENARIO_INVALID', `${cfg.name ? `scenario ${cfg.name}: ` : ''}${reason}`, {
      where: fileLine(file, doc.lineOf(key ? [key] : [])),
    });
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
    case 'bayesian':
      fail('type', `'${type}' buckets are not supported yet by herd (planned with full hub compatibility)`);
      break;
    default:
      fail('type', `unknown bucket type '${type}': expected leaky, trigger or counter`);
  }
  if (!cfg.filter) fail('filter', 'missing filter directive');
  for (const key of ['cancel_on', 'overflow_filter', 'condition', 'data'] as const) {
    if (cfg[key] !== undefined) fail(key, `'${key}' is not supported yet by herd (planned with full hub compatibility)`);
  }

  const expr = (key: string, source: string): CompiledExpr => {
    try {
      return deps.compileExpr(source);
    } catch (err) {
      return fail(key, `invalid ${key} '${source}': ${(err as Error).message}`);
    }
  };

  const scope = cfg.scope?.type && cfg.scope.type !== '' ? cfg.scope.type : 'Ip';
  let scopeExpr: CompiledExpr | null = null;
  if (scope === 'Ip') {
    if (cfg.scope?.expression) fail('scope', 'filter is not allowed for IP scope');
  } else if (cfg.scope?.expression) {
    scopeExpr = expr('scope', cfg.scope.expression);
  } else if (scope !== 'Range') {
    fail('scope', 'an expression is mandatory for a scope other than Ip and Range');
  }

  const labels = (cfg.labels && typeof cfg.labels === 'object' ? cfg.labels : {}) as Record<string, unknown>;
  const lifetimeMs = type === 'counter' ? durationMs : type === 'leaky' ? (capacity + 1) * leakMs : 0;
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
    filter: expr('filter', cfg.filter!),
    groupby: cfg.groupby ? expr('groupby', cfg.groupby) : null,
    distinct: cfg.distinct ? expr('distinct', cfg.distinct) : null,
    scope,
    scopeExpr,
    labels,
    remediation: labels.remediation === true,
    reprocess: cfg.reprocess === true,
    simulated: deps.isSimulated(name) || cfg.simulated === true,
  };
}
