/**
 * Cross-cutting pieces every domain uses: typed errors, the clock that is passed in, the structured
 * logger, and YAML loading with CrowdSec's (YAML 1.1) reading rules and line numbers for errors.
 */
export { HerdError, fileLine, errorMessage } from './errors.js';
export { type Clock, systemClock, ManualClock } from './clock.js';
export { type Logger, createLogger, silentLogger } from './logger.js';
export {
  YamlScalar,
  type YamlDoc,
  parseYamlDocuments,
  validateYamlDoc,
  plain,
  yString,
  yOptString,
  yNumber,
  yOptNumber,
  yOptInt,
  yOptBool,
  yOptStringList,
  yAny,
} from './yaml-documents.js';
export { dataEntrySchema, type DataEntryConfig } from './data-entry.js';
