import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HerdError, type Clock, type Logger } from '../core/index.js';
import { DecisionHistory, parseProfilesText, type RuntimeProfile } from '../decisions/index.js';
import { compileExpr, crowdsecHelpers, type CompiledExpr, type ExprFunction } from '../expr/index.js';
import { compileGrok, compileNamedGrok, compileRegex, loadPatternDirectory, PatternLibrary } from '../grok/index.js';
import { IpMatcher } from '../ip/index.js';
import {
  createDateParseEnricher,
  eventFieldReader,
  loadParserFiles,
  type Enricher,
  type NodeBuildDeps,
  type NodeCounters,
  type ParserPipeline,
} from '../parse/index.js';
import { loadScenarioFile, type RuntimeScenario } from '../scenarios/index.js';
import { isSimulated, type HerdConfig } from './herd-config.js';

/**
 * Loads everything herd runs: the grok library, parsers, scenarios and profiles, compiling every
 * expression and pattern once. Any error stops the load with the file, line and reason — herd
 * refuses to start half-configured.
 */

export interface LoadedContent {
  parser: ParserPipeline;
  scenarios: RuntimeScenario[];
  profiles: RuntimeProfile[];
  nodeCounters: Map<string, NodeCounters>;
  library: PatternLibrary;
  files: { parsers: string[]; scenarios: string[]; profiles: string };
  /** Problems that do not stop herd (a duplicate grok name, a target that can never be set…). */
  warnings: string[];
}

export interface ContentDeps {
  clock: Clock;
  logger: Logger;
  history: DecisionHistory;
}

function yamlFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFilesUnder(path));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** Parser files of a content directory: `parsers/<stage>/…/*.yaml`, with their stage. */
function parserFilesOf(dir: string): { path: string; stage: string }[] {
  const root = join(dir, 'parsers');
  if (!existsSync(root)) return [];
  const out: { path: string; stage: string }[] = [];
  for (const stage of readdirSync(root).sort()) {
    if (!/^s\d\d-/.test(stage) || !statSync(join(root, stage)).isDirectory()) continue;
    for (const path of yamlFilesUnder(join(root, stage))) out.push({ path, stage });
  }
  return out;
}

/** The expression helpers of CrowdSec content, with herd's clock and decision history. */
export function contentHelpers(deps: { clock: Clock; history: DecisionHistory }): Record<string, ExprFunction> {
  return { ...crowdsecHelpers({ clock: deps.clock }), ...deps.history.helpers() };
}

export function loadContent(config: HerdConfig, deps: ContentDeps): LoadedContent {
  const warnings: string[] = [];
  const warn = (message: string, where: string) => {
    warnings.push(`${where}: ${message}`);
    deps.logger.warn({ where }, message);
  };

  const library = new PatternLibrary();
  for (const dir of config.patternsDirs) {
    if (!existsSync(dir)) throw new HerdError('HERD_PATTERNS_MISSING', `the grok patterns directory does not exist; check patterns_dirs`, { where: dir });
    loadPatternDirectory(dir, library);
  }
  for (const d of library.duplicates) {
    if (!d.sameExpression) warn(`grok pattern ${d.name} is defined again; keeping the first definition (${d.kept.origin})`, d.ignored.origin);
  }

  const helpers = contentHelpers(deps);
  const compileWith = (variables: string[]) => (source: string): CompiledExpr =>
    compileExpr(source, { variables, functions: helpers, regex: compileRegex, fieldReader: eventFieldReader });
  const compileEvt = compileWith(['evt']);

  const nodeCounters = new Map<string, NodeCounters>();
  const enrichers = new Map<string, Enricher>([['ParseDate', createDateParseEnricher(deps.clock)]]);
  const nodeDeps: NodeBuildDeps = {
    compileExpr: compileEvt,
    addGrokPattern: (name, regex) => library.add(name, regex, 'pattern_syntax'),
    compileGrok: (pattern) => compileGrok(library, pattern),
    compileNamedGrok: (name) => compileNamedGrok(library, name),
    ipMatcher: (entries) => IpMatcher.parse(entries),
    enrichers,
    counters: (name) => {
      let c = nodeCounters.get(name);
      if (!c) {
        c = { hits: 0, ok: 0, ko: 0 };
        nodeCounters.set(name, c);
      }
      return c;
    },
    warn,
  };

  const parserFiles = config.contentDirs.flatMap(parserFilesOf);
  const parser = loadParserFiles(parserFiles, nodeDeps);

  const scenarioFiles = config.contentDirs.flatMap((d) => yamlFilesUnder(join(d, 'scenarios')));
  const scenarios: RuntimeScenario[] = [];
  const seen = new Map<string, string>();
  for (const file of scenarioFiles) {
    for (const s of loadScenarioFile(file, { compileExpr: compileEvt, isSimulated: (n) => isSimulated(config.simulation, n), warn })) {
      const other = seen.get(s.name);
      if (other) throw new HerdError('HERD_SCENARIO_INVALID', `scenario ${s.name} is defined twice (also in ${other})`, { where: file });
      seen.set(s.name, file);
      scenarios.push(s);
    }
  }

  let profilesText: string;
  try {
    profilesText = readFileSync(config.profilesFile, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_PROFILES_READ', `cannot read the profiles file: ${(err as Error).message}`, { where: config.profilesFile });
  }
  const profiles = parseProfilesText(profilesText, config.profilesFile, { compileExpr: compileWith(['Alert']) });

  return {
    parser,
    scenarios,
    profiles,
    nodeCounters,
    library,
    files: { parsers: parserFiles.map((f) => f.path), scenarios: scenarioFiles, profiles: config.profilesFile },
    warnings,
  };
}
