import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/index.js';
import { openStore } from './index.js';
import { Kysely, SqliteDialect } from 'kysely';
import { describeStoreSuite, expectUpgradedFrom0001 } from './store-suite.js';
import { T0, alertsInBatch, sampleAlert, sampleDecision, seedSchema0001 } from './store-fixtures.js';
import type { Tables } from './tables.js';

const dir = mkdtempSync(join(tmpdir(), 'herd-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const freshPath = (): string => join(dir, `store-${++fileNo}.db`);

describeStoreSuite('SQLite', () => {
  const path = freshPath();
  return Promise.resolve((clock) => openStore({ type: 'sqlite', path }, { clock }));
});

describe('SQLite store files', () => {
  const clock = new ManualClock(T0);

  it('keeps everything across a reopen, and reopening applies no migration twice', async () => {
    const path = freshPath();
    let store = await openStore({ type: 'sqlite', path }, { clock });
    await store.commit({
      alerts: [{ alert: sampleAlert(), decisions: [sampleDecision()] }],
      decisions: [sampleDecision({ uuid: 'alone', origin: 'cscli' })],
      cursors: [{ key: '/var/log/auth.log', fileId: '1:2', offset: 42, fingerprint: 'ff' }],
      counters: { 'lines_read{source="/var/log/auth.log"}': 7 },
    });
    const before = {
      alerts: await store.listAlerts({}),
      decisions: await store.listDecisions({}),
      cursors: await store.loadCursors(),
      counters: await store.readCounters(),
    };
    await store.close();
    for (let i = 0; i < 2; i++) {
      store = await openStore({ type: 'sqlite', path }, { clock });
      expect(await store.listAlerts({})).toEqual(before.alerts);
      expect(await store.listDecisions({})).toEqual(before.decisions);
      expect(await store.loadCursors()).toEqual(before.cursors);
      expect(await store.readCounters()).toEqual(before.counters);
      await store.close();
    }
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('select name from herd_migration order by name').all()).toEqual([{ name: '0001_init' }, { name: '0002_lapi_clients' }, { name: '0003_alert_outbox' }]);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('upgrades a database of schema 0001: duplicate alert uuids renamed, decisions changed when made', async () => {
    const path = freshPath();
    const old = new Kysely<Tables>({ dialect: new SqliteDialect({ database: new Database(path) }) });
    await seedSchema0001(old, 'sqlite');
    await old.destroy();
    const store = await openStore({ type: 'sqlite', path }, { clock });
    try {
      await expectUpgradedFrom0001(store);
    } finally {
      await store.close();
    }
  });

  it('refuses a path it cannot write with HERD_STORE_OPEN naming the path and what to check', async () => {
    const notADir = join(dir, 'plain-file');
    writeFileSync(notADir, 'x');
    const path = join(notADir, 'herd.db');
    const err = await openStore({ type: 'sqlite', path }, { clock }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HERD_STORE_OPEN' });
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(/writable/);
    await expect(openStore({ type: 'sqlite', path: join(dir, 'missing', 'herd.db') }, { clock })).rejects.toMatchObject({
      code: 'HERD_STORE_OPEN',
    });
  });

  it('refuses a file that is not a database with HERD_STORE_OPEN', async () => {
    const path = freshPath();
    writeFileSync(path, 'this is not sqlite, just text that is long enough to have a header '.repeat(20));
    await expect(openStore({ type: 'sqlite', path }, { clock })).rejects.toMatchObject({ code: 'HERD_STORE_OPEN' });
  });

  it('reports a migration that fails with HERD_STORE_MIGRATE naming the migration', async () => {
    const path = freshPath();
    const raw = new Database(path);
    raw.exec('create table alerts (something text)');
    raw.close();
    const err = await openStore({ type: 'sqlite', path }, { clock }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HERD_STORE_MIGRATE' });
    expect((err as Error).message).toMatch(/0001_init/);
    expect((err as Error).message).toContain(path);
  });

  it('refuses a database written by a newer herd with HERD_STORE_MIGRATE', async () => {
    const path = freshPath();
    await (await openStore({ type: 'sqlite', path }, { clock })).close();
    const raw = new Database(path);
    raw.prepare('insert into herd_migration (name, timestamp) values (?, ?)').run('9999_future', new Date().toISOString());
    raw.close();
    await expect(openStore({ type: 'sqlite', path }, { clock })).rejects.toThrow(/newer herd/);
  });
});

describe('SQLite store after a kill -9', () => {
  /** Bundles the child script so plain `node` runs it; packages stay external, found via a symlink. */
  async function bundleChild(): Promise<string> {
    const work = mkdtempSync(join(dir, 'crash-'));
    symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(work, 'node_modules'), 'dir');
    const outfile = join(work, 'child.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./crash-child.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile,
      logLevel: 'silent',
    });
    return outfile;
  }

  /** Runs the child; kills it after it reported `batches` commits (or lets it kill itself); returns the last reported. */
  function runChild(child: string, args: string[], batches = Infinity): Promise<number> {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let seen = 0;
      let last = -1;
      let buf = '';
      let stderr = '';
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      proc.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const line of lines) {
          last = Number(line);
          if (++seen === batches) proc.kill('SIGKILL');
        }
      });
      proc.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') resolve(last);
        else reject(new Error(`crash child exited on its own (code ${code}): ${stderr}`));
      });
    });
  }

  /** Reopens the file and checks it holds whole batches only; returns how many. */
  async function wholeBatches(path: string): Promise<number> {
    const store = await openStore({ type: 'sqlite', path }, { clock: new ManualClock(T0) });
    try {
      const n = (await store.readCounters()).batches ?? 0;
      const expected = new Set<string>();
      for (let b = 0; b < n; b++) for (let i = 0; i < alertsInBatch(b); i++) expected.add(`b${b}-${i}`);
      const alerts = await store.listAlerts({});
      expect(new Set(alerts.map((a) => a.uuid))).toEqual(expected);
      expect(alerts).toHaveLength(expected.size);
      expect(alerts.every((a) => a.decisions.length === 1 && a.decisions[0].uuid === a.uuid)).toBe(true);
      expect(await store.listDecisions({})).toHaveLength(expected.size);
      const cursors = await store.loadCursors();
      expect(cursors.get('file-a')?.offset).toBe(n > 0 ? n - 1 : undefined);
      expect(cursors.get('file-b')?.offset).toBe(n > 0 ? n - 1 : undefined);
      return n;
    } finally {
      await store.close();
    }
  }

  it('finds only whole batches after kills from outside: every committed batch has its alerts, decisions and cursors', async () => {
    const child = await bundleChild();
    const path = freshPath();
    // Kill after a varying number of batches (fixed, not random), so kills meet every batch size.
    for (const batches of [3, 6, 2, 5, 4, 7]) {
      const lastReported = await runChild(child, [path], batches);
      // At least every batch reported; maybe one more that committed before its number was printed.
      expect(await wholeBatches(path)).toBeGreaterThanOrEqual(lastReported + 1);
    }
  });

  it('finds exactly the batches committed before a kill -9 at every statement of a transaction', async () => {
    const child = await bundleChild();
    // Statements after open: reading the counters, then per batch BEGIN, one multi-row INSERT of
    // the alerts and one of their decisions, the cursors, the counters, COMMIT.
    const perBatch = (b: number): number => (alertsInBatch(b) > 0 ? 2 : 0) + 4;
    const last = 1 + perBatch(0) + perBatch(1);
    for (let k = 1; k <= last; k++) {
      const path = freshPath();
      await runChild(child, [path, String(k)]);
      let committed = 0;
      for (let done = 1 + perBatch(0); done <= k; done += perBatch(++committed));
      expect({ k, batches: await wholeBatches(path) }).toEqual({ k, batches: committed });
    }
  });
});
