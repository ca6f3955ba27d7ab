/**
 * writeCorpus: streams both logs to disk in chunks (never one giant string) and writes the truth.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { generateCorpus, type CorpusOptions } from './corpus.js';
import type { Truth } from './truth.js';

export const CORPUS_FILES = { nginx: 'nginx-access.log', sshd: 'auth.log', truth: 'truth.json' } as const;

export interface WriteProgress {
  file: string;
  written: number;
  total: number;
}

const CHUNK = 1 << 18;
const PROGRESS_EVERY = 100_000;

/** Writes `lines` (one per line, each ending in \n) to `path`. */
export async function writeLines(path: string, lines: Iterable<string>, total: number, onProgress?: (p: WriteProgress) => void): Promise<void> {
  const out = createWriteStream(path);
  const file = basename(path);
  let chunk = '';
  let written = 0;
  try {
    for (const line of lines) {
      chunk += line + '\n';
      written++;
      if (chunk.length >= CHUNK) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
      if (onProgress && written % PROGRESS_EVERY === 0) onProgress({ file, written, total });
    }
    if (chunk.length > 0) out.write(chunk);
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    throw err;
  }
  onProgress?.({ file, written, total });
}

/** Generates the corpus and writes nginx-access.log, auth.log and truth.json into `dir`. */
export async function writeCorpus(dir: string, opts: CorpusOptions, onProgress?: (p: WriteProgress) => void): Promise<Truth> {
  const corpus = generateCorpus(opts);
  await mkdir(dir, { recursive: true });
  await writeLines(join(dir, CORPUS_FILES.nginx), corpus.nginx, opts.nginxLines, onProgress);
  await writeLines(join(dir, CORPUS_FILES.sshd), corpus.sshd, opts.sshdLines, onProgress);
  await writeFile(join(dir, CORPUS_FILES.truth), `${JSON.stringify(corpus.truth, null, 2)}\n`);
  return corpus.truth;
}
