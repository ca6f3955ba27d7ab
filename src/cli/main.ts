#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { HerdError } from '../core/index.js';
import { registerAgent } from './agent.js';
import { registerAlerts } from './alerts.js';
import { registerBouncer } from './bouncer.js';
import { registerBouncers } from './bouncers.js';
import { registerDecisions } from './decisions.js';
import { registerExplain } from './explain.js';
import { registerHub } from './hub.js';
import { registerHubtest } from './hubtest.js';
import { registerScan } from './scan.js';
import { registerLapi } from './lapi.js';
import { registerMachines } from './machines.js';
import { registerMetrics } from './metrics.js';
import { registerReplay } from './replay.js';
import { registerStart } from './start.js';

/**
 * The `herd` command. Every command takes `--config FILE` and `--data-dir DIR`.
 * Exit codes: 0 success; 1 failure (invalid configuration or content, store or source error);
 * 2 usage error (unknown command or option, missing argument).
 */

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(): Command {
  const program = new Command('herd')
    .description('herd: collective runtime defence (CrowdSec-compatible) and API security scanning')
    .version(version())
    .option('-c, --config <file>', 'configuration file (YAML); every key is optional')
    .option('--data-dir <dir>', 'where the SQLite database and saved read offsets live (default: $HERD_DATA_DIR or ./.herd)')
    .showHelpAfterError()
    .exitOverride();
  registerStart(program);
  registerAgent(program);
  registerLapi(program);
  registerReplay(program);
  registerDecisions(program);
  registerAlerts(program);
  registerBouncers(program);
  registerBouncer(program);
  registerMachines(program);
  registerExplain(program);
  registerHub(program);
  registerHubtest(program);
  registerScan(program, version());
  registerMetrics(program);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof HerdError) {
      process.stderr.write(`herd: ${err.message} [${err.code}]\n`);
      return 1;
    }
    process.stderr.write(`herd: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

/**
 * The pipeline allocates short-lived objects for every line (events, maps, captures); a larger young
 * generation lets most of them die before a scavenge (measured: about 8% faster replays).
 */
setFlagsFromString('--max-semi-space-size=32');

const isMain = (() => {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isMain) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`herd: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
