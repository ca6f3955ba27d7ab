/**
 * The API security scanner (`herd scan`): loads an OpenAPI/Swagger or GraphQL description (or finds
 * one), explores the running API as several users, runs checks for the OWASP API Top 10 and
 * injections through one client that never leaves the target's origin, and writes the findings with
 * evidence and fixes as SARIF, JUnit, JSON, Markdown and HTML, with a score and a CI gate.
 */
export * from './model.js';
export type { Check, CheckContext, ScanClient, Sample, KnownResource, Canary, FindingInput, ScanUser } from './check.js';
export { runScan, fingerprintOf, type ScanOptions, type ScanProgress } from './run-scan.js';
export { readScanConfig, parseScanConfig, type ScanConfig } from './scan-config.js';
export type { UserConfig, UserAuth } from './auth/credentials.js';
export { allChecks, selectChecks } from './checks/registry.js';
export { HttpScanClient, type ScanClientOptions } from './http/scan-client.js';
export { CanaryServer } from './oob/canary-server.js';
export { toSarif, toJunit, toJson, readReport, toMarkdown, toHtml, scoreOf, gate, diffReports, newFindings, type FailOn } from './report/index.js';
