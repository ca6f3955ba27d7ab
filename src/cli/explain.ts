import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { buildEngine, explainLine, formatExplanation, TIMEMACHINE } from '../agent/index.js';
import type { Line } from '../acquisition/index.js';
import { HerdError } from '../core/index.js';
import { cliContext } from './context.js';
import { printJson } from './table.js';

/** `herd explain`: how one line goes through the parsers, like `cscli explain`. */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('show how a log line is parsed: every node tried, per stage, with what it set, and the scenarios it feeds')
    .requiredOption('-t, --type <type>', 'the log type, as acquisition labels it (nginx, syslog, apache2, …)')
    .option('-l, --log <line>', 'the log line to explain')
    .option('-f, --file <path>', 'explain every line of this file')
    .option('--brief', 'do not list the fields each node set')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      const ctx = cliContext(cmd);
      if ((opts.log === undefined) === (opts.file === undefined)) throw new HerdError('HERD_CLI_ARG', 'give either --log "<line>" or --file <path>');
      const raws: string[] =
        opts.log !== undefined
          ? [String(opts.log)]
          : readFileSync(String(opts.file), 'utf8')
              .split('\n')
              .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
              .filter((l) => l !== '');
      const { content, engine } = await buildEngine(ctx.config, { mode: TIMEMACHINE, clock: ctx.clock, logger: ctx.logger, store: null });
      const src = opts.file ?? 'explain';
      const results = raws.map((raw) => {
        const line: Line = { raw, src, module: opts.file ? 'file' : 'explain', labels: { type: opts.type }, readAt: ctx.clock.now() };
        return explainLine(line, content.parser, engine);
      });
      if (opts.json) return printJson(opts.log !== undefined ? results[0] : results);
      process.stdout.write(results.map((r) => formatExplanation(r, !opts.brief)).join('\n\n') + '\n');
    });
}
