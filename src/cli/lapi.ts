import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { clientOf, CREDENTIALS_FILE, WatcherClient, writeCredentials } from '../agent/index.js';
import { HerdError } from '../core/index.js';
import { cliContext } from './context.js';

/**
 * `herd lapi register|status`, like `cscli lapi`: an agent's side of joining a local API that runs
 * elsewhere. `register` creates the machine there and writes the credentials `herd agent` reads
 * (`<data dir>/local_api_credentials.yaml` unless api.client says otherwise); `status` logs in.
 */
export function registerLapi(program: Command): void {
  const lapi = program.command('lapi').description("this agent's link to a local API (register a machine, check the login)");

  lapi
    .command('register')
    .description('register this machine on a local API and write the credentials herd agent uses')
    .requiredOption('-u, --url <url>', 'the local API, e.g. http://10.0.0.5:8080/')
    .option('--machine <id>', 'the machine id (default: a random one)')
    .option('--password <password>', 'its password (default: a random one)')
    .option('--token <token>', "the API's registration token: the machine is validated at once")
    .option('-f, --file <path>', `where to write the credentials (default: <data dir>/${CREDENTIALS_FILE})`)
    .action(async (opts: { url: string; machine?: string; password?: string; token?: string; file?: string }, cmd: Command) => {
      const ctx = cliContext(cmd);
      const machineId = opts.machine ?? `herd-${randomBytes(12).toString('hex')}`;
      const password = opts.password ?? randomBytes(24).toString('base64url');
      if (password.length < 8) throw new HerdError('HERD_CLI_ARG', '--password must be at least 8 characters');
      const client = new WatcherClient({ url: opts.url, machineId, password });
      await client.register(opts.token);
      const file = opts.file ?? join(ctx.config.dataDir, CREDENTIALS_FILE);
      mkdirSync(dirname(file), { recursive: true });
      writeCredentials(file, { url: client.url, login: machineId, password });
      process.stdout.write(`Machine '${machineId}' registered on ${client.url}; credentials written to ${file}.\n`);
      if (!opts.token) process.stdout.write(`Validate it on the API's host: herd machines validate ${machineId}\n`);
    });

  lapi
    .command('status')
    .description('log in to the local API with the configured credentials')
    .action(async (_opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const client = clientOf(ctx.config);
      await client.login();
      process.stdout.write(`Logged in to the local API at ${client.url} as '${ctx.config.api.client.login}'.\n`);
    });
}
