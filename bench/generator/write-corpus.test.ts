import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCorpus } from './corpus.js';
import { CORPUS_FILES, writeCorpus, type WriteProgress } from './write-corpus.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('writeCorpus', () => {
  it('writes nginx-access.log, auth.log and truth.json with the same content as the iterables', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herd-corpus-'));
    dirs.push(dir);
    const opts = { seed: 17, nginxLines: 3_000, sshdLines: 1_500, start: new Date(Date.UTC(2025, 0, 8)) };
    const progress: WriteProgress[] = [];
    const truth = await writeCorpus(dir, opts, (p) => progress.push(p));
    const corpus = generateCorpus(opts);
    const nginx = await readFile(join(dir, CORPUS_FILES.nginx), 'utf8');
    const sshd = await readFile(join(dir, CORPUS_FILES.sshd), 'utf8');
    expect(nginx).toBe(`${[...corpus.nginx].join('\n')}\n`);
    expect(sshd).toBe(`${[...corpus.sshd].join('\n')}\n`);
    expect(JSON.parse(await readFile(join(dir, CORPUS_FILES.truth), 'utf8'))).toEqual(truth);
    expect(truth).toEqual(corpus.truth);
    expect(progress.at(-1)).toEqual({ file: 'auth.log', written: 1_500, total: 1_500 });
  });

  it('writes empty files for zero lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herd-corpus-'));
    dirs.push(dir);
    const truth = await writeCorpus(join(dir, 'nested', 'out'), { seed: 1, nginxLines: 0, sshdLines: 0 });
    expect(await readFile(join(dir, 'nested', 'out', CORPUS_FILES.nginx), 'utf8')).toBe('');
    expect(truth.attackers).toEqual([]);
    expect(truth.benign).toEqual({ nginx: [], sshd: [] });
  });
});
