import { Command } from 'commander';
import { replay } from '../agent/index.js';
import { HerdError } from '../core/index.js';
import { cliContext } from './context.js';
import { printJson } from './table.js';

/** `herd replay`: read a log file (or stdin) to its end, with the time written in its lines. */

function collectLabel(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new HerdError('HERD_CLI_ARG', `--label '${value}' must be key=value`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('replay a log file or stdin through parsers and scenarios at full speed; alerts and decisions go to the store')
    .requiredOption('--dsn <dsn>', 'file:///absolute/path.log (a glob is allowed), or - for standard input')
    .requiredOption('-t, --type <type>', 'the log type: nginx, apache2, syslog (auth.log, sshd), …')
    .option('--label <key=value>', 'an extra acquisition label (repeatable)', collectLabel, {} as Record<string, string>)
    .option('--json', 'print the summary as JSON')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      const started = Date.now();
      const summary = await replay(ctx.config, { dsn: opts.dsn, type: opts.type, labels: opts.label, clock: ctx.clock, logger: ctx.logger });
      const seconds = (Date.now() - started) / 1000;
      const out = {
        lines: summary.lines,
        alerts: summary.alerts,
        decisions: summary.decisions,
        lines_truncated: summary.source.linesTruncated,
        lines_invalid_utf8: summary.source.linesInvalidUtf8,
        seconds: Math.round(seconds * 1000) / 1000,
      };
      if (opts.json) return printJson(out);
      process.stderr.write(
        `replayed ${out.lines} lines in ${out.seconds}s: ${out.alerts} alert(s), ${out.decisions} decision(s)` +
          (out.lines_truncated || out.lines_invalid_utf8 ? ` (${out.lines_truncated} truncated, ${out.lines_invalid_utf8} with invalid UTF-8)` : '') +
          '\n',
      );
    });
}
