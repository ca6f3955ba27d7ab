import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/core/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { seqLine, writeSeqContent } from './support/seq-content.js';
import { exited, startHerd, waitFor } from './support/herd-cli.js';

/**
 * `herd start` follows a log while it is written, rotated (rename+create and copytruncate) and
 * while herd itself is killed with SIGKILL and restarted, several times. Every line carries a
 * sequence number and a trigger scenario makes exactly one alert per line, so the store must end
 * with each number exactly once: no line lost, none processed twice.
 */

const TOTAL = 12_000;

let dir: string;


beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herd-restart-'));
  writeSeqContent(dir, { remediation: false });
  mkdirSync(join(dir, 'logs'));
  writeFileSync(
    join(dir, 'herd.yaml'),
    `data_dir: data
content:
  dirs: [content]
acquisition:
  - source: file
    filenames: [${join(dir, 'logs/app.log')}]
    labels:
      type: seqtest
    start_at: beginning
    poll_interval: 50ms
`,
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function withStore<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ type: 'sqlite', path: join(dir, 'data/herd.db') }, { clock: systemClock });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function linesRead(): Promise<number> {
  try {
    const counters = await withStore((s) => s.readCounters());
    return Object.entries(counters)
      .filter(([k]) => k.startsWith('lines_read_total{'))
      .reduce((n, [, v]) => n + v, 0);
  } catch {
    return 0; // not created yet
  }
}

describe('herd start across kill -9 and log rotation', () => {
  it('processes every line exactly once', async () => {
    const log = join(dir, 'logs/app.log');
    writeFileSync(log, '');
    let written = 0;
    const write = (count: number) => {
      let chunk = '';
      for (let i = 0; i < count; i++) chunk += seqLine(++written);
      appendFileSync(log, chunk);
    };
    const start = () => startHerd(['start', '--config', join(dir, 'herd.yaml'), '--listen', '127.0.0.1:0'], { cwd: dir });
    const kill = async (child: ReturnType<typeof start>) => {
      child.kill('SIGKILL');
      await exited(child);
    };

    let herd = start();
    // Phase 1: write while herd reads, then kill it in the middle of ingestion.
    for (let i = 0; i < 10; i++) {
      write(300);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(async () => (await linesRead()) > 0, 'herd to store its first batch');
    await kill(herd);

    // Phase 2: rotation by rename+create while herd is down, more lines in the new file.
    write(700);
    renameSync(log, `${log}.1`);
    writeFileSync(log, '');
    write(1500);
    herd = start();
    // (A file rotated twice while herd is down cannot be found again: herd must have read the new
    // file before it is rotated once more.)
    const beforeRotation = written;
    await waitFor(async () => (await linesRead()) > beforeRotation - 1500, 'herd to finish the rotated file and start the new one', 60_000, 50);
    for (let i = 0; i < 6; i++) {
      write(250);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Phase 3: rotation by rename+create while herd runs, writers still appending to the old file.
    write(400);
    renameSync(log, `${log}.2`);
    appendFileSync(`${log}.2`, (() => {
      let s = '';
      for (let i = 0; i < 100; i++) s += seqLine(++written);
      return s;
    })());
    writeFileSync(log, '');
    write(1000);
    await new Promise((r) => setTimeout(r, 100));
    await kill(herd);

    // Phase 4: copytruncate (herd has caught up before the truncate, as any tailer must).
    herd = start();
    await waitFor(async () => (await linesRead()) === written, `herd to catch up to ${written} lines`, 60_000, 100).catch(async (e) => {
      throw new Error(`${(e as Error).message}: read ${await linesRead()}; herd said: ${herd.output().slice(-3000)}`);
    });
    copyFileSync(log, `${log}.3`);
    truncateSync(log, 0);
    while (written < TOTAL - 1000) {
      write(500);
      await new Promise((r) => setTimeout(r, 10));
    }
    await kill(herd);
    while (written < TOTAL) write(Math.min(500, TOTAL - written));

    // Final run: everything is read, then herd stops cleanly.
    herd = start();
    await waitFor(async () => (await linesRead()) === written, `herd to reach ${written} lines`, 60_000, 100);
    herd.kill('SIGTERM');
    expect(await exited(herd)).toBe(0);

    expect(written).toBe(TOTAL);
    await withStore(async (store) => {
      const alerts = await store.listAlerts({});
      const seqs = alerts.map((a) => Number(a.events[0]?.meta.find((m) => m.key === 'seq')?.value)).sort((a, b) => a - b);
      expect(seqs.length).toBe(TOTAL);
      expect(seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
      const counted = await store.readCounters();
      const read = Object.entries(counted).filter(([k]) => k.startsWith('lines_read_total{')).reduce((n, [, v]) => n + v, 0);
      expect(read).toBe(TOTAL);
    });
  }, 180_000);
});
