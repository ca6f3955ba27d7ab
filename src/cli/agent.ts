import { Command } from 'commander';
import { readCredentials, runAgentJob } from '../agent/index.js';
import { cliContext } from './context.js';

/**
 * `herd agent`: the engine without a local API of its own. It follows the configured logs and
 * pushes its alerts, as a machine, to the local API named by api.client (url, login, password or
 * credentials_file); that API's profiles make the decisions. Runs until Ctrl-C (or SIGTERM).
 */
export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description("run the engine only and push its alerts to a remote local API as a machine (api.client in the configuration)")
    .option('--credentials <file>', 'the machine credentials (url, login, password; as `herd machines add NAME -f FILE` writes them) instead of api.client')
    .action(async (opts: { credentials?: string }, cmd: Command) => {
      const ctx = cliContext(cmd);
      if (opts.credentials) {
        const creds = readCredentials(opts.credentials, '--credentials');
        ctx.config.api.client = { ...ctx.config.api.client, url: creds.url ?? null, login: creds.login ?? null, password: creds.password ?? null };
      }
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const result = await runAgentJob(ctx.config, {
          clock: ctx.clock,
          logger: ctx.logger,
          signal: abort.signal,
          userAgent: `herd-agent/${program.version() ?? '0.0.0'}`,
          onFollowing: (sources, api) => process.stderr.write(`herd: agent following ${sources.join(', ')}; pushing alerts to ${api}\n`),
        });
        process.stderr.write(
          `herd: agent stopped; ${result.forwarded.pushed} alert(s) pushed` + (result.waiting > 0 ? `, ${result.waiting} wait in the outbox for the next start` : '') + '\n',
        );
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
