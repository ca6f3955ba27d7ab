import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HerdError } from '../../src/core/index.js';
import { defaultCorpusStart, generateCorpus, type CorpusOptions } from './corpus.js';
import { parseAuthLine, parseNginxLine } from './parse-lines.js';

function digest(lines: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}

function count(lines: Iterable<string>): number {
  let n = 0;
  for (const _ of lines) n++;
  return n;
}

const START = new Date(Date.UTC(2025, 0, 8));

describe('generateCorpus', () => {
  it('gives the same bytes for the same seed and different bytes for another seed', () => {
    const opts: CorpusOptions = { seed: 7, nginxLines: 6_000, sshdLines: 3_000, start: START };
    const a = generateCorpus(opts);
    const b = generateCorpus(opts);
    const c = generateCorpus({ ...opts, seed: 8 });
    expect(digest(a.nginx)).toBe(digest(b.nginx));
    expect(digest(a.sshd)).toBe(digest(b.sshd));
    expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
    expect(digest(c.nginx)).not.toBe(digest(a.nginx));
    expect(digest(c.sshd)).not.toBe(digest(a.sshd));
  });

  it('makes the same lines again on every pass over a log', () => {
    const corpus = generateCorpus({ seed: 3, nginxLines: 2_000, sshdLines: 1_000, start: START });
    expect(digest(corpus.nginx)).toBe(digest(corpus.nginx));
    expect(digest(corpus.sshd)).toBe(digest(corpus.sshd));
  });

  it('writes exactly the requested number of lines, tiny sizes included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 4_000 }), fc.integer({ min: 0, max: 3_000 }), (seed, nginxLines, sshdLines) => {
        const corpus = generateCorpus({ seed, nginxLines, sshdLines, start: START });
        expect(count(corpus.nginx)).toBe(nginxLines);
        expect(count(corpus.sshd)).toBe(sshdLines);
      }),
      { numRuns: 12 },
    );
  });

  it('honours sizes for short and long windows', () => {
    for (const durationHours of [0.25, 3, 24 * 7]) {
      const corpus = generateCorpus({ seed: 11, nginxLines: 5_000, sshdLines: 4_000, start: START, durationHours });
      expect(count(corpus.nginx)).toBe(5_000);
      expect(count(corpus.sshd)).toBe(4_000);
    }
  });

  it('keeps both files in time order and inside the window', () => {
    const corpus = generateCorpus({ seed: 5, nginxLines: 20_000, sshdLines: 10_000, start: START, durationHours: 24 });
    const end = START.getTime() + 24 * 3_600_000;
    let last = 0;
    for (const line of corpus.nginx) {
      const t = parseNginxLine(line)?.time ?? -1;
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
    expect(last).toBeLessThan(end);
    last = 0;
    for (const line of corpus.sshd) {
      const t = parseAuthLine(line, 2025)?.time ?? -1;
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
    expect(last).toBeLessThan(end);
    expect(corpus.truth.start).toBe('2025-01-08T00:00:00.000Z');
    expect(corpus.truth.end).toBe('2025-01-09T00:00:00.000Z');
  });

  it('starts by default on 8 January of the current year, UTC', () => {
    expect(defaultCorpusStart(new Date('2027-06-15T12:00:00Z')).toISOString()).toBe('2027-01-08T00:00:00.000Z');
    const corpus = generateCorpus({ seed: 1, nginxLines: 10, sshdLines: 10 });
    expect(corpus.truth.start).toBe(defaultCorpusStart().toISOString());
  });

  it('refuses sizes that are not whole numbers with HERD_BENCH_OPTIONS', () => {
    const bad: CorpusOptions[] = [
      { seed: 1, nginxLines: -1, sshdLines: 0 },
      { seed: 1, nginxLines: 1.5, sshdLines: 0 },
      { seed: -2, nginxLines: 1, sshdLines: 0 },
      { seed: 1, nginxLines: 1, sshdLines: 0, durationHours: 0 },
      { seed: 1, nginxLines: 1, sshdLines: 0, start: new Date('nope') },
    ];
    for (const opts of bad) {
      expect(() => generateCorpus(opts)).toThrow(HerdError);
      try {
        generateCorpus(opts);
      } catch (err) {
        expect((err as HerdError).code).toBe('HERD_BENCH_OPTIONS');
      }
    }
  });
});
