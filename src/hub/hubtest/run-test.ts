import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Line } from '../../acquisition/index.js';
import { errorMessage, type Clock } from '../../core/index.js';
import { DecisionHistory } from '../../decisions/index.js';
import type { DataFileEntry } from '../../expr/index.js';
import type { PatternLibrary } from '../../grok/index.js';
import {
  GEOIP_ASN_FILE,
  GEOIP_CITY_FILE,
  loadParserFiles,
  newLogEvent,
  NodeRuntimeError,
  parseParserText,
  ParserPipeline,
  openGeoIpDatabases,
  TIMEMACHINE,
  type NodeIssues,
  type RuntimeNode,
} from '../../parse/index.js';
import { BucketEngine, loadScenarioFile, type Overflow, type RuntimeScenario } from '../../scenarios/index.js';
import { createContentKit } from '../content-kit.js';
import { safeJoin } from '../hub-paths.js';
import { mirrorPathOf } from '../hub-source.js';
import { runAssertFile, type AssertFailure } from './assert-file.js';
import { ParserDump } from './parser-dump.js';
import { orderOverflows, overflowResult, type OverflowResult } from './scenario-dump.js';
import type { HubTestConfig } from './test-config.js';
import { resolveTestItems, type TestHub, type TestItems } from './test-items.js';

/**
 * Runs one hub test: installs (resolves) its items, builds the parsers, scenarios and postoverflows
 * exactly as listed, replays its log file in time-machine mode with the parser dump on, pours parsed
 * events into the buckets, passes overflows through the postoverflows, and checks both assert files.
 */

export interface HubTestEnv {
  hub: TestHub;
  /** CrowdSec's pattern library, loaded once for all tests; each test works on a fork of it. */
  library: PatternLibrary;
  /** Offline mirror of the hub's data site (`source_url` → `<dir>/<path after the host>`). */
  dataDir?: string;
  /** The clock year-less dates resolve against and `now()` reads. */
  clock: Clock;
}

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface HubTestResult {
  name: string;
  status: TestStatus;
  reason?: string;
  failures?: AssertFailure[];
  ms: number;
}

class Issues implements NodeIssues {
  readonly list: string[] = [];
  report(kind: string, where: string, detail: string): void {
    if (this.list.length < 20) this.list.push(`${kind} ${where}: ${detail}`);
  }
}

interface TestContent {
  parser: ParserPipeline;
  scenarios: RuntimeScenario[];
  postoverflows: ParserPipeline | null;
}

function overridesNode(statics: Record<string, unknown>[]): string {
  return stringify({ name: 'overrides', filter: '1==1', statics });
}

function buildContent(cfg: HubTestConfig, items: TestItems, env: HubTestEnv): TestContent {
  const library = env.library.fork();
  const resolveData = (entry: DataFileEntry): string => dataPathOf(entry, env.dataDir);
  const geo = openGeoIpDatabases({ cityDb: geoIpFile(env.dataDir, GEOIP_CITY_FILE), asnDb: geoIpFile(env.dataDir, GEOIP_ASN_FILE), warn: () => {} });
  const kit = createContentKit({
    clock: env.clock,
    library,
    resolveData,
    geo,
    history: new DecisionHistory(() => env.clock.now()),
    warn: () => {},
  });
  const parser = loadParserFiles(items.parsers, kit.nodeDeps);
  let nodes: readonly RuntimeNode[] = parser.nodes;
  if (cfg.overrideStatics.length > 0) {
    const path = join(cfg.dir, 'runtime', 'parsers', 's00-raw', '00_overrides.yaml');
    nodes = [...parseParserText(overridesNode(cfg.overrideStatics), path, 's00-raw', kit.nodeDeps), ...nodes];
  }
  const scenarios: RuntimeScenario[] = [];
  const scenarioDeps = kit.scenarioDeps(() => false);
  for (const file of [...items.scenarios].sort(byBase)) scenarios.push(...loadScenarioFile(file, scenarioDeps));
  const postoverflows = items.postoverflows.length > 0 ? loadParserFiles(items.postoverflows, kit.nodeDeps) : null;
  return { parser: new ParserPipeline(nodes), scenarios, postoverflows };
}

/** A GeoLite2 database of the data mirror: at its root, or where the hub's data site keeps it. */
function geoIpFile(dir: string | undefined, name: string): string | undefined {
  if (dir === undefined) return undefined;
  for (const p of [join(dir, name), join(dir, 'mmdb_update', name)]) if (existsSync(p)) return p;
  return undefined;
}

/**
 * Where a `data:` entry's file is read from in a test: the offline mirror of the hub's data site
 * (`https://hub-data.crowdsec.net/web/x.txt` → `<dir>/web/x.txt`), else `<dir>/<dest_file>`.
 */
function dataPathOf(entry: DataFileEntry, dir: string | undefined): string {
  const base = dir ?? '.';
  return entry.source_url ? mirrorPathOf(base, entry.source_url) : safeJoin(base, entry.dest_file, 'data file');
}

function byBase(a: string, b: string): number {
  const ba = a.slice(a.lastIndexOf('/') + 1);
  const bb = b.slice(b.lastIndexOf('/') + 1);
  return ba < bb ? -1 : ba > bb ? 1 : 0;
}

/** The log file's lines as CrowdSec's file reader gives them: split on \n, \r dropped, empty lines skipped. */
function logLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line !== '') out.push(line);
  }
  return out;
}

export interface TestRun {
  parserResults: ParserDump['results'];
  overflows: OverflowResult[];
  issues: string[];
}

export function replayTest(cfg: HubTestConfig, env: HubTestEnv): TestRun {
  const items = resolveTestItems(cfg, env.hub);
  const content = buildContent(cfg, items, env);
  const dump = new ParserDump();
  const issues = new Issues();
  const engine = new BucketEngine(content.scenarios, { mode: TIMEMACHINE, clock: env.clock });
  const overflows: OverflowResult[] = [];
  const reprocess: OverflowResult[] = [];
  const emit = (o: Overflow): void => {
    const result = overflowResult(o, content.postoverflows, issues);
    if (result === null) return;
    overflows.push(result);
    // CrowdSec re-injects an overflow that was not whitelisted, as the postoverflows left it.
    if (o.reprocess && !(result.Overflow as { Whitelisted: boolean }).Whitelisted) reprocess.push(result);
  };
  const labels: Record<string, string> = { ...cfg.labels, type: cfg.logType };
  const logPath = join(cfg.dir, cfg.logFile);
  for (const raw of logLines(logPath)) {
    const line: Line = { raw, src: cfg.logFile, module: 'file', labels, readAt: env.clock.now() };
    const evt = newLogEvent(line, TIMEMACHINE);
    let ok = false;
    try {
      ok = content.parser.parse(evt, issues, dump);
    } catch (err) {
      if (!(err instanceof NodeRuntimeError)) throw err;
      issues.report('static_error', '', err.message);
    }
    if (!ok || evt.Whitelisted) continue;
    engine.pour(evt, emit);
    while (reprocess.length > 0) {
      engine.pour(reprocess.shift()!, emit);
    }
  }
  return { parserResults: dump.results, overflows: orderOverflows(overflows), issues: issues.list };
}

export function runHubTest(cfg: HubTestConfig, env: HubTestEnv): HubTestResult {
  const started = Date.now();
  const done = (r: Omit<HubTestResult, 'name' | 'ms'>): HubTestResult => ({ name: cfg.name, ...r, ms: Date.now() - started });
  if (!cfg.logFile || !existsSync(join(cfg.dir, cfg.logFile))) return done({ status: 'failed', reason: `log file '${cfg.logFile}' not found` });
  let run: TestRun;
  try {
    run = replayTest(cfg, env);
  } catch (err) {
    return done({ status: 'failed', reason: errorMessage(err) });
  }
  const failures: AssertFailure[] = [];
  const nbScenarios = cfg.scenarios.length;
  if (!cfg.ignoreParsers) {
    if (cfg.parserAssert === null || cfg.parserAssert.trim() === '') return done({ status: 'failed', reason: 'parser.assert is empty: nothing is asserted' });
    const outcome = runAssertFile(cfg.parserAssert, run.parserResults, env.clock);
    if (outcome.error) return done({ status: 'failed', reason: `parser.assert ${outcome.error}` });
    failures.push(...outcome.failures.map((f) => ({ ...f, expression: `parser.assert:${f.line}: ${f.expression}` })));
  }
  if (nbScenarios > 0) {
    if (cfg.scenarioAssert === null || cfg.scenarioAssert.trim() === '') return done({ status: 'failed', reason: 'scenario.assert is empty: nothing is asserted' });
    const outcome = runAssertFile(cfg.scenarioAssert, run.overflows, env.clock);
    if (outcome.error) return done({ status: 'failed', reason: `scenario.assert ${outcome.error}` });
    failures.push(...outcome.failures.map((f) => ({ ...f, expression: `scenario.assert:${f.line}: ${f.expression}` })));
  }
  if (failures.length > 0) {
    // What the content reported while the log was replayed often says why an assert is false.
    const hint = run.issues.length > 0 ? `; first content error: ${run.issues[0]}` : '';
    return done({ status: 'failed', reason: `${failures.length} assert(s) false${hint}`, failures });
  }
  return done({ status: 'passed' });
}
