/**
 * Syslog over TCP (RFC 6587): each message is either octet-counted (`LEN SP MSG`) or ended by a
 * newline ("non-transparent framing"). The framer tells them apart per message by the first byte
 * (a digit means a length) and keeps at most `maxBytes + 1` bytes of a message, so a peer that
 * never ends its message costs bounded memory; the rest of an over-long message is skipped.
 */
export interface FrameSink {
  /** A complete message (a copy, the caller may keep it); `truncated` when it was longer than the limit. */
  message(bytes: Buffer, truncated: boolean): void;
}

const enum Mode {
  Start,
  Length,
  Octets,
  Newline,
}

/** Longest length prefix accepted (9 digits: under 1 GB). */
const MAX_LEN_DIGITS = 9;

export class TcpFramer {
  private mode = Mode.Start;
  private len = 0;
  private digits = 0;
  /** Octet-counted: bytes of the current message still to come (kept or skipped). */
  private remaining = 0;
  private buf: Buffer;
  private used = 0;
  private truncated = false;

  constructor(
    private readonly maxBytes: number,
    private readonly sink: FrameSink,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(maxBytes, 4096));
  }

  push(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.mode) {
        case Mode.Start: {
          const c = chunk[i];
          if (c === 10 || c === 13 || c === 0 || c === 32) {
            i++;
          } else if (c >= 48 && c <= 57) {
            this.mode = Mode.Length;
            this.len = 0;
            this.digits = 0;
          } else {
            this.mode = Mode.Newline;
          }
          break;
        }
        case Mode.Length: {
          const c = chunk[i];
          if (c >= 48 && c <= 57 && this.digits < MAX_LEN_DIGITS) {
            this.len = this.len * 10 + (c - 48);
            this.digits++;
            i++;
          } else if (c === 32 && this.digits > 0) {
            i++;
            this.remaining = this.len;
            this.mode = Mode.Octets;
            if (this.remaining === 0) this.emit();
          } else {
            // Not a length after all: the digits were the start of a newline-framed message.
            this.append(Buffer.from(String(this.len).padStart(this.digits, '0')), 0, this.digits);
            this.mode = Mode.Newline;
          }
          break;
        }
        case Mode.Octets: {
          const take = Math.min(this.remaining, n - i);
          this.append(chunk, i, i + take);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.emit();
          break;
        }
        case Mode.Newline: {
          const nl = chunk.indexOf(10, i);
          const end = nl < 0 ? n : nl;
          this.append(chunk, i, end);
          i = end;
          if (nl >= 0) {
            i++;
            this.emit();
          }
          break;
        }
      }
    }
  }

  /** The connection ended: a newline-framed message without its newline is still a message. */
  end(): void {
    if (this.mode === Mode.Newline && (this.used > 0 || this.truncated)) this.emit();
    this.mode = Mode.Start;
    this.used = 0;
    this.truncated = false;
  }

  private append(src: Buffer, start: number, end: number): void {
    let take = end - start;
    const room = this.maxBytes - this.used;
    if (take > room) {
      take = room;
      this.truncated = true;
    }
    if (take <= 0) return;
    if (this.used + take > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxBytes, Math.max(this.used + take, this.buf.length * 2)));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    src.copy(this.buf, this.used, start, start + take);
    this.used += take;
  }

  private emit(): void {
    this.sink.message(Buffer.from(this.buf.subarray(0, this.used)), this.truncated);
    this.mode = Mode.Start;
    this.used = 0;
    this.truncated = false;
  }
}
