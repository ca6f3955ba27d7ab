import { describe, expect, it } from 'vitest';
import { HerdError } from '../../src/core/index.js';
import { parseGeneratorArgs } from './cli-args.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof HerdError ? err.code : 'not a HerdError';
  }
  return undefined;
}

describe('parseGeneratorArgs', () => {
  it('defaults to seed 42, a million nginx lines, half a million auth.log lines over 24 hours', () => {
    const args = parseGeneratorArgs(['--out', '/tmp/x']);
    expect(args).toMatchObject({ out: '/tmp/x', seed: 42, nginxLines: 1_000_000, sshdLines: 500_000, durationHours: 24, quiet: false });
    expect(args.start).toBeUndefined();
  });

  it('reads every flag, underscores allowed in numbers', () => {
    const args = parseGeneratorArgs(['--out', 'd', '--seed', '7', '--nginx-lines', '10_000', '--sshd-lines', '500', '--hours', '1.5', '--start', '2025-03-01T00:00:00Z', '-q']);
    expect(args).toMatchObject({ out: 'd', seed: 7, nginxLines: 10_000, sshdLines: 500, durationHours: 1.5, quiet: true });
    expect(args.start?.toISOString()).toBe('2025-03-01T00:00:00.000Z');
  });

  it('refuses a missing --out, bad numbers and unknown flags with HERD_BENCH_ARGS', () => {
    expect(code(() => parseGeneratorArgs([]))).toBe('HERD_BENCH_ARGS');
    expect(code(() => parseGeneratorArgs(['--out', 'd', '--seed', '-1']))).toBe('HERD_BENCH_ARGS');
    expect(code(() => parseGeneratorArgs(['--out', 'd', '--nginx-lines', 'lots']))).toBe('HERD_BENCH_ARGS');
    expect(code(() => parseGeneratorArgs(['--out', 'd', '--hours', '0']))).toBe('HERD_BENCH_ARGS');
    expect(code(() => parseGeneratorArgs(['--out', 'd', '--start', 'yesterday']))).toBe('HERD_BENCH_ARGS');
    expect(code(() => parseGeneratorArgs(['--out', 'd', '--colour']))).toBe('HERD_BENCH_ARGS');
  });

  it('accepts --help without --out', () => {
    expect(parseGeneratorArgs(['--help']).help).toBe(true);
  });
});
