/**
 * The CrowdSec hub, as herd uses it: running the hub's own replay tests (`herd hubtest`) against
 * herd's engine, and (hub-management) fetching, installing and upgrading hub content.
 */
export { runHubTests, listHubTests, type HubTestRunOptions, type HubTestSummary } from './hubtest/run-tests.js';
export { runHubTest, replayTest, type HubTestResult, type HubTestEnv, type TestStatus } from './hubtest/run-test.js';
export { readHubTestConfig, type HubTestConfig } from './hubtest/test-config.js';
export * from './hub-management.js';
export { createContentKit, type ContentKit, type ContentKitOptions } from './content-kit.js';
