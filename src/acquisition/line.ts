/**
 * A line of log text as a source yields it, before any parsing.
 */
export interface Line {
  /** The text, without its end-of-line; invalid UTF-8 already replaced by U+FFFD, at most 64 KiB. */
  raw: string;
  /** Where it came from: a file path, `stdin`, `journalctl`, or the syslog peer `ip:port`. */
  src: string;
  /** The kind of source, as CrowdSec names it: `file`, `journalctl`, `syslog`, `stdin`. */
  module: string;
  /** Labels from the acquisition config; `type` (nginx, syslog, …) picks the parsers. */
  labels: Record<string, string>;
  /** When the line was read (ms since epoch, wall clock). Replays use the time inside the line. */
  readAt: number;
  /** Where to resume after this line, for sources that can resume (files). */
  cursor?: Cursor;
}

/**
 * The position after a line in a followed file. Saved in the store in the same transaction as the
 * results of the line, so that a restart neither loses nor re-reads it.
 */
export interface Cursor {
  /** Stable key of the followed file: its configured path. */
  key: string;
  /** Identity of the file (`dev:ino`), to notice a rotation that happened while herd was down. */
  fileId: string;
  /** Byte offset just after this line. */
  offset: number;
  /** Hex digest of the file's first bytes (up to 256), to notice a truncate-and-rewrite. */
  fingerprint: string;
  /**
   * Opaque resume token of sources that are not byte files: journald's `__CURSOR`. Absent for files;
   * for journald, `fileId` and `fingerprint` are empty and `offset` is 0.
   */
  token?: string;
}
