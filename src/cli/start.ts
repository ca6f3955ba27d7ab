import { Command } from 'commander';
import { runMainJob } from '../agent/index.js';
import type { Store } from '../store/index.js';
import { alertJson } from './alerts.js';
import { cliContext, type CliContext } from './context.js';
import { decisionJson, timeLeft } from './decisions.js';
import { clip, formatTable, printJson } from './table.js';

/**
 * `herd start`: the main job — the local API and the engine in one process. The engine follows the
 * configured logs (or /var/log/nginx/access.log and /var/log/auth.log when present); on a machine
 * with neither it replays sample logs made by herd's generator and prints the alerts and decisions
 * they produced. The API serves until Ctrl-C (or SIGTERM).
 */
export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the local API and the engine (follows the configured logs, or replays bundled samples when the machine has none)')
    .option('-l, --listen <host:port>', 'where the local API listens (default api.server.listen, 127.0.0.1:8080)')
    .option('--no-acquisition', 'serve the local API only: follow no logs')
    .option('--no-api', 'run the engine only, without the local API')
    .option('--samples', "replay herd's sample logs (as on a machine without logs) instead of following the machine's logs")
    .option('--json', 'sample mode: print the alerts and decisions as JSON')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runMainJob(ctx.config, {
          clock: ctx.clock,
          logger: ctx.logger,
          signal: abort.signal,
          ...(opts.listen ? { listen: opts.listen } : {}),
          api: opts.api !== false && ctx.config.api.server.enable,
          acquisition: opts.acquisition !== false,
          samples: opts.samples === true,
          onFollowing: (sources) => process.stderr.write(`herd: following ${sources.join(', ')}\n`),
          onListening: (address) => process.stderr.write(`herd: local API listening on ${address} (herd bouncers add NAME for a bouncer key)\n`),
          onSamples: async ({ summaries, store, since }) => {
            process.stderr.write(
              opts.samples
                ? 'herd: replayed sample logs (--samples).\n'
                : 'herd: no logs configured and none of /var/log/nginx/access.log, /var/log/auth.log here: replayed sample logs.\n',
            );
            for (const s of summaries) process.stderr.write(`  ${s.path} (${s.type}): ${s.summary.lines} lines, ${s.summary.alerts} alert(s), ${s.summary.decisions} decision(s)\n`);
            await printSampleResults(ctx, store, since, opts.json === true);
            if (opts.api !== false && ctx.config.api.server.enable) process.stderr.write('The local API keeps serving these decisions; Ctrl-C stops herd.\n');
          },
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

async function printSampleResults(ctx: CliContext, store: Store, since: number, json: boolean): Promise<void> {
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
}
