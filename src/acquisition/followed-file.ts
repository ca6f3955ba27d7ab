import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Cursor, Line } from './line.js';
import { LineSplitter } from './line-splitter.js';
import type { SourceCounters } from './source.js';
import { FINGERPRINT_BYTES, fileIdOf, fingerprintMatches, fingerprintOf, readHead } from './file-identity.js';

/** Buffers shared by all files of one source: reads are sequential, and the splitter copies what it keeps. */
export interface ReadScratch {
  buf: Buffer;
  raws: string[];
  ends: number[];
  head: Buffer;
}

export function newScratch(chunkBytes: number): ReadScratch {
  return { buf: Buffer.allocUnsafe(chunkBytes), raws: [], ends: [], head: Buffer.allocUnsafe(FINGERPRINT_BYTES) };
}

/** Where to start reading a file that is opened. */
export type StartAt =
  | { kind: 'offset'; offset: number }
  | { kind: 'end' }
  /** Resume from a saved cursor: only if the file is the same one (identity and fingerprint) and long enough. */
  | { kind: 'cursor'; cursor: Cursor };

/**
 * One followed path (the cursor key) and the file currently open for it. When the path stops
 * leading to that file (renamed, deleted), the file is "retiring": it is read to its end, and
 * closed once it has been quiet for a poll interval (or after the grace period, at its end).
 * The source opens the path's new file only then, so the lines of one key stay in order and each
 * saved cursor names the file it belongs to.
 */
export class FollowedFile {
  readonly key: string;
  readonly counters: SourceCounters;
  private fh: FileHandle | null = null;
  private id = '';
  private readonly splitter: LineSplitter;
  private head: Buffer = Buffer.alloc(FINGERPRINT_BYTES);
  private headLen = 0;
  private fingerprint = '';
  private retiringSince = -1;
  private quietTicks = 0;
  private bytesSinceTick = 0;
  /** The last read filled the buffer: more data is probably waiting. */
  more = false;
  /** After retirement: where reading stopped, when the file still exists under another name. */
  finalCursor: Cursor | null = null;

  constructor(
    key: string,
    private readonly labels: Record<string, string>,
    private readonly totals: SourceCounters,
    counters: SourceCounters,
    maxLineBytes: number,
  ) {
    this.key = key;
    this.counters = counters;
    this.splitter = new LineSplitter({ maxLineBytes });
  }

  get fileId(): string {
    return this.id;
  }

  get isOpen(): boolean {
    return this.fh !== null;
  }

  get retiring(): boolean {
    return this.retiringSince >= 0;
  }

  get position(): number {
    return this.splitter.offset;
  }

  /**
   * Opens `path` (the key, or a rotated file found by identity) and positions the reader. Returns
   * the start offset, or null when the file is not the one expected (a cursor that does not match).
   */
  async open(path: string, start: StartAt, scratch: ReadScratch): Promise<number | null> {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat({ bigint: true });
      const id = fileIdOf(st);
      const size = Number(st.size);
      let offset = 0;
      let discard = false;
      if (start.kind === 'cursor') {
        const c = start.cursor;
        if (c.fileId !== id || size < c.offset || !(await fingerprintMatches(fh, c.fingerprint, scratch.head))) {
          await fh.close();
          return null;
        }
        offset = c.offset;
      } else if (start.kind === 'offset') {
        offset = Math.min(start.offset, size);
      } else {
        ({ offset, discard } = await lineStartNearEnd(fh, size, scratch.buf, this.splitter.maxLineBytes));
      }
      this.fh = fh;
      this.id = id;
      this.headLen = await readHead(fh, this.head, Math.min(FINGERPRINT_BYTES, size));
      this.fingerprint = fingerprintOf(this.head, this.headLen);
      this.splitter.reset(offset);
      if (discard) this.splitter.discardUntilNewline();
      this.more = true;
      return offset;
    } catch (err) {
      if (this.fh !== fh) await fh.close().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Reads one chunk at the current position and appends the complete lines, each with its cursor,
   * to `batch`. Returns the bytes read (0 at the end of the file or on a read error, which is counted).
   */
  async read(scratch: ReadScratch, batch: Line[], readAt: number): Promise<number> {
    const fh = this.fh;
    if (fh === null) return 0;
    const pos = this.splitter.position;
    let n: number;
    try {
      n = (await fh.read(scratch.buf, 0, scratch.buf.length, pos)).bytesRead;
    } catch {
      this.counters.readErrors++;
      this.totals.readErrors++;
      this.more = false;
      return 0;
    }
    this.more = n === scratch.buf.length;
    if (n === 0) {
      // At the end: a file now shorter than our position was truncated (copytruncate); notice it now, not at the next poll.
      try {
        const size = Number((await fh.stat({ bigint: true })).size);
        if (size < pos) await this.restartAtZero(fh, size);
      } catch {
        this.counters.readErrors++;
        this.totals.readErrors++;
      }
      return 0;
    }
    const chunk = scratch.buf.subarray(0, n);
    if (this.headLen < FINGERPRINT_BYTES && pos <= this.headLen && pos + n > this.headLen) {
      const upto = Math.min(FINGERPRINT_BYTES, pos + n);
      chunk.copy(this.head, this.headLen, this.headLen - pos, upto - pos);
      this.headLen = upto;
      this.fingerprint = fingerprintOf(this.head, this.headLen);
    }
    this.bytesSinceTick += n;
    this.split(chunk, scratch, batch, readAt);
    return n;
  }

  /**
   * The poll-time check: a file now shorter than what was read, or whose first bytes changed, was
   * truncated (copytruncate) and is read again from 0; a path that no longer leads to the open
   * file starts its retirement. Returns the identity of the file at the path now (null: none).
   */
  async check(now: number, scratch: ReadScratch): Promise<string | null> {
    const fh = this.fh;
    if (fh === null) return null;
    try {
      const st = await fh.stat({ bigint: true });
      const size = Number(st.size);
      let truncated = size < this.splitter.position;
      if (!truncated && this.headLen > 0) {
        const got = await readHead(fh, scratch.head, this.headLen);
        truncated = got < this.headLen || scratch.head.compare(this.head, 0, this.headLen, 0, got) !== 0;
      }
      if (truncated) await this.restartAtZero(fh, size);
    } catch {
      this.counters.readErrors++;
      this.totals.readErrors++;
    }
    let atPath: string | null = null;
    try {
      atPath = fileIdOf(await stat(this.key, { bigint: true }));
    } catch {
      atPath = null;
    }
    if (atPath !== this.id) this.retire(now);
    return atPath;
  }

  /** The file was truncated: what was read is gone, an unfinished line too; read again from 0. */
  private async restartAtZero(fh: FileHandle, size: number): Promise<void> {
    this.splitter.reset(0);
    this.headLen = await readHead(fh, this.head, Math.min(FINGERPRINT_BYTES, size));
    this.fingerprint = fingerprintOf(this.head, this.headLen);
    this.more = true;
  }

  /** Starts the retirement now: the path leads elsewhere, or this is a rotated file opened under its old path's key. */
  retire(now: number): void {
    if (this.retiringSince < 0) {
      this.retiringSince = now;
      this.quietTicks = 0;
    }
  }

  /**
   * Called once per poll, after reading: whether a retiring file is done. When it is, its last line
   * (even without `\n`: the file is finished) is appended to `batch` and the file is closed.
   */
  async settle(now: number, graceMs: number, scratch: ReadScratch, batch: Line[], readAt: number): Promise<boolean> {
    if (!this.retiring || this.fh === null) return false;
    if (this.bytesSinceTick === 0 && !this.more) this.quietTicks++;
    else this.quietTicks = 0;
    this.bytesSinceTick = 0;
    if (this.more || (this.quietTicks < 2 && now - this.retiringSince < graceMs)) return false;
    this.split(null, scratch, batch, readAt);
    try {
      const st = await this.fh.stat();
      this.finalCursor = st.nlink > 0 ? this.cursorAt(this.splitter.offset) : null;
    } catch {
      this.finalCursor = null;
    }
    await this.close();
    return true;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    this.more = false;
    if (fh !== null) await fh.close().catch(() => undefined);
  }

  private cursorAt(offset: number): Cursor {
    return { key: this.key, fileId: this.id, offset, fingerprint: this.fingerprint };
  }

  /** Splits a chunk (or, with null, ends the file) and counts what the splitter saw. */
  private split(chunk: Buffer | null, scratch: ReadScratch, batch: Line[], readAt: number): void {
    const c = this.splitter.counters;
    const truncated = c.truncated;
    const invalid = c.invalidUtf8;
    if (chunk === null) {
      this.splitter.end(scratch.raws, scratch.ends);
    } else {
      this.splitter.push(chunk, scratch.raws, scratch.ends);
      this.counters.bytesRead += chunk.length;
      this.totals.bytesRead += chunk.length;
    }
    const dTrunc = c.truncated - truncated;
    const dInvalid = c.invalidUtf8 - invalid;
    this.counters.linesTruncated += dTrunc;
    this.totals.linesTruncated += dTrunc;
    this.counters.linesInvalidUtf8 += dInvalid;
    this.totals.linesInvalidUtf8 += dInvalid;
    this.emit(scratch, batch, readAt);
  }

  private emit(scratch: ReadScratch, batch: Line[], readAt: number): void {
    const raws = scratch.raws;
    const n = raws.length;
    if (n === 0) return;
    const ends = scratch.ends;
    for (let i = 0; i < n; i++) {
      batch.push({ raw: raws[i], src: this.key, module: 'file', labels: this.labels, readAt, cursor: this.cursorAt(ends[i]) });
    }
    this.counters.linesRead += n;
    this.totals.linesRead += n;
    raws.length = 0;
    ends.length = 0;
  }
}

/**
 * Where to start when following a file from its end: just after its last `\n`, so a line being
 * written right now is read whole. Without a `\n` in the last maxLineBytes, start at the end and
 * drop the rest of that (overlong) line.
 */
async function lineStartNearEnd(fh: FileHandle, size: number, buf: Buffer, maxLineBytes: number): Promise<{ offset: number; discard: boolean }> {
  let end = size;
  const floor = Math.max(0, size - maxLineBytes - 1);
  while (end > floor) {
    const from = Math.max(floor, end - buf.length);
    const { bytesRead } = await fh.read(buf, 0, end - from, from);
    const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
    if (nl >= 0) return { offset: from + nl + 1, discard: false };
    end = from;
  }
  return floor === 0 ? { offset: 0, discard: false } : { offset: size, discard: true };
}
