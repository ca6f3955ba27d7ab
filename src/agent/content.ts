import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HerdError, errorMessage, type Clock, type Logger } from '../core/index.js';
import { DecisionHistory, parseProfilesText, type RuntimeProfile } from '../decisions/index.js';
import { loadPatternDirectory, PatternLibrary } from '../grok/index.js';
import { createContentKit, hubPaths, safeJoin } from '../hub/index.js';
import {
  geoIpDataFiles,
  loadParserFile,
  openGeoIpDatabases,
  ParserPipeline,
  type NodeCounters,
  type RuntimeNode,
} from '../parse/index.js';
import { loadScenarioFile, type RuntimeScenario } from '../scenarios/index.js';
import { isSimulated, type HerdConfig } from './herd-config.js';

/**
 * Loads everything herd runs: the grok library, parsers, scenarios, postoverflows and profiles,
 * compiling every expression and pattern once. herd's own content and the directories the
 * configuration names are strict: any error stops the load with the file, line and reason, so herd
 * never starts half-configured. Hub items installed with `herd hub install` are loaded one by one:
 * a malformed item is reported (file, line, reason) and left out, and the rest of the hub still loads.
 */

export interface LoadedContent {
  parser: ParserPipeline;
  scenarios: RuntimeScenario[];
  /** Parsers that overflows go through before they become alerts (null when there are none). */
  postoverflows: ParserPipeline | null;
  profiles: RuntimeProfile[];
  nodeCounters: Map<string, NodeCounters>;
  library: PatternLibrary;
  files: { parsers: string[]; scenarios: string[]; postoverflows: string[]; profiles: string };
  /** Hub items left out because they do not load, with the reason. */
  skipped: string[];
  /** Problems that do not stop herd (a duplicate grok name, a target that can never be set…). */
  warnings: string[];
}

export interface ContentDeps {
  clock: Clock;
  logger: Logger;
  history: DecisionHistory;
}

interface ContentFile {
  path: string;
  stage: string;
  /** An installed hub item: a problem leaves it out instead of stopping herd. */
  lenient: boolean;
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

/** Staged files of a content directory: `<kind>/<stage>/…/*.yaml` (kind: parsers or postoverflows). */
function stagedFilesOf(dir: string, kind: 'parsers' | 'postoverflows', lenient: boolean): ContentFile[] {
  const root = join(dir, kind);
  if (!existsSync(root)) return [];
  const out: ContentFile[] = [];
  for (const stage of readdirSync(root).sort()) {
    if (!/^s\d\d-/.test(stage) || !statSync(join(root, stage)).isDirectory()) continue;
    for (const path of yamlFilesUnder(join(root, stage))) out.push({ path, stage, lenient });
  }
  return out;
}

/** Within a stage, files run in name order (as CrowdSec orders installed items), nodes in file order. */
function byStageThenName(a: ContentFile, b: ContentFile): number {
  if (a.stage !== b.stage) return a.stage < b.stage ? -1 : 1;
  const na = basename(a.path);
  const nb = basename(b.path);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export function loadContent(config: HerdConfig, deps: ContentDeps): LoadedContent {
  const warnings: string[] = [];
  const skipped: string[] = [];
  const warn = (message: string, where: string) => {
    warnings.push(`${where}: ${message}`);
    deps.logger.warn({ where }, message);
  };
  const skip = (file: string, err: unknown) => {
    const reason = errorMessage(err);
    skipped.push(reason);
    deps.logger.error({ file, reason }, 'hub item left out: it does not load');
  };

  const library = new PatternLibrary();
  for (const dir of config.patternsDirs) {
    if (!existsSync(dir)) throw new HerdError('HERD_PATTERNS_MISSING', `the grok patterns directory does not exist; check patterns_dirs`, { where: dir });
    loadPatternDirectory(dir, library);
  }
  for (const d of library.duplicates) {
    if (!d.sameExpression) warn(`grok pattern ${d.name} is defined again; keeping the first definition (${d.kept.origin})`, d.ignored.origin);
  }

  const hub = hubPaths(config.dataDir);
  const geoMissing: string[] = [];
  const nodeCounters = new Map<string, NodeCounters>();
  const kit = createContentKit({
    clock: deps.clock,
    library,
    // dest_file comes from content: it may not lead out of the data directory.
    resolveData: (entry) => safeJoin(hub.data, entry.dest_file, 'data file'),
    geo: openGeoIpDatabases({ ...geoIpDataFiles(hub.data), warn: (m) => geoMissing.push(m) }),
    geoMissing,
    history: deps.history,
    warn,
    counters: (name) => {
      let c = nodeCounters.get(name);
      if (!c) {
        c = { hits: 0, ok: 0, ko: 0 };
        nodeCounters.set(name, c);
      }
      return c;
    },
  });

  const dirs = [...config.contentDirs.map((dir) => ({ dir, lenient: false })), ...(config.hub.enabled && existsSync(hub.installed) ? [{ dir: hub.installed, lenient: true }] : [])];
  const loadStaged = (kind: 'parsers' | 'postoverflows'): { pipeline: ParserPipeline | null; files: string[] } => {
    const files = dirs.flatMap((d) => stagedFilesOf(d.dir, kind, d.lenient)).sort(byStageThenName);
    const nodes: RuntimeNode[] = [];
    const loaded: string[] = [];
    for (const file of files) {
      try {
        nodes.push(...loadParserFile(file, kit.nodeDeps));
        loaded.push(file.path);
      } catch (err) {
        if (!file.lenient) throw err;
        skip(file.path, err);
      }
    }
    return { pipeline: nodes.length > 0 || kind === 'parsers' ? new ParserPipeline(nodes) : null, files: loaded };
  };
  const parsers = loadStaged('parsers');
  const postoverflows = loadStaged('postoverflows');

  const scenarioDeps = kit.scenarioDeps((n) => isSimulated(config.simulation, n));
  const scenarios: RuntimeScenario[] = [];
  const scenarioFiles: string[] = [];
  const seen = new Map<string, string>();
  for (const { dir, lenient } of dirs) {
    for (const file of yamlFilesUnder(join(dir, 'scenarios'))) {
      try {
        const loaded = loadScenarioFile(file, scenarioDeps);
        for (const s of loaded) {
          const other = seen.get(s.name);
          if (other) throw new HerdError('HERD_SCENARIO_INVALID', `scenario ${s.name} is defined twice (also in ${other})`, { where: file });
        }
        for (const s of loaded) {
          seen.set(s.name, file);
          scenarios.push(s);
        }
        scenarioFiles.push(file);
      } catch (err) {
        if (!lenient) throw err;
        skip(file, err);
      }
    }
  }

  let profilesText: string;
  try {
    profilesText = readFileSync(config.profilesFile, 'utf8');
  } catch (err) {
    throw new HerdError('HERD_PROFILES_READ', `cannot read the profiles file: ${(err as Error).message}`, { where: config.profilesFile });
  }
  const profiles = parseProfilesText(profilesText, config.profilesFile, { compileExpr: (source) => kit.compile(source, ['Alert']) });

  return {
    parser: parsers.pipeline!,
    scenarios,
    postoverflows: postoverflows.pipeline,
    profiles,
    nodeCounters,
    library,
    files: { parsers: parsers.files, scenarios: scenarioFiles, postoverflows: postoverflows.files, profiles: config.profilesFile },
    skipped,
    warnings,
  };
}
