/**
 * What `herd scan` writes: pure functions from a ScanResult to the formats CI and people read —
 * SARIF for code scanning, JUnit XML for test dashboards, JSON to keep and compare, Markdown for a
 * job summary or PR comment, one self-contained HTML page — plus the score, baselines, diffs and
 * the pass/fail gate.
 */
export { toSarif, sarifLevel, SARIF_SCHEMA_URI, type SarifLog, type SarifOptions } from './sarif.js';
export { toJunit } from './junit.js';
export { toJson, readReport, scanResultSchema, SCAN_REPORT_INVALID } from './json.js';
export { toMarkdown, type MarkdownOptions } from './markdown.js';
export { toHtml, type HtmlOptions } from './html.js';
export { scoreOf, SCORE_FORMULA, SEVERITY_PENALTY, type Score, type Grade } from './score.js';
export {
  newFindings,
  diffReports,
  gate,
  type ReportDiff,
  type FailOn,
  type GateOptions,
  type GateResult,
} from './baseline.js';
export { countBySeverity, sortFindings } from './catalog.js';
