import type { Clock } from '../core/index.js';
import type { DecisionHistory } from '../decisions/index.js';
import { compileExpr, crowdsecHelpers, DataFiles, Stash, type CompiledExpr, type DataFileEntry, type ExprFunction } from '../expr/index.js';
import { compileGrok, compileNamedGrok, compileRegex, type PatternLibrary } from '../grok/index.js';
import { IpMatcher } from '../ip/index.js';
import {
  createDateParseEnricher,
  createGeoIpEnrichers,
  eventFieldReader,
  geoipHelpers,
  type Enricher,
  type GeoIpDatabases,
  type NodeBuildDeps,
  type NodeCounters,
} from '../parse/index.js';
import type { ScenarioBuildDeps } from '../scenarios/index.js';

/**
 * What CrowdSec content (herd's own, installed hub items, hub tests) is compiled with: the
 * expression helpers (CrowdSec's, the data files, the stash, GeoIP, the decision history), the grok
 * library, the enrichers, and the build dependencies of parser nodes and scenarios. One kit per
 * loaded set of content, so data files, stash and `pattern_syntax` additions do not leak across sets.
 */

export interface ContentKitOptions {
  clock: Clock;
  library: PatternLibrary;
  /** The local file of a `data:` entry. */
  resolveData(entry: DataFileEntry): string;
  /** Opened GeoIP databases (GeoIpCity/GeoIpASN/IpToRange and the GeoIP helpers); none when absent. */
  geo?: GeoIpDatabases;
  /** Why a GeoIP database is missing: warned once, and only when some content uses a GeoIP method. */
  geoMissing?: readonly string[];
  /** GetDecisionsCount and friends read it. */
  history?: DecisionHistory;
  warn(message: string, where: string): void;
  counters?(name: string): NodeCounters;
}

export interface ContentKit {
  helpers: Record<string, ExprFunction>;
  dataFiles: DataFiles;
  stash: Stash;
  /** Compiles an expression over the given environment names (`evt` by default). */
  compile(source: string, variables?: readonly string[]): CompiledExpr;
  nodeDeps: NodeBuildDeps;
  scenarioDeps(isSimulated: (name: string) => boolean): ScenarioBuildDeps;
}

const noCounters = (): NodeCounters => ({ hits: 0, ok: 0, ko: 0 });

/** The enrichers by method name; looking up one of `watched` the first time calls `onFirstUse`. */
class EnricherTable extends Map<string, Enricher> {
  private used = false;
  constructor(
    private readonly watched: ReadonlySet<string>,
    private readonly onFirstUse: () => void,
  ) {
    super();
  }

  override get(name: string): Enricher | undefined {
    if (!this.used && this.watched.has(name)) {
      this.used = true;
      this.onFirstUse();
    }
    return super.get(name);
  }
}

export function createContentKit(o: ContentKitOptions): ContentKit {
  const dataFiles = new DataFiles({ resolve: (entry) => o.resolveData(entry), warn: (m) => o.warn(m, 'data files') });
  const stash = new Stash({ clock: o.clock, warn: (m) => o.warn(m, 'stash') });
  const helpers: Record<string, ExprFunction> = {
    ...crowdsecHelpers({ clock: o.clock, dataFiles, stash }),
    ...(o.geo ? geoipHelpers(o.geo) : {}),
    ...(o.history ? o.history.helpers() : {}),
  };
  const compile = (source: string, variables: readonly string[] = ['evt']): CompiledExpr =>
    compileExpr(source, { variables, functions: helpers, regex: compileRegex, fieldReader: eventFieldReader, clock: o.clock });
  // The GeoIP methods say once that their database is missing, when some content asks for them.
  const geoEnrichers = o.geo ? createGeoIpEnrichers(o.geo) : new Map<string, Enricher>();
  const enrichers = new EnricherTable(o.geoMissing && o.geoMissing.length > 0 ? new Set(geoEnrichers.keys()) : new Set(), () => {
    for (const m of o.geoMissing ?? []) o.warn(m, 'geoip');
  });
  enrichers.set('ParseDate', createDateParseEnricher(o.clock));
  for (const [name, e] of geoEnrichers) enrichers.set(name, e);
  const library = o.library;
  const nodeDeps: NodeBuildDeps = {
    compileExpr: (source) => compile(source),
    addGrokPattern: (name, regex) => library.add(name, regex, 'pattern_syntax'),
    compileGrok: (pattern) => compileGrok(library, pattern),
    compileNamedGrok: (name) => compileNamedGrok(library, name),
    ipMatcher: (entries) => IpMatcher.parse(entries),
    enrichers,
    counters: o.counters ?? noCounters,
    warn: o.warn,
    dataFiles,
    stash,
  };
  return {
    helpers,
    dataFiles,
    stash,
    compile,
    nodeDeps,
    scenarioDeps: (isSimulated) => ({
      compileExpr: (source, variables) => compile(source, variables),
      isSimulated,
      warn: o.warn,
      loadData: (entry) => dataFiles.load(entry),
    }),
  };
}
