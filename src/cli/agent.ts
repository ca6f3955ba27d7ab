import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { runAgentJob } from '../agent/index.js';
import { HerdError } from '../core/index.js';
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
        let text: string;
        try {
          text = readFileSync(opts.credentials, 'utf8');
        } catch (err) {
          throw new HerdError('HERD_CLI_ARG', `cannot read --credentials: ${(err as Error).message}`);
        }
        const { parse } = await import('yaml');
        const v = (parse(text) ?? {}) as Record<string, unknown>;
        const field = (k: string): string | null => (typeof v[k] === 'string' || typeof v[k] === 'number' ? String(v[k]) : null);
        ctx.config.api.client = { ...ctx.config.api.client, url: field('url'), login: field('login'), password: field('password') };
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
