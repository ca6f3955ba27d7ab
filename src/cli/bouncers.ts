import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { openHerdStore } from '../agent/index.js';
import { HerdError } from '../core/index.js';
import { GoTime } from '../expr/index.js';
import { hashApiKey } from '../lapi/index.js';
import { cliContext } from './context.js';
import { formatTable, printJson } from './table.js';

/** `herd bouncers add|list|delete`, like `cscli bouncers`. */

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** A new API key: 32 random bytes, base64url (what a bouncer puts in X-Api-Key). */
export function newApiKey(): string {
  return randomBytes(32).toString('base64url');
}

export function registerBouncers(program: Command): void {
  const bouncers = program.command('bouncers').description('API keys of the bouncers that pull decisions');

  bouncers
    .command('add')
    .description('create a bouncer and print its API key (shown once; only its hash is stored)')
    .argument('<name>', 'a name for the bouncer (letters, digits, . _ @ -)')
    .option('-k, --key <key>', 'use this key instead of a random one (at least 16 characters)')
    .option('-o, --output <format>', 'raw: print only the key, on one line')
    .option('--json', 'print {"name","api_key"}')
    .action(async (name: string, opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      if (!NAME.test(name)) throw new HerdError('HERD_CLI_ARG', `bouncer name '${name}' is not valid: use letters, digits, '.', '_', '@' or '-' (up to 128)`);
      const key = opts.key ?? newApiKey();
      if (key.length < 16) throw new HerdError('HERD_CLI_ARG', '--key must be at least 16 characters');
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        await store.addBouncer({ name, apiKeyHash: hashApiKey(key), ipAddress: '', lastPull: null, type: '', version: '', authType: 'api-key' });
      } finally {
        await store.close();
      }
      if (opts.output === 'raw') return void process.stdout.write(key + '\n');
      if (opts.json) return printJson({ name, api_key: key });
      process.stdout.write(`API key for '${name}':\n\n   ${key}\n\nPlease keep it safe, you won't be able to see it again.\n`);
    });

  bouncers
    .command('list')
    .description('list bouncers, with when they last pulled decisions')
    .option('--json', 'print a JSON array')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        const list = await store.listBouncers();
        const time = (t: number | null) => (t ? GoTime.fromMillis(t).MarshalText() : '');
        if (opts.json) {
          return printJson(list.map((b) => ({ name: b.name, ip_address: b.ipAddress, type: b.type, version: b.version, last_pull: time(b.lastPull), created_at: time(b.createdAt), auth_type: b.authType })));
        }
        if (list.length === 0) return void process.stdout.write('No bouncers.\n');
        process.stdout.write(formatTable(['Name', 'IP Address', 'Valid', 'Last API pull', 'Type', 'Version', 'Auth Type'], list.map((b) => [b.name, b.ipAddress, '✔', time(b.lastPull), b.type, b.version, b.authType])) + '\n');
      } finally {
        await store.close();
      }
    });

  bouncers
    .command('delete')
    .description('delete bouncers (their keys stop working)')
    .argument('<names...>', 'bouncer names')
    .action(async (names: string[], _opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        for (const name of names) {
          if (!(await store.deleteBouncer(name))) throw new HerdError('HERD_NOT_FOUND', `there is no bouncer '${name}'; see herd bouncers list`);
          process.stdout.write(`bouncer '${name}' deleted\n`);
        }
      } finally {
        await store.close();
      }
    });
}
