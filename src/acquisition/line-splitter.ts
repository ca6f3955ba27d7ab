import { isUtf8 } from 'node:buffer';

/** Longest line kept, in bytes; the rest of a longer line is skipped (and counted). */
export const MAX_LINE_BYTES = 64 * 1024;

/** What a splitter has seen so far; sources add these to their metrics. */
export interface SplitCounters {
  /** Complete lines emitted. */
  lines: number;
  /** Bytes pushed. */
  bytes: number;
  /** Lines cut at the maximum length. */
  truncated: number;
  /** Lines in which invalid UTF-8 was replaced by U+FFFD. */
  invalidUtf8: number;
}

const LF = 10;
const CR = 13;

/**
 * Turns a byte stream, pushed in chunks of any size, into lines: split on `\n`, one trailing `\r`
 * dropped, lines longer than `maxLineBytes` cut on a UTF-8 boundary, invalid UTF-8 replaced by
 * U+FFFD. Whatever the chunking, the same lines come out (the property tests check this).
 *
 * Memory stays bounded: of an unfinished line at most `maxLineBytes + 1` bytes are kept, so a
 * 10 MB line without `\n` costs 64 KiB. Each emitted line comes with the absolute byte offset just
 * after its `\n` (the resume point a cursor stores).
 *
 * Hot path: one UTF-8 validity check per chunk, then one `indexOf` and one decode per line; no
 * per-line closures or Buffer copies (only an unfinished line is copied, into `carry`).
 */
export class LineSplitter {
  readonly maxLineBytes: number;
  readonly counters: SplitCounters = { lines: 0, bytes: 0, truncated: 0, invalidUtf8: 0 };
  /** Absolute offset of the next byte to be pushed. */
  private streamPos: number;
  /** Absolute offset just after the last complete line. */
  private lineEnd: number;
  /** The start of an unfinished line (grows on demand up to maxLineBytes + 1). */
  private carry: Buffer = Buffer.alloc(0);
  private carryLen = 0;
  /** The unfinished line is longer than `carry` holds: the rest up to `\n` is dropped, the line is truncated. */
  private overflow = false;
  /** Drop everything up to the next `\n` without emitting it (when starting in the middle of a line). */
  private discard = false;

  constructor(options: { maxLineBytes?: number; startOffset?: number } = {}) {
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.streamPos = options.startOffset ?? 0;
    this.lineEnd = this.streamPos;
  }

  /** Absolute byte offset just after the last complete line: where a reader resumes. */
  get offset(): number {
    return this.lineEnd;
  }

  /** Absolute offset of the next byte expected. */
  get position(): number {
    return this.streamPos;
  }

  /** Bytes of an unfinished line seen after `offset`. */
  get pendingBytes(): number {
    return this.streamPos - this.lineEnd;
  }

  /** Memory held for an unfinished line: at most maxLineBytes + 1, whatever the line's length. */
  get bufferedBytes(): number {
    return this.carry.length;
  }

  /** Forgets any unfinished line and restarts at `offset` (after a truncation, a seek). */
  reset(offset: number): void {
    this.streamPos = offset;
    this.lineEnd = offset;
    this.carryLen = 0;
    this.overflow = false;
    this.discard = false;
  }

  /** The bytes up to the next `\n` belong to a line whose start was not seen: drop them silently. */
  discardUntilNewline(): void {
    this.discard = true;
  }

  /**
   * Splits `chunk`; each complete line is appended to `out`, and when `ends` is given, the absolute
   * offset just after its `\n` to `ends`. The chunk may be reused by the caller afterwards.
   */
  push(chunk: Buffer, out: string[], ends: number[] | null): void {
    const len = chunk.length;
    if (len === 0) return;
    const base = this.streamPos;
    this.counters.bytes += len;
    this.streamPos += len;
    let pos = 0;

    if (this.carryLen > 0 || this.overflow || this.discard) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        if (!this.discard) this.append(chunk, 0, len);
        return;
      }
      if (this.discard) {
        this.discard = false;
        this.carryLen = 0;
        this.overflow = false;
        this.lineEnd = base + nl + 1;
      } else {
        this.append(chunk, 0, nl);
        this.emit(this.carry, 0, this.carryLen, this.overflow, out, ends, base + nl + 1);
        this.carryLen = 0;
        this.overflow = false;
      }
      pos = nl + 1;
    }

    const last = chunk.lastIndexOf(LF);
    if (last >= pos) {
      // One validity check for all complete lines of the chunk; per-line checks only when it fails.
      const allValid = isUtf8(chunk.subarray(pos, last));
      while (pos <= last) {
        const nl = chunk.indexOf(LF, pos);
        let end = nl;
        if (end > pos && chunk[end - 1] === CR) end--;
        if (allValid && end - pos <= this.maxLineBytes) {
          out.push(chunk.toString('utf8', pos, end));
          if (ends !== null) ends.push(base + nl + 1);
          this.counters.lines++;
        } else {
          this.emitContent(chunk, pos, end, false, out, ends, base + nl + 1);
        }
        pos = nl + 1;
      }
      this.lineEnd = base + last + 1;
    }
    if (pos < len) this.append(chunk, pos, len);
  }

  /** At the end of the input (replay): emits the unfinished line, if any. */
  end(out: string[], ends: number[] | null): void {
    if (this.discard) {
      this.discard = false;
    } else if (this.carryLen > 0 || this.overflow) {
      this.emit(this.carry, 0, this.carryLen, this.overflow, out, ends, this.streamPos);
    }
    this.carryLen = 0;
    this.overflow = false;
    this.lineEnd = this.streamPos;
  }

  /** Keeps at most maxLineBytes + 1 bytes of an unfinished line (one more than fits, to tell "too long"). */
  private append(src: Buffer, start: number, end: number): void {
    const cap = this.maxLineBytes + 1;
    const room = cap - this.carryLen;
    let n = end - start;
    if (n > room) {
      n = room;
      this.overflow = true;
    }
    if (n <= 0) return;
    const need = this.carryLen + n;
    if (need > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(cap, Math.max(need, this.carry.length * 2, 256)));
      this.carry.copy(grown, 0, 0, this.carryLen);
      this.carry = grown;
    }
    src.copy(this.carry, this.carryLen, start, start + n);
    this.carryLen = need;
  }

  /** Emits bytes [start, end) of `buf`, a line without its `\n` but maybe with its `\r`. */
  private emit(buf: Buffer, start: number, end: number, overflow: boolean, out: string[], ends: number[] | null, lineEnd: number): void {
    if (!overflow && end > start && buf[end - 1] === CR) end--;
    this.emitContent(buf, start, end, overflow, out, ends, lineEnd);
  }

  private emitContent(buf: Buffer, start: number, end: number, overflow: boolean, out: string[], ends: number[] | null, lineEnd: number): void {
    if (overflow || end - start > this.maxLineBytes) {
      end = start + utf8Cut(buf, start, this.maxLineBytes);
      this.counters.truncated++;
    }
    if (!isUtf8(buf.subarray(start, end))) this.counters.invalidUtf8++;
    out.push(buf.toString('utf8', start, end));
    if (ends !== null) ends.push(lineEnd);
    this.counters.lines++;
    this.lineEnd = lineEnd;
  }
}

/**
 * Length of the longest prefix of `buf[start..]` of at most `max` bytes that does not end inside a
 * UTF-8 sequence: the cut moves back over at most 3 continuation bytes. `buf` holds more than `max` bytes.
 */
export function utf8Cut(buf: Buffer, start: number, max: number): number {
  let cut = start + max;
  let back = 0;
  while (back < 3 && (buf[cut] & 0xc0) === 0x80) {
    cut--;
    back++;
  }
  return cut - start;
}
