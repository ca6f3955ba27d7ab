/**
 * Scenarios: parsed events are poured into buckets (leaky, trigger, counter; CrowdSec's format), one
 * per scenario and `groupby` value; a bucket that overflows becomes alerts about its sources.
 */
export type { Alert, AlertSource, AlertEvent, MetaItem } from './alert.js';
export { BucketEngine, type BucketEngineOptions, type ScenarioStats } from './bucket-engine.js';
export type { Overflow, QueuedEvent } from './overflow.js';
export { loadScenarioFile, parseScenarioText, type RuntimeScenario, type ScenarioBuildDeps, type BucketType } from './runtime-scenario.js';
export { scenarioSchema, type ScenarioConfig } from './scenario-config.js';
export { TokenBucket } from './token-bucket.js';
