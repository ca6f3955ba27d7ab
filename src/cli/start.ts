import { Command } from 'commander';
import { acquisitionOf, follow, openHerdStore, replay, writeSampleLogs } from '../agent/index.js';
import { alertJson } from './alerts.js';
import { cliContext, type CliContext } from './context.js';
import { decisionJson, timeLeft } from './decisions.js';
import { clip, formatTable, printJson } from './table.js';

/**
 * `herd start`: the main job. Follows the configured logs (or /var/log/nginx/access.log and
 * /var/log/auth.log when present) until stopped. On a machine with neither, it replays sample logs
 * made by herd's generator and prints the alerts and decisions they produced.
 */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the engine: follow the configured logs (or replay bundled samples when the machine has none)')
    .option('--json', 'sample mode: print the alerts and decisions as JSON')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const entries = acquisitionOf(ctx.config);
      if (entries.length === 0) return runSample(ctx, opts.json === true);
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await follow(ctx.config, entries, {
          clock: ctx.clock,
          logger: ctx.logger,
          signal: abort.signal,
          onCommit: (c) => {
            if (c.alerts > 0) ctx.logger.info(c, 'alerts stored');
          },
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

async function runSample(ctx: CliContext, json: boolean): Promise<void> {
  const since = ctx.clock.now();
  process.stderr.write('No logs configured and none of /var/log/nginx/access.log, /var/log/auth.log here: replaying sample logs.\n');
  const samples = await writeSampleLogs(ctx.config.dataDir);
  for (const [path, type] of [
    [samples.nginx, 'nginx'],
    [samples.authLog, 'syslog'],
  ] as const) {
    const s = await replay(ctx.config, { dsn: `file://${path}`, type, clock: ctx.clock, logger: ctx.logger });
    process.stderr.write(`  ${path} (${type}): ${s.lines} lines, ${s.alerts} alert(s), ${s.decisions} decision(s)\n`);
  }
  const store = await openHerdStore(ctx.config, { clock: ctx.clock, logger: ctx.logger });
  try {
    const now = ctx.clock.now();
    const alerts = await store.listAlerts({ since });
    const decisions = await store.listDecisions({ activeAt: now, createdAfter: since - 1, order: 'desc' });
    if (json) return printJson({ alerts: alerts.map((a) => alertJson(a, now)), decisions: decisions.map((d) => decisionJson(d, now)) });
    const byScenario = new Map<string, number>();
    for (const a of alerts) byScenario.set(a.scenario, (byScenario.get(a.scenario) ?? 0) + 1);
    process.stdout.write(`\nAlerts: ${alerts.length}\n`);
    process.stdout.write(formatTable(['Scenario', 'Alerts'], [...byScenario].sort((a, b) => b[1] - a[1]).map(([s, n]) => [s, String(n)])) + '\n');
    process.stdout.write(`\nDecisions: ${decisions.length} active\n`);
    const shown = decisions.slice(0, 30);
    process.stdout.write(
      formatTable(['ID', 'Scope:Value', 'Reason', 'Action', 'Expiration'], shown.map((d) => [String(d.id), `${d.scope}:${d.value}`, clip(d.scenario, 40), d.type, timeLeft(d.until, now)])) + '\n',
    );
    if (decisions.length > shown.length) process.stdout.write(`… and ${decisions.length - shown.length} more (herd decisions list)\n`);
    process.stdout.write(`\nData directory: ${ctx.config.dataDir} — try: herd decisions list, herd alerts list, herd metrics\n`);
  } finally {
    await store.close();
  }
}
