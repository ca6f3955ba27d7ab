import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HerdError, type Clock } from '../../core/index.js';
import { loadPatternDirectory, PatternLibrary } from '../../grok/index.js';
import { runHubTest, type HubTestResult } from './run-test.js';
import { readHubTestConfig, type HubTestConfig } from './test-config.js';
import { readTestHub } from './test-items.js';

/**
 * `herd hubtest run`: finds the tests of a hub (`<hub>/.tests/<name>/config.yaml`), runs the ones
 * asked for in name order, and sums them up. AppSec tests are skipped with their reason: herd has
 * no WAF runtime to run them on.
 */

export interface HubTestRunOptions {
  hubDir: string;
  patternsDir: string;
  dataDir?: string;
  /** Test names; all tests when empty. */
  names: readonly string[];
  clock: Clock;
  onResult?(r: HubTestResult, done: number, total: number): void;
}

export interface HubTestSummary {
  tests: HubTestResult[];
  passed: number;
  failed: number;
  skipped: number;
}

export function listHubTests(hubDir: string): string[] {
  const dir = join(hubDir, '.tests');
  if (!existsSync(dir)) throw new HerdError('HERD_HUBTEST_DIR', `no .tests directory in the hub directory; give the hub with --hub`, { where: hubDir });
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'config.yaml')) && statSync(join(dir, n)).isDirectory())
    .sort();
}

function skipReason(cfg: HubTestConfig, raw: string[]): string | null {
  if (raw.some((k) => k === 'appsec-rules' || k === 'appsec-configs' || k === 'nuclei_template')) {
    return 'AppSec test: herd has no WAF runtime';
  }
  if (cfg.logType === 'appsec') return 'AppSec test: herd has no WAF runtime';
  return null;
}

export function runHubTests(opts: HubTestRunOptions): HubTestSummary {
  const hub = readTestHub(opts.hubDir);
  const library = loadPatternDirectory(opts.patternsDir, new PatternLibrary());
  const all = listHubTests(opts.hubDir);
  const names = opts.names.length > 0 ? [...opts.names] : all;
  for (const n of names) {
    if (!all.includes(n)) throw new HerdError('HERD_HUBTEST_UNKNOWN', `no test named '${n}' in ${join(opts.hubDir, '.tests')}`);
  }
  const summary: HubTestSummary = { tests: [], passed: 0, failed: 0, skipped: 0 };
  names.forEach((name, i) => {
    const dir = join(opts.hubDir, '.tests', name);
    let result: HubTestResult;
    try {
      const cfg = readHubTestConfig(dir, name);
      const reason = skipReason(cfg, cfg.rawKeys);
      result = reason
        ? { name, status: 'skipped', reason, ms: 0 }
        : runHubTest(cfg, { hub, library, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), clock: opts.clock });
    } catch (err) {
      result = { name, status: 'failed', reason: (err as Error).message, ms: 0 };
    }
    summary.tests.push(result);
    summary[result.status]++;
    opts.onResult?.(result, i + 1, names.length);
  });
  return summary;
}
