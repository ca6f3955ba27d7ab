/**
 * CLI: writes a seeded nginx access log, auth.log and their ground truth.
 *   node dist/bench/generate-logs.js --out DIR [--seed 42] [--nginx-lines 1000000] [--sshd-lines 500000] [--hours 24]
 */
import { HerdError } from '../src/core/index.js';
import { GENERATOR_USAGE, parseGeneratorArgs, writeCorpus, type WriteProgress } from './generator/index.js';

async function main(): Promise<void> {
  const args = parseGeneratorArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${GENERATOR_USAGE}\n`);
    return;
  }
  const started = performance.now();
  const big = args.nginxLines + args.sshdLines >= 200_000;
  const progress = args.quiet || !big ? undefined : (p: WriteProgress): void => {
    process.stderr.write(`\r${p.file}: ${p.written.toLocaleString('en')} / ${p.total.toLocaleString('en')} lines`);
    if (p.written === p.total) process.stderr.write('\n');
  };
  const truth = await writeCorpus(args.out, args, progress);
  if (!args.quiet) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const attackers = { nginx: 0, sshd: 0 };
    for (const a of truth.attackers) attackers[a.log]++;
    process.stderr.write(
      `wrote ${args.out}: ${truth.nginxLines} nginx lines (${attackers.nginx} attackers, ${truth.benign.nginx.length} benign IPs), ` +
        `${truth.sshdLines} auth.log lines (${attackers.sshd} attackers, ${truth.benign.sshd.length} benign IPs) in ${seconds} s\n`,
    );
  }
}

main().catch((err: unknown) => {
  if (err instanceof HerdError) {
    process.stderr.write(`${err.code}: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
});
