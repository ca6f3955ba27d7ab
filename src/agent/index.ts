/**
 * The agent: the runtime engine wired together — configuration, content loading, the line pipeline
 * (acquisition → parse → scenarios → decisions → store), and the runs the commands start (follow,
 * replay, explain, the bundled sample).
 */
export { loadHerdConfig, builtinContentDir, isSimulated, configSchema, DEFAULT_DATA_DIR, DEFAULT_LISTEN, CREDENTIALS_FILE, readCredentials, type HerdConfig } from './herd-config.js';
export { parseCredentials, writeCredentials, type Credentials } from './credentials-file.js';
export { loadContent, type LoadedContent } from './content.js';
export { Pipeline, type Drained, type AlertWithDecisions } from './pipeline.js';
export { runSources, type RunOptions, type RunTotals, type CommitInfo } from './runner.js';
export { openHerdStore, storeExists, buildEngine, replay, LIVE, TIMEMACHINE, type Engine, type ReplaySummary } from './agent.js';
export { explainLine, formatExplanation, type Explanation } from './explain.js';
export { follow, acquisitionOf, defaultAcquisition, sourcesOf, startFlush, DEFAULT_LOGS, type FollowOptions } from './start.js';
export { runMainJob, type MainJobOptions, type MainJobMode } from './main-job.js';
export { runAgentJob, clientOf, type AgentJobOptions, type AgentJobResult } from './agent-job.js';
export { AlertForwarder, type AlertPusher, type ForwarderOptions, type ForwarderStats } from './alert-forwarder.js';
export { WatcherClient, LapiAnswerError, type WatcherCredentials } from './watcher-client.js';
export { startLocalApi, jwtSecretOf } from './local-api.js';
export { createDecider, type Decide } from './decider.js';
export { writeSampleLogs, SAMPLE_SEED, type SampleLogs } from './sample-logs.js';
export { registerEngineMetrics, parseCounterName, ENGINE_COUNTERS, type CounterSample } from './engine-metrics.js';
