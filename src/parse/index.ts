/**
 * Parsing: log lines become events. Parser nodes in CrowdSec's YAML format (filter, grok, statics,
 * whitelists, nested nodes, on_success) run stage by stage (s00-raw, s01-parse, s02-enrich, …) and
 * fill `Parsed`, `Meta` and `Enriched`; enrichers such as ParseDate add the event's time. Nodes may
 * read data files (`data:`) and fill the stash (`stash:`) that expressions read back.
 */
export { Event, EventLine, newLogEvent, LOG, OVFLW, LIVE, TIMEMACHINE, type ExpectMode } from './event.js';
export { ParserPipeline, type ParseTracer } from './parser-pipeline.js';
export {
  RuntimeNode,
  NodeRuntimeError,
  applyStatics,
  type NodeIssues,
  type NodeCounters,
  type RuntimeStatic,
  type RuntimeStash,
} from './runtime-node.js';
export { buildNode, type NodeBuildDeps } from './build-node.js';
export { loadParserFiles, loadParserFile, parseParserText, stageOfPath, type ParserFile } from './load-parsers.js';
export { nodeSchema, type NodeConfig } from './node-config.js';
export { compileTarget, type TargetSetter } from './set-target.js';
export { eventFieldReader, directFieldRead } from './field-read.js';
export { createDateParseEnricher } from './enrichers/date-parse.js';
export type { Enricher, EnricherRegistry } from './enrichers/enricher.js';
export {
  createGeoIpEnrichers,
  geoipHelpers,
  openGeoIpDatabases,
  geoIpDataFiles,
  GeoIpDatabases,
  GEOIP_CITY_FILE,
  GEOIP_ASN_FILE,
  type GeoIpOptions,
} from './enrichers/geoip.js';
