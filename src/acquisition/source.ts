import type { Line } from './line.js';

/**
 * What every source offers the agent: batches of lines, and live counters. A source yields lines;
 * it never parses them.
 */
export interface LineSource {
  /** For metrics and logs, e.g. `file:/var/log/nginx/*.log`. */
  readonly name: string;
  /**
   * Yields batches of lines (at least 1 line each, in order per file) until the end (replay) or
   * until `signal` aborts (follow). Call it once per source. Stopping the iteration early (break,
   * return) releases files, sockets and child processes too.
   */
  lines(signal: AbortSignal): AsyncIterable<Line[]>;
  /** Live counters of this source. */
  readonly metrics: SourceMetrics;
}

/** Counters of one source, or of one file of a file source. */
export interface SourceCounters {
  linesRead: number;
  bytesRead: number;
  /** Lines cut at the maximum line length (64 KiB by default). */
  linesTruncated: number;
  /** Lines in which invalid UTF-8 was replaced by U+FFFD. */
  linesInvalidUtf8: number;
  /** Failed reads, opens, child process exits, socket errors. */
  readErrors: number;
}

export interface SourceMetrics extends SourceCounters {
  /** File sources: the counters of each followed file, by path. */
  files?: Record<string, SourceCounters>;
  /** Syslog: messages that were not RFC 3164/5424 (passed through as raw text). */
  messagesMalformed?: number;
  /** Syslog: UDP messages dropped because the consumer was too far behind. */
  messagesDropped?: number;
  /** Syslog: TCP connections refused over the limit. */
  connectionsRejected?: number;
  /** journald: records that were not valid JSON objects. */
  recordsMalformed?: number;
  /** journald: times `journalctl` was (re)started. */
  processStarts?: number;
}

export function newCounters(): SourceCounters {
  return { linesRead: 0, bytesRead: 0, linesTruncated: 0, linesInvalidUtf8: 0, readErrors: 0 };
}
