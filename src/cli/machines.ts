import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { openHerdStore, writeCredentials } from '../agent/index.js';
import { HerdError } from '../core/index.js';
import { GoTime } from '../expr/index.js';
import { hashPassword } from '../lapi/index.js';
import { cliContext } from './context.js';
import { formatTable, printJson } from './table.js';

/** `herd machines add|list|validate|delete`, like `cscli machines`: the agents that push alerts. */

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

export function registerMachines(program: Command): void {
  const machines = program.command('machines').description('agents (machines) allowed to push alerts to this API');

  machines
    .command('add')
    .description('create a validated machine with a password')
    .argument('<machine_id>', 'the machine id the agent logs in with')
    .option('-p, --password <password>', 'its password (default: a random one, printed)')
    .option('-f, --file <path>', 'also write the agent credentials (url, login, password) as YAML to this file')
    .option('--url <url>', 'the API URL to put in the credentials file', 'http://127.0.0.1:8080/')
    .option('--json', 'print {"machine_id","password"}')
    .action(async (machineId: string, opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      if (!NAME.test(machineId)) throw new HerdError('HERD_CLI_ARG', `machine id '${machineId}' is not valid: use letters, digits, '.', '_', '@' or '-'`);
      const password: string = opts.password ?? randomBytes(24).toString('base64url');
      if (password.length < 8) throw new HerdError('HERD_CLI_ARG', '--password must be at least 8 characters');
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        await store.addMachine({
          machineId,
          passwordHash: await hashPassword(password),
          ipAddress: '',
          lastPush: null,
          lastHeartbeat: null,
          isValidated: true,
          version: '',
          scenarios: '',
          authType: 'password',
          osName: '',
          osVersion: '',
        });
      } finally {
        await store.close();
      }
      if (opts.file) writeCredentials(opts.file, { url: opts.url, login: machineId, password });
      if (opts.json) return printJson({ machine_id: machineId, password });
      process.stdout.write(`Machine '${machineId}' added.\n${opts.password ? '' : `Password: ${password}\n`}${opts.file ? `Credentials written to ${opts.file}\n` : ''}`);
    });

  machines
    .command('list')
    .description('list machines, with their last push and heartbeat')
    .option('--json', 'print a JSON array')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        const list = await store.listMachines();
        const time = (t: number | null) => (t ? GoTime.fromMillis(t).MarshalText() : '');
        if (opts.json) {
          return printJson(list.map((m) => ({ machine_id: m.machineId, ip_address: m.ipAddress, is_validated: m.isValidated, version: m.version, last_push: time(m.lastPush), last_heartbeat: time(m.lastHeartbeat), created_at: time(m.createdAt), auth_type: m.authType })));
        }
        if (list.length === 0) return void process.stdout.write('No machines.\n');
        process.stdout.write(formatTable(['Name', 'IP Address', 'Last Update', 'Status', 'Version', 'Auth Type', 'Last Heartbeat'], list.map((m) => [m.machineId, m.ipAddress, time(m.updatedAt), m.isValidated ? '✔' : '🚫', m.version, m.authType, time(m.lastHeartbeat)])) + '\n');
      } finally {
        await store.close();
      }
    });

  machines
    .command('validate')
    .description('validate a machine that registered itself')
    .argument('<machine_id>')
    .action(async (machineId: string, _opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        if (!(await store.updateMachine(machineId, { isValidated: true }))) throw new HerdError('HERD_NOT_FOUND', `there is no machine '${machineId}'; see herd machines list`);
        process.stdout.write(`machine '${machineId}' validated\n`);
      } finally {
        await store.close();
      }
    });

  machines
    .command('delete')
    .description('delete machines (they can no longer log in)')
    .argument('<machine_ids...>')
    .action(async (ids: string[], _opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const store = await openHerdStore(ctx.config, { clock: ctx.clock });
      try {
        for (const id of ids) {
          if (!(await store.deleteMachine(id))) throw new HerdError('HERD_NOT_FOUND', `there is no machine '${id}'; see herd machines list`);
          process.stdout.write(`machine '${id}' deleted\n`);
        }
      } finally {
        await store.close();
      }
    });
}
