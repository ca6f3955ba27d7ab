import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_FILES, writeCorpus } from '../../bench/generator/index.js';

/**
 * The logs `herd start` replays on a machine that has none of its own: a small corpus from herd's
 * log generator (nginx access log and sshd auth.log, benign traffic and attackers), written to the
 * data directory. Same seed, same lines.
 */
export const SAMPLE_SEED = 20261125;

export interface SampleLogs {
  dir: string;
  nginx: string;
  authLog: string;
}

export async function writeSampleLogs(dataDir: string, size = { nginxLines: 20_000, sshdLines: 8_000 }): Promise<SampleLogs> {
  const dir = join(dataDir, 'samples');
  mkdirSync(dir, { recursive: true });
  await writeCorpus(dir, { seed: SAMPLE_SEED, nginxLines: size.nginxLines, sshdLines: size.sshdLines, durationHours: 2 });
  return { dir, nginx: join(dir, CORPUS_FILES.nginx), authLog: join(dir, CORPUS_FILES.sshd) };
}
