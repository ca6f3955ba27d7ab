import { appendFileSync, closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Cursor } from './line.js';
import { createFileSource, type FileSourceOptions } from './file-source.js';
import { Consumer, range, seqLines, seqs, waitFor } from './test-kit.js';

let root = '';
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'herd-follow-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const d = join(root, `t${n++}`);
  await mkdir(d);
  return d;
}

const fast = { pollIntervalMs: 25, rotateGraceMs: 5000, labels: { type: 'test' } };

function source(filenames: string[], extra: Partial<FileSourceOptions> = {}) {
  return createFileSource({ ...fast, filenames, ...extra });
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));
const idOf = (fd: number): string => {
  const st = fstatSync(fd, { bigint: true });
  return `${st.dev}:${st.ino}`;
};

describe.each([
  ['with fs.watch', true],
  ['with the stat poll only', false],
])('FileSource %s', (_name, watch) => {
  it('reads appended lines with exact cursors and holds a line back until its newline arrives', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, 'seq=0\n');
    const src = source([path], { startAt: 'beginning', watch });
    const c = new Consumer(src);
    try {
      await waitFor('first line', () => c.lines.length === 1);
      expect(c.lines[0]).toMatchObject({ raw: 'seq=0', src: path, module: 'file', labels: { type: 'test' } });
      expect(c.lines[0].cursor).toMatchObject({ key: path, offset: 6 });
      expect(c.lines[0].cursor?.fileId).toMatch(/^\d+:\d+$/);
      await appendFile(path, 'seq=1 par');
      await waitFor('partial bytes read', () => src.metrics.bytesRead === 15);
      expect(c.lines.length).toBe(1);
      await appendFile(path, 'tial\r\nseq=2\n');
      await waitFor('both lines', () => c.lines.length === 3);
      expect(c.raws()).toEqual(['seq=0', 'seq=1 partial', 'seq=2']);
      expect(c.lines.map((l) => l.cursor?.offset)).toEqual([6, 21, 27]);
      expect(src.metrics.files[path]).toMatchObject({ linesRead: 3, bytesRead: 27 });
    } finally {
      await c.stop();
    }
    expect(c.error).toBeNull();
  });

  it('starts at the end of a file present at start-up, keeping a line being written whole', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 10) + 'seq=10 being wri');
    const src = source([path], { watch });
    const c = new Consumer(src);
    try {
      await waitFor('file opened', () => src.openFiles().length === 1);
      await appendFile(path, 'tten\n' + seqLines(11, 20));
      await waitFor('new lines', () => c.lines.length === 10);
      expect(seqs(c.lines)).toEqual(range(10, 20));
      expect(c.lines[0].raw).toBe('seq=10 being written');
    } finally {
      await c.stop();
    }
  });

  it('reads files that appear after start-up from their beginning, only those the glob matches', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'old.log'), seqLines(0, 5));
    const src = source([join(dir, '*.log'), join(dir, 'sub?', '[ab].log')], { watch });
    const c = new Consumer(src);
    try {
      await waitFor('file opened', () => src.openFiles().length === 1);
      await writeFile(join(dir, 'new.log'), seqLines(100, 110));
      await writeFile(join(dir, 'new.txt'), seqLines(200, 210));
      await mkdir(join(dir, 'sub1'));
      await writeFile(join(dir, 'sub1', 'a.log'), seqLines(300, 305));
      await writeFile(join(dir, 'sub1', 'c.log'), seqLines(400, 405));
      await waitFor('new files read', () => c.lines.length === 15);
      expect(seqs(c.lines).sort((a, b) => a - b)).toEqual([...range(100, 110), ...range(300, 305)]);
      expect(new Set(c.lines.map((l) => l.src))).toEqual(new Set([join(dir, 'new.log'), join(dir, 'sub1', 'a.log')]));
    } finally {
      await c.stop();
    }
  });

  it('follows rotation by rename and create while lines are written, each line once and in order', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const src = source([path], { watch, startAt: 'beginning' });
    const c = new Consumer(src);
    let seq = 0;
    try {
      await waitFor('file opened', () => src.openFiles().length === 1);
      let fd = openSync(path, 'a');
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 150; i++) {
          writeSync(fd, seqLines(seq, seq + 1));
          seq++;
          if (i % 10 === 0) await tick();
        }
        renameSync(path, `${path}.${round}`);
        const next = openSync(path, 'a');
        // The writer has not reopened yet: its last lines still go to the renamed file.
        for (let i = 0; i < 5; i++) writeSync(fd, seqLines(seq, ++seq));
        await tick();
        closeSync(fd);
        fd = next;
        // Lines keep coming into the new file while the source finishes the old one and switches.
        const nextId = idOf(fd);
        await waitFor('switch to the new file', async () => {
          writeSync(fd, seqLines(seq, ++seq));
          await tick();
          return src.openFiles().some((f) => f.fileId === nextId && !f.retiring);
        });
      }
      writeSync(fd, seqLines(seq, seq + 10));
      seq += 10;
      closeSync(fd);
      await waitFor(`all ${seq} lines`, () => c.lines.length >= seq);
      expect(seqs(c.lines)).toEqual(range(0, seq));
      await waitFor('rotated files closed', () => src.openFiles().length === 1 && !src.openFiles()[0].retiring);
    } finally {
      await c.stop();
    }
  });
});

describe('FileSource', () => {
  it('reads a file truncated in place (copytruncate) again from its start', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 100));
    const src = source([path], { startAt: 'beginning' });
    const c = new Consumer(src);
    try {
      await waitFor('first lines', () => c.lines.length === 100);
      await truncate(path, 0);
      for (let i = 100; i < 150; i += 5) {
        appendFileSync(path, seqLines(i, i + 5));
        await tick();
      }
      await waitFor('lines after truncation', () => c.lines.length >= 150);
      expect(seqs(c.lines)).toEqual(range(0, 150));
      expect(c.lines[100].cursor?.offset).toBe(Buffer.byteLength(seqLines(100, 101)));
    } finally {
      await c.stop();
    }
  });

  it('reads a file rotated away while the one before it is still being finished, in order', async () => {
    const notes: Array<{ msg: string; next?: string }> = [];
    const logger = pino({ level: 'debug' }, { write: (s: string) => void notes.push(JSON.parse(s)) });
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const src = source([path], { startAt: 'beginning', logger, rotateGraceMs: 60_000 });
    const c = new Consumer(src);
    try {
      await waitFor('file opened', () => src.openFiles().length === 1);
      const a = openSync(path, 'a');
      writeSync(a, seqLines(0, 10, 'A '));
      renameSync(path, `${path}.1`);
      const b = openSync(path, 'a');
      const bId = idOf(b);
      writeSync(b, seqLines(0, 10, 'B '));
      // A is still being written to, so it is not finished; meanwhile the source notices B at the path.
      let aSeq = 10;
      await waitFor('B noticed', async () => {
        writeSync(a, seqLines(aSeq, ++aSeq, 'A '));
        await tick();
        return notes.some((n) => n.msg === 'rotation noticed' && n.next === bId);
      });
      renameSync(path, `${path}.2`);
      const cfd = openSync(path, 'a');
      writeSync(b, seqLines(10, 12, 'B '));
      writeSync(cfd, seqLines(0, 10, 'C '));
      for (const fd of [a, b, cfd]) closeSync(fd);
      const want = [...range(0, aSeq).map((i) => `A ${i}`), ...range(0, 12).map((i) => `B ${i}`), ...range(0, 10).map((i) => `C ${i}`)];
      await waitFor('all lines', () => c.lines.length >= want.length);
      expect(c.lines.map((l) => l.raw.replace(/seq=(\d+).*/, '$1'))).toEqual(want);
    } finally {
      await c.stop();
    }
  });

  it('follows many files at once, each in order', async () => {
    const dir = await freshDir();
    const files = range(0, 200).map((i) => join(dir, `f${i}.log`));
    for (const f of files) await writeFile(f, seqLines(0, 5));
    const src = source([join(dir, '*.log')], { startAt: 'beginning', maxBatchLines: 100 });
    const c = new Consumer(src);
    try {
      await waitFor('existing lines', () => c.lines.length === 1000);
      for (const f of files) await appendFile(f, seqLines(5, 7));
      await waitFor('appended lines', () => c.lines.length === 1400);
      const byFile = new Map<string, number[]>();
      for (const l of c.lines) byFile.set(l.src, [...(byFile.get(l.src) ?? []), ...seqs([l])]);
      expect(byFile.size).toBe(200);
      for (const got of byFile.values()) expect(got).toEqual(range(0, 7));
      expect(src.openFiles().length).toBe(200);
    } finally {
      await c.stop();
    }
  });

  it('closes a deleted file once it has read it to its end', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 3));
    const src = source([path], { startAt: 'beginning' });
    const c = new Consumer(src);
    try {
      await waitFor('lines', () => c.lines.length === 3);
      await unlink(path);
      await waitFor('file closed', () => src.openFiles().length === 0);
      await writeFile(path, seqLines(3, 5));
      await waitFor('re-created file read from 0', () => c.lines.length === 5);
      expect(seqs(c.lines)).toEqual(range(0, 5));
    } finally {
      await c.stop();
    }
  });

  it('does not read a rotated file twice when its new name matches the glob too', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 50));
    const src = source([join(dir, 'app*')], { startAt: 'beginning' });
    const c = new Consumer(src);
    try {
      await waitFor('lines', () => c.lines.length === 50);
      await rename(path, `${path}.1`);
      await writeFile(path, seqLines(50, 60));
      await waitFor('new file', () => c.lines.length >= 60);
      await waitFor('both files followed', () => src.openFiles().filter((f) => !f.retiring).length === 2);
      await appendFile(`${path}.1`, seqLines(60, 62));
      await appendFile(path, seqLines(62, 64));
      await waitFor('late lines', () => c.lines.length >= 64);
      expect(seqs(c.lines).sort((a, b) => a - b)).toEqual(range(0, 64));
    } finally {
      await c.stop();
    }
  });

  it('keeps 64 KiB of a 10 MB line without newline and counts it as truncated', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const src = source([path], { startAt: 'beginning' });
    const c = new Consumer(src);
    try {
      await waitFor('file opened', () => src.openFiles().length === 1);
      await appendFile(path, Buffer.alloc(10 * 1024 * 1024, 0x41));
      await waitFor('10 MB read', () => src.metrics.bytesRead === 10 * 1024 * 1024);
      expect(c.lines.length).toBe(0);
      await appendFile(path, '\nseq=1\n');
      await waitFor('lines', () => c.lines.length === 2);
      expect(c.lines[0].raw.length).toBe(64 * 1024);
      expect(c.lines[1].cursor?.offset).toBe(10 * 1024 * 1024 + 7);
      expect(src.metrics.linesTruncated).toBe(1);
    } finally {
      await c.stop();
    }
  });

  it('refuses relative paths and ** with a HerdError naming the pattern', () => {
    expect(() => source(['logs/*.log'])).toThrow(/'logs\/\*\.log' is not an absolute path/);
    expect(() => source(['/var/log/**/*.log'])).toThrow(/'\*\*', which is not supported/);
  });
});

describe('FileSource resuming from saved cursors', () => {
  // Small reads make many small batches (at most 9 lines each), so a crash lands after some commits.
  const small = { readChunkBytes: 64, maxBatchLines: 7 };

  async function runUntilCrash(paths: string[], crashAfterLines: number, cursors: Cursor[] = []) {
    const src = source(paths, { ...small, startAt: 'beginning', cursors });
    const c = new Consumer(src, { crashAfterLines });
    await waitFor('crash', () => c.crashed);
    await c.done;
    return c;
  }

  it('resumes the same file after a crash: every line exactly once', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 100));
    const first = await runUntilCrash([path], 40);
    expect(first.lines.length).toBeLessThanOrEqual(40);
    await appendFile(path, seqLines(100, 150));
    const src = source([path], { ...small, cursors: [...first.cursors.values()] });
    const second = new Consumer(src);
    try {
      await waitFor('rest', () => first.lines.length + second.lines.length >= 150);
      expect([...seqs(first.lines), ...seqs(second.lines)]).toEqual(range(0, 150));
    } finally {
      await second.stop();
    }
  });

  it('finishes a file rotated while stopped from its cursor, then reads the new file from 0', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 100));
    const first = await runUntilCrash([path], 30);
    await appendFile(path, seqLines(100, 120));
    await rename(path, `${path}.1`);
    await writeFile(path, seqLines(120, 160));
    const src = source([path], { ...small, cursors: [...first.cursors.values()] });
    const second = new Consumer(src);
    try {
      await waitFor('rest', () => first.lines.length + second.lines.length >= 160);
      expect([...seqs(first.lines), ...seqs(second.lines)]).toEqual(range(0, 160));
    } finally {
      await second.stop();
    }
  });

  it('finishes a rotated file even when its path has not been re-created yet', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 60));
    const first = await runUntilCrash([path], 20);
    await rename(path, `${path}.1`);
    const src = source([path], { ...small, cursors: [...first.cursors.values()] });
    const second = new Consumer(src);
    try {
      await waitFor('rotated file finished', () => first.lines.length + second.lines.length >= 60);
      await writeFile(path, seqLines(60, 70));
      await waitFor('new file', () => first.lines.length + second.lines.length >= 70);
      expect([...seqs(first.lines), ...seqs(second.lines)]).toEqual(range(0, 70));
    } finally {
      await second.stop();
    }
  });

  it('survives several crashes in a row, with a rotation in between', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 40));
    let cursors: Cursor[] = [];
    const got: number[] = [];
    let written = 40;
    for (let round = 0; round < 4; round++) {
      const c = await runUntilCrash([path], 15, cursors);
      got.push(...seqs(c.lines));
      expect(c.cursors.size).toBe(1);
      cursors = [...c.cursors.values()];
      if (round === 1) await rename(path, `${path}.${round}`);
      await appendFile(path, seqLines(written, written + 20));
      written += 20;
    }
    const src = source([path], { ...small, cursors });
    const last = new Consumer(src);
    try {
      await waitFor('everything', () => got.length + last.lines.length >= written);
      expect([...got, ...seqs(last.lines)]).toEqual(range(0, written));
    } finally {
      await last.stop();
    }
  });

  it.each([
    ['shorter than before', 10],
    ['longer than before', 300],
  ])('reads a file truncated and rewritten while stopped (%s) from its start', async (_what, count) => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 100));
    const first = new Consumer(source([path], { startAt: 'beginning' }));
    await waitFor('all lines', () => first.lines.length === 100);
    await first.stop();
    await writeFile(path, seqLines(1000, 1000 + count, 'new '));
    const second = new Consumer(source([path], { cursors: [...first.cursors.values()] }));
    try {
      await waitFor('rewritten lines', () => second.lines.length >= count);
      expect(seqs(second.lines)).toEqual(range(1000, 1000 + count));
    } finally {
      await second.stop();
    }
  });

  it('ignores a cursor whose file is gone and reads a new file at the path from 0', async () => {
    const dir = await freshDir();
    const path = join(dir, 'app.log');
    await writeFile(path, seqLines(0, 5));
    const stale: Cursor = { key: path, fileId: '1:999999999', offset: 30, fingerprint: '30:0000000000000000' };
    const c = new Consumer(source([path], { cursors: [stale] }));
    try {
      await waitFor('lines', () => c.lines.length === 5);
      expect(seqs(c.lines)).toEqual(range(0, 5));
    } finally {
      await c.stop();
    }
  });
});
