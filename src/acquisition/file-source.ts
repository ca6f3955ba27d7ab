import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HerdError, errorMessage, silentLogger, systemClock, type Clock, type Logger } from '../core/index.js';
import type { Cursor, Line } from './line.js';
import { MAX_LINE_BYTES } from './line-splitter.js';
import { newCounters, type LineSource, type SourceMetrics } from './source.js';
import { compileGlob, expandGlob, matchesGlob, type CompiledGlob } from './glob.js';
import { fileIdOf, findFileById } from './file-identity.js';
import { FollowedFile, newScratch, type ReadScratch, type StartAt } from './followed-file.js';
import { Waker } from './wait.js';

export interface FileSourceOptions {
  /** Absolute paths or globs (`*`, `?`, `[...]` within a segment; no `**`). */
  filenames: string[];
  /** Labels of every line; `type` picks the parsers. */
  labels: Record<string, string>;
  /** Saved cursors (from the store's offsets): files that still match them resume there. */
  cursors?: Iterable<Cursor>;
  /** Where to start in a file present at start-up that has no (matching) cursor. Default `end`. */
  startAt?: 'end' | 'beginning';
  /** Stat poll interval (rotation, truncation, new files, missed events). Default 1000 ms. */
  pollIntervalMs?: number;
  /** Use fs.watch for prompt reads where it works. Default true; the poll runs either way. */
  watch?: boolean;
  /** Longest a renamed/deleted file is kept open while it is still being written. Default 5000 ms. */
  rotateGraceMs?: number;
  /** Default 64 KiB. */
  maxLineBytes?: number;
  /** Bytes per read. Default 256 KiB. */
  readChunkBytes?: number;
  /** A batch closes once it has this many lines. Default 10 000. */
  maxBatchLines?: number;
  name?: string;
  clock?: Clock;
  logger?: Logger;
}

/** How many drained file identities to remember, to recognise a rotated file that matches a glob. */
const RETIRED_MEMORY = 1024;

/**
 * Follows files like `tail -F`: globs are re-expanded at every poll, files present at start-up
 * resume from their saved cursor (or start at their end / beginning), files that appear later are
 * read from 0, renamed files are read to their end before their path's new file, truncated files
 * are read again from 0, deleted files are closed. Every line carries an exact cursor.
 */
export class FileSource implements LineSource {
  readonly name: string;
  readonly metrics: SourceMetrics & { files: NonNullable<SourceMetrics['files']> };
  private readonly globs: CompiledGlob[];
  private readonly labels: Record<string, string>;
  private readonly cursors = new Map<string, Cursor>();
  private readonly startAt: 'end' | 'beginning';
  private readonly pollMs: number;
  private readonly useWatch: boolean;
  private readonly graceMs: number;
  private readonly maxLineBytes: number;
  private readonly chunkBytes: number;
  private readonly maxBatch: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly entries = new Map<string, FollowedFile>();
  private readonly dirty = new Set<FollowedFile>();
  private readonly toCheck = new Set<FollowedFile>();
  /** fileId → where reading stopped, of rotated files closed after their retirement. */
  private readonly retired = new Map<string, Cursor>();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly failing = new Set<string>();
  private readonly waker = new Waker();
  private rescanDue = false;
  private started = false;

  constructor(options: FileSourceOptions) {
    if (options.filenames.length === 0) {
      throw new HerdError('HERD_ACQUIS_CONFIG', 'file source has no filenames; give at least one absolute path or glob');
    }
    this.globs = options.filenames.map(compileGlob);
    this.labels = options.labels;
    for (const c of options.cursors ?? []) this.cursors.set(c.key, c);
    this.startAt = options.startAt ?? 'end';
    this.pollMs = options.pollIntervalMs ?? 1000;
    this.useWatch = options.watch ?? true;
    this.graceMs = options.rotateGraceMs ?? 5000;
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.chunkBytes = options.readChunkBytes ?? 256 * 1024;
    this.maxBatch = options.maxBatchLines ?? 10_000;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger();
    this.name = options.name ?? `file:${options.filenames.join(',')}`;
    this.metrics = { ...newCounters(), files: {} };
  }

  /** The files open now: path and identity (`dev:ino`); for metrics and tests. */
  openFiles(): Array<{ path: string; fileId: string; retiring: boolean }> {
    const out: Array<{ path: string; fileId: string; retiring: boolean }> = [];
    for (const e of this.entries.values()) if (e.isOpen) out.push({ path: e.key, fileId: e.fileId, retiring: e.retiring });
    return out;
  }

  lines(signal: AbortSignal): AsyncIterable<Line[]> {
    if (this.started) throw new HerdError('HERD_ACQUIS_STATE', `source ${this.name} is already running; create one source per run`);
    this.started = true;
    return this.run(signal);
  }

  private async *run(signal: AbortSignal): AsyncGenerator<Line[]> {
    const scratch = newScratch(this.chunkBytes);
    try {
      await this.startUp(scratch);
      let nextPoll = Date.now() + this.pollMs;
      while (!signal.aborted) {
        let settle = false;
        if (Date.now() >= nextPoll) {
          await this.poll(scratch);
          nextPoll = Date.now() + this.pollMs;
          settle = true;
        } else {
          if (this.rescanDue) await this.rescan(scratch);
          for (const e of this.toCheck) await this.checkEntry(e, this.clock.now(), scratch);
          this.toCheck.clear();
        }
        const batch: Line[] = [];
        const readAt = this.clock.now();
        await this.readRound(scratch, batch, readAt);
        if (settle) await this.settle(scratch, batch, readAt);
        if (batch.length > 0) {
          yield batch;
          continue;
        }
        if (this.dirty.size > 0) continue;
        await this.waker.wait(Math.max(0, nextPoll - Date.now()), signal);
      }
    } finally {
      for (const w of this.watchers.values()) w.close();
      this.watchers.clear();
      for (const e of this.entries.values()) await e.close();
      this.entries.clear();
    }
  }

  /** First scan: files present now resume from their cursor, or start at `startAt`. */
  private async startUp(scratch: ReadScratch): Promise<void> {
    const found = new Set<string>();
    for (const g of this.globs) for (const p of await expandGlob(g)) found.add(p);
    const withCursor: Array<[string, Cursor]> = [];
    const without: string[] = [];
    for (const path of [...found].sort()) {
      const c = this.cursors.get(path);
      if (c === undefined || c.token !== undefined) without.push(path);
      else withCursor.push([path, c]);
    }
    for (const [path, c] of withCursor) {
      let id = '';
      try {
        id = fileIdOf(await stat(path, { bigint: true }));
      } catch {
        continue;
      }
      if (id === c.fileId) {
        if ((await this.follow(path, path, { kind: 'cursor', cursor: c }, scratch)) === null) {
          this.log.info({ path }, 'file truncated while stopped, reading from start');
          await this.follow(path, path, { kind: 'offset', offset: 0 }, scratch);
        }
      } else if (!(await this.resumeRotated(path, c, scratch))) {
        await this.follow(path, path, { kind: 'offset', offset: 0 }, scratch);
      }
    }
    // Paths with a cursor that are gone now (rotated, not yet re-created): finish the rotated file.
    for (const c of this.cursors.values()) {
      if (found.has(c.key) || c.token !== undefined || !this.globs.some((g) => matchesGlob(g, c.key))) continue;
      await this.resumeRotated(c.key, c, scratch);
    }
    // Files without a cursor; a rotated file that is being finished under its old name is not read twice.
    const held = new Set<string>();
    for (const e of this.entries.values()) held.add(e.fileId);
    for (const path of without) {
      try {
        if (held.has(fileIdOf(await stat(path, { bigint: true })))) continue;
      } catch {
        continue;
      }
      await this.follow(path, path, this.startAt === 'end' ? { kind: 'end' } : { kind: 'offset', offset: 0 }, scratch);
    }
    this.updateWatches();
  }

  /** The cursor's file was rotated while herd was down: finish it from the cursor if it is in the same directory. */
  private async resumeRotated(path: string, c: Cursor, scratch: ReadScratch): Promise<boolean> {
    const old = await findFileById(dirname(path), c.fileId);
    if (old === null) return false;
    const e = await this.follow(path, old, { kind: 'cursor', cursor: c }, scratch);
    if (e === null) return false;
    this.log.info({ path, rotated: old, offset: c.offset }, 'finishing file rotated while stopped');
    e.retire(this.clock.now());
    await this.noteAtPath(e);
    return true;
  }

  /** Opens `openPath` as the file of key `key`; null when the start does not apply or it cannot be opened. */
  private async follow(key: string, openPath: string, start: StartAt, scratch: ReadScratch): Promise<FollowedFile | null> {
    let counters = this.metrics.files[key];
    if (counters === undefined) {
      counters = newCounters();
      this.metrics.files[key] = counters;
    }
    const e = new FollowedFile(key, this.labels, this.metrics, counters, this.maxLineBytes);
    try {
      if ((await e.open(openPath, start, scratch)) === null) return null;
    } catch (err) {
      // Counted and logged once per failing path, not at every poll that retries it.
      if (!this.failing.has(key)) {
        this.failing.add(key);
        counters.readErrors++;
        this.metrics.readErrors++;
        this.log.warn({ path: openPath, err: errorMessage(err) }, 'cannot open file');
      }
      return null;
    }
    this.failing.delete(key);
    this.entries.set(key, e);
    this.dirty.add(e);
    return e;
  }

  /** Every poll: new files, then truncation / rotation checks of every open file. */
  private async poll(scratch: ReadScratch): Promise<void> {
    await this.rescan(scratch);
    const now = this.clock.now();
    for (const e of this.entries.values()) {
      await this.checkEntry(e, now, scratch);
      this.dirty.add(e);
    }
    this.toCheck.clear();
  }

  /** Files that match now and are not followed yet are new: read from 0. */
  private async rescan(scratch: ReadScratch): Promise<void> {
    this.rescanDue = false;
    const heldIds = new Set<string>();
    for (const e of this.entries.values()) heldIds.add(e.fileId);
    let added = false;
    for (const g of this.globs) {
      for (const path of await expandGlob(g)) {
        if (this.entries.has(path)) continue;
        let id: string;
        try {
          id = fileIdOf(await stat(path, { bigint: true }));
        } catch {
          continue;
        }
        // A rotated file that matches a glob too (e.g. `app.log.1` for `/var/log/app/*`) was read under its old name.
        if (heldIds.has(id)) continue;
        // A file read before under another name goes on from there; it is checked like a saved cursor (inode reuse).
        const before = this.retired.get(id);
        let e = before ? await this.follow(path, path, { kind: 'cursor', cursor: { ...before, key: path } }, scratch) : null;
        e ??= await this.follow(path, path, { kind: 'offset', offset: 0 }, scratch);
        if (e !== null) {
          added = true;
          heldIds.add(id);
        }
      }
    }
    if (added) this.updateWatches();
  }

  private async readRound(scratch: ReadScratch, batch: Line[], readAt: number): Promise<void> {
    const round = [...this.dirty];
    this.dirty.clear();
    let i = 0;
    for (; i < round.length && batch.length < this.maxBatch; i++) {
      const e = round[i];
      await e.read(scratch, batch, readAt);
      if (e.more) this.dirty.add(e);
    }
    for (; i < round.length; i++) this.dirty.add(round[i]);
  }

  /** Once per poll: retiring files that are done are closed, and their path is followed anew from 0. */
  private async settle(scratch: ReadScratch, batch: Line[], readAt: number): Promise<void> {
    const now = this.clock.now();
    for (const e of [...this.entries.values()]) {
      if (!(await e.settle(now, this.graceMs, scratch, batch, readAt))) continue;
      this.entries.delete(e.key);
      this.dirty.delete(e);
      if (e.finalCursor !== null) this.retired.set(e.fileId, e.finalCursor);
      if (this.retired.size > RETIRED_MEMORY) this.retired.delete(this.retired.keys().next().value as string);
      if (!(await this.followSuccessor(e, now, scratch))) this.rescanDue = true;
    }
    if (this.rescanDue) await this.rescan(scratch);
  }

  /**
   * While a key's file is retiring, the files seen at its path, oldest first. If one of them is
   * rotated away too before its turn (several rotations within one retirement), it is still found
   * by identity in the same directory and read in order.
   */
  private readonly successors = new Map<string, string[]>();

  /** Checks `e` (truncation, rotation) and remembers which file its path leads to now. */
  private async checkEntry(e: FollowedFile, now: number, scratch: ReadScratch): Promise<void> {
    const atPath = await e.check(now, scratch);
    if (e.retiring) this.noteSuccessor(e, atPath);
  }

  private async noteAtPath(e: FollowedFile): Promise<void> {
    try {
      this.noteSuccessor(e, fileIdOf(await stat(e.key, { bigint: true })));
    } catch {
      // nothing at the path yet
    }
  }

  private noteSuccessor(e: FollowedFile, atPath: string | null): void {
    if (atPath === null || atPath === e.fileId) return;
    let list = this.successors.get(e.key);
    if (list === undefined) {
      list = [];
      this.successors.set(e.key, list);
    }
    if (!list.includes(atPath)) {
      list.push(atPath);
      this.log.debug({ path: e.key, fileId: e.fileId, next: atPath }, 'rotation noticed');
    }
  }

  /** After a retired file: the next file seen at its path that has been rotated away meanwhile, if any. */
  private async followSuccessor(done: FollowedFile, now: number, scratch: ReadScratch): Promise<boolean> {
    const list = this.successors.get(done.key);
    if (list === undefined) return false;
    let atPath: string | null = null;
    try {
      atPath = fileIdOf(await stat(done.key, { bigint: true }));
    } catch {
      // the path is gone: its successors may still be around under other names
    }
    while (list.length > 0) {
      const succ = list.shift() as string;
      if (succ === atPath) break;
      const moved = await findFileById(dirname(done.key), succ);
      if (moved === null) continue;
      const e = await this.follow(done.key, moved, { kind: 'offset', offset: 0 }, scratch);
      if (e === null) continue;
      if (e.fileId !== succ) {
        await e.close();
        this.entries.delete(done.key);
        continue;
      }
      this.log.info({ path: done.key, rotated: moved }, 'reading file rotated while the previous one was finished');
      e.retire(now);
      this.noteSuccessor(e, atPath);
      return true;
    }
    this.successors.delete(done.key);
    return false;
  }

  /** Watches the directories of the followed files and of the globs whose directory part is literal. */
  private updateWatches(): void {
    if (!this.useWatch) return;
    const dirs = new Set<string>();
    for (const g of this.globs) {
      if (g.segments.length > 0 && g.segments.slice(0, -1).every((s) => typeof s === 'string')) dirs.add(g.baseDir);
    }
    for (const key of this.entries.keys()) dirs.add(dirname(key));
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (event, filename) => this.onWatch(dir, event, filename));
        w.on('error', () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // no watch here (missing directory, no inotify): the poll covers it
      }
    }
  }

  private onWatch(dir: string, event: string, filename: string | null): void {
    if (filename === null) {
      this.rescanDue = true;
      for (const e of this.entries.values()) {
        this.dirty.add(e);
        this.toCheck.add(e);
      }
    } else {
      const path = join(dir, filename);
      const e = this.entries.get(path);
      if (e !== undefined) {
        this.dirty.add(e);
        if (event === 'rename') this.toCheck.add(e);
      } else if (this.globs.some((g) => matchesGlob(g, path))) {
        this.rescanDue = true;
      } else {
        return;
      }
    }
    this.waker.wake();
  }
}

export function createFileSource(options: FileSourceOptions): FileSource {
  return new FileSource(options);
}
