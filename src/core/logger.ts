import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs: one JSON object per line on stderr (stdout is for command output), `msg` short
 * and constant, context in fields.
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino(
    { level: options.level ?? process.env.HERD_LOG_LEVEL ?? 'info', name: options.name ?? 'herd', base: undefined },
    pino.destination(2),
  );
}

/** A logger that drops everything: for tests and library use without logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
