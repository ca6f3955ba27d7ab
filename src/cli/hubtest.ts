import { join } from 'node:path';
import { Command } from 'commander';
import { HerdError, type Clock } from '../core/index.js';
import { runHubTests, type HubTestSummary } from '../hub/index.js';
import { cliContext } from './context.js';
import { printJson } from './table.js';

/**
 * `herd hubtest run`: runs the CrowdSec hub's replay tests (`.tests/<name>/`) against herd's engine,
 * with cscli hubtest's semantics. One line per test, then `N passed, N failed[, N skipped]`.
 * Exit code 0 when no test failed, 1 otherwise.
 */

function fixedClock(text: string | undefined): Clock | null {
  if (text === undefined) return null;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new HerdError('HERD_CLI_ARG', `--now '${text}' is not a date; give RFC 3339, e.g. 2026-01-15T00:00:00Z`);
  const started = Date.now();
  return { now: () => t + (Date.now() - started) };
}

function printSummary(s: HubTestSummary, write: (line: string) => void): void {
  const skipped = s.tests.filter((t) => t.status === 'skipped');
  if (skipped.length > 0) write(`skipped: ${skipped.map((t) => `${t.name} (${t.reason ?? ''})`).join(', ')}`);
  write(`${s.passed} passed, ${s.failed} failed${s.skipped > 0 ? `, ${s.skipped} skipped` : ''}`);
}

export function registerHubtest(program: Command): void {
  const hubtest = program.command('hubtest').description("run the CrowdSec hub's own replay tests against herd");
  hubtest
    .command('run')
    .description('run hub tests (.tests/<name>/config.yaml, parser.assert, scenario.assert) as cscli hubtest does')
    .argument('[names...]', 'tests to run (default with --all: every test)')
    .option('--hub <dir>', 'hub directory holding .index.json and .tests/ (default: $HERD_HUB_DIR or <data-dir>/hub)')
    .option('--patterns <dir>', 'grok pattern library (default: <data-dir>/hub/patterns)')
    .option('--data <dir>', "offline mirror of the hub's data files (source_url path under this directory)")
    .option('--all', 'run every test')
    .option('--now <time>', 'the time year-less log dates resolve against (default: now)')
    .option('--json', 'print the results as JSON')
    .action((names: string[], opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      if (!opts.all && names.length === 0) throw new HerdError('HERD_CLI_ARG', 'name the tests to run, or give --all');
      const hubDir: string = opts.hub ?? process.env.HERD_HUB_DIR ?? join(ctx.config.dataDir, 'hub');
      const patternsDir: string = opts.patterns ?? join(ctx.config.dataDir, 'hub', 'patterns');
      const clock = fixedClock(opts.now) ?? ctx.clock;
      const write = (line: string): void => {
        process.stdout.write(line + '\n');
      };
      const summary = runHubTests({
        hubDir,
        patternsDir,
        ...(opts.data ? { dataDir: opts.data as string } : {}),
        names: opts.all ? [] : names,
        clock,
        onResult: opts.json
          ? undefined
          : (r, done, total) => {
              const mark = r.status === 'passed' ? 'ok  ' : r.status === 'skipped' ? 'skip' : 'FAIL';
              write(`${mark} ${r.name}${r.reason ? `: ${r.reason}` : ''}  [${done}/${total}, ${r.ms} ms]`);
              for (const f of (r.failures ?? []).slice(0, 5)) write(`       ${f.expression}${f.actual !== undefined ? `  (got ${f.actual})` : ''}`);
            },
      });
      if (opts.json) {
        printJson({
          tests: summary.tests.map((t) => ({
            name: t.name,
            status: t.status,
            ...(t.reason ? { reason: t.reason } : {}),
            ...(t.failures ? { failures: t.failures.slice(0, 10) } : {}),
          })),
          passed: summary.passed,
          failed: summary.failed,
          skipped: summary.skipped,
        });
      } else {
        printSummary(summary, write);
      }
      if (summary.failed > 0) process.exitCode = 1;
    });
}
