/**
 * Scenarios: parsed events are poured into buckets (leaky, trigger, counter, conditional, bayesian;
 * CrowdSec's format), one per scenario and `groupby` value; a bucket that overflows becomes alerts
 * about its sources. Overflows are also seen as CrowdSec's Go-shaped RuntimeAlert (`overflowView`),
 * travelling as an OVFLW event (`overflowEvent`) through postoverflows and, with `reprocess`, back
 * into the buckets.
 */
export type { Alert, AlertSource, AlertEvent, MetaItem } from './alert.js';
export { BucketEngine, type BucketEngineOptions, type ScenarioStats } from './bucket-engine.js';
export type { Overflow, QueuedEvent } from './overflow.js';
export { overflowView, overflowEvent, applyOverflowView, bucketMapkey, RuntimeAlertView, AlertView, SourceView, EventView, MetaItemView } from './overflow-view.js';
export { QueueView, LeakyView } from './bucket.js';
export { updateBayesian } from './bayesian.js';
export {
  loadScenarioFile,
  parseScenarioText,
  type RuntimeScenario,
  type ScenarioBuildDeps,
  type ScenarioDataEntry,
  type BucketType,
  type BayesianSpec,
  type BayesianCondition,
} from './runtime-scenario.js';
export { scenarioSchema, type ScenarioConfig } from './scenario-config.js';
export { TokenBucket } from './token-bucket.js';
