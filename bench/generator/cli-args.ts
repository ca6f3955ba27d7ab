/**
 * Flags of `node dist/bench/generate-logs.js`, parsed with node:util parseArgs.
 */
import { parseArgs } from 'node:util';
import { HerdError } from '../../src/core/index.js';
import type { CorpusOptions } from './corpus.js';

export const GENERATOR_USAGE = `usage: node dist/bench/generate-logs.js --out DIR [--seed 42] [--nginx-lines 1000000]
       [--sshd-lines 500000] [--hours 24] [--start 2025-01-08T00:00:00Z] [--quiet]

Writes DIR/nginx-access.log, DIR/auth.log and DIR/truth.json (the ground truth).`;

export interface GeneratorArgs extends CorpusOptions {
  out: string;
  quiet: boolean;
  help: boolean;
}

function whole(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new HerdError('HERD_BENCH_ARGS', `--${flag} must be a whole number ≥ 0, got "${text}"\n${GENERATOR_USAGE}`);
  }
  return value;
}

export function parseGeneratorArgs(argv: readonly string[]): GeneratorArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        out: { type: 'string', short: 'o' },
        seed: { type: 'string' },
        'nginx-lines': { type: 'string' },
        'sshd-lines': { type: 'string' },
        hours: { type: 'string' },
        start: { type: 'string' },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new HerdError('HERD_BENCH_ARGS', `${err instanceof Error ? err.message : String(err)}\n${GENERATOR_USAGE}`);
  }
  const v = parsed.values;
  const help = v.help === true;
  if (!help && (v.out === undefined || v.out === '')) throw new HerdError('HERD_BENCH_ARGS', `--out DIR is required\n${GENERATOR_USAGE}`);
  const hours = v.hours === undefined ? 24 : Number(v.hours);
  if (!Number.isFinite(hours) || hours <= 0) throw new HerdError('HERD_BENCH_ARGS', `--hours must be a number > 0, got "${v.hours}"\n${GENERATOR_USAGE}`);
  let start: Date | undefined;
  if (v.start !== undefined) {
    start = new Date(v.start);
    if (Number.isNaN(start.getTime())) throw new HerdError('HERD_BENCH_ARGS', `--start must be an ISO 8601 time such as 2025-01-08T00:00:00Z, got "${v.start}"`);
  }
  return {
    out: v.out ?? '',
    seed: whole('seed', v.seed, 42),
    nginxLines: whole('nginx-lines', v['nginx-lines'], 1_000_000),
    sshdLines: whole('sshd-lines', v['sshd-lines'], 500_000),
    durationHours: hours,
    start,
    quiet: v.quiet === true,
    help,
  };
}
