import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import type { Line } from './line.js';
import { createReplaySource } from './replay-source.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herd-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<Line[]>): Promise<Line[][]> {
  const batches: Line[][] = [];
  for await (const b of it) batches.push(b);
  return batches;
}

describe('ReplaySource', () => {
  it('reads a file to its end, last line without newline included, with module, src and labels', async () => {
    const path = join(dir, 'access.log');
    await writeFile(path, 'one\r\ntwo\n\nthree');
    const src = createReplaySource({ dsn: `file://${path}`, type: 'nginx', labels: { env: 'prod', type: 'ignored' }, clock: new ManualClock(42) });
    const lines = (await collect(src.lines(new AbortController().signal))).flat();
    expect(lines.map((l) => l.raw)).toEqual(['one', 'two', '', 'three']);
    expect(lines[0]).toEqual({ raw: 'one', src: path, module: 'file', labels: { env: 'prod', type: 'nginx' }, readAt: 42 });
    expect(src.metrics).toMatchObject({ linesRead: 4, bytesRead: 15, readErrors: 0 });
  });

  it('reads every line of a large file exactly once across many batches', async () => {
    const path = join(dir, 'big.log');
    const n = 50_000;
    await writeFile(path, Array.from({ length: n }, (_, i) => `seq=${i} ${'x'.repeat(i % 97)}`).join('\n') + '\n');
    const src = createReplaySource({ dsn: `file://${path}`, type: 'syslog', readChunkBytes: 64 * 1024 });
    const batches = await collect(src.lines(new AbortController().signal));
    expect(batches.length).toBeGreaterThan(10);
    expect(batches.every((b) => b.length > 0)).toBe(true);
    const seqs = batches.flat().map((l) => Number(/^seq=(\d+)/.exec(l.raw)?.[1]));
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('cuts a 10 MB line without newline to 64 KiB and counts it', async () => {
    const path = join(dir, 'huge.log');
    await writeFile(path, Buffer.concat([Buffer.from('before\n'), Buffer.alloc(10 * 1024 * 1024, 0x41), Buffer.from('\nafter\n\xff\n', 'latin1')]));
    const src = createReplaySource({ dsn: `file://${path}`, type: 'x' });
    const lines = (await collect(src.lines(new AbortController().signal))).flat();
    expect(lines.map((l) => l.raw.length)).toEqual([6, 64 * 1024, 5, 1]);
    expect(lines[3].raw).toBe('\uFFFD');
    expect(src.metrics.linesTruncated).toBe(1);
    expect(src.metrics.linesInvalidUtf8).toBe(1);
  });

  it('reads the files of a glob one after another', async () => {
    await writeFile(join(dir, 'g-a.log'), 'a1\na2');
    await writeFile(join(dir, 'g-b.log'), 'b1\n');
    const src = createReplaySource({ dsn: `file://${dir}/g-*.log`, type: 'x' });
    const lines = (await collect(src.lines(new AbortController().signal))).flat();
    expect(lines.map((l) => `${l.src.slice(dir.length + 1)}:${l.raw}`)).toEqual(['g-a.log:a1', 'g-a.log:a2', 'g-b.log:b1']);
  });

  it('reads standard input from a real pipe until it closes', async () => {
    const path = join(dir, 'stdin.log');
    await writeFile(path, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n'));
    const child = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const src = createReplaySource({ dsn: '-', type: 'syslog', stdin: child.stdout });
    const lines = (await collect(src.lines(new AbortController().signal))).flat();
    expect(lines.length).toBe(1000);
    expect(lines[999]).toMatchObject({ raw: 'line 999', src: 'stdin', module: 'stdin', labels: { type: 'syslog' } });
  });

  it('fails with HERD_ACQUIS_READ naming the file when it cannot be opened', async () => {
    const src = createReplaySource({ dsn: `file://${dir}/missing.log`, type: 'x' });
    await expect(collect(src.lines(new AbortController().signal))).rejects.toMatchObject({ code: 'HERD_ACQUIS_READ' });
    expect(src.metrics.readErrors).toBe(1);
  });
});
