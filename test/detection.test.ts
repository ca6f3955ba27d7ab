import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateDetection } from '../bench/detection-eval.js';
import { writeCorpus } from '../bench/generator/index.js';

/**
 * Detection quality on the generator's labelled logs (a smaller corpus than the benchmark's 1M +
 * 500k lines, two seeds): replay bans at least 98% of the attacking IPs and at most 0.1% of the
 * benign ones, in each log. `npm run bench` measures the full size.
 */
const dir = mkdtempSync(join(tmpdir(), 'herd-detection-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([11, 29])('detection on generated logs (seed %i)', (seed) => {
  it('bans ≥ 98% of attackers and ≤ 0.1% of benign IPs', async () => {
    const corpus = join(dir, `corpus-${seed}`);
    await writeCorpus(corpus, { seed, nginxLines: 120_000, sshdLines: 50_000, start: new Date(Date.UTC(2026, 0, 8)) });
    const report = await evaluateDetection(corpus, join(dir, `work-${seed}`));
    for (const log of report.logs) {
      const detail = `${log.log}: missed ${JSON.stringify(log.missed.slice(0, 5))}, false positives ${JSON.stringify(log.falsePositives.slice(0, 5))}`;
      expect(log.attackers, detail).toBeGreaterThan(20);
      expect(log.recall, detail).toBeGreaterThanOrEqual(0.98);
      expect(log.falsePositiveRate, detail).toBeLessThanOrEqual(0.001);
    }
  }, 240_000);
});
