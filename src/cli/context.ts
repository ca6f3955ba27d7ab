import type { Command } from 'commander';
import { loadHerdConfig, type HerdConfig } from '../agent/index.js';
import { createLogger, systemClock, type Clock, type Logger } from '../core/index.js';

/** What every command needs: the configuration (from --config/--data-dir), a clock and a logger. */
export interface CliContext {
  config: HerdConfig;
  clock: Clock;
  logger: Logger;
}

export function cliContext(cmd: Command): CliContext {
  const opts = cmd.optsWithGlobals<{ config?: string; dataDir?: string; logLevel?: string }>();
  return {
    config: loadHerdConfig({ configFile: opts.config, dataDir: opts.dataDir }),
    clock: systemClock,
    logger: createLogger({ level: opts.logLevel }),
  };
}

