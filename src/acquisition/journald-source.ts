import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { HerdError, errorMessage, silentLogger, systemClock, type Clock, type Logger } from '../core/index.js';
import type { Cursor, Line } from './line.js';
import { LineSplitter, MAX_LINE_BYTES } from './line-splitter.js';
import { newCounters, type LineSource, type SourceMetrics } from './source.js';
import { formatRecord } from './journald-record.js';
import { sleep } from './wait.js';

export interface JournaldSourceOptions {
  /** journalctl matches and options, as CrowdSec's `journalctl_filter` (e.g. `_SYSTEMD_UNIT=ssh.service`). */
  filters: string[];
  labels: Record<string, string>;
  /** The saved cursor of this source (its `token` is journald's `__CURSOR`): resume just after it. */
  cursor?: Cursor;
  /** Without a cursor: where to start (`--since`, e.g. `-1h`); default: only new entries (`--lines=0`). */
  since?: string;
  /** The journalctl command. Default `journalctl`. */
  command?: string;
  /** Arguments placed before the filters, e.g. `--file=/path/system.journal` or `--directory=…`. */
  extraArgs?: string[];
  /** Write timestamps in UTC rather than local time (journalctl and rsyslog use local time). */
  utc?: boolean;
  /** Restart delays after journalctl fails or exits: doubling from `initialMs` up to `maxMs`. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Longest message kept, in bytes. Default 64 KiB. */
  maxLineBytes?: number;
  /** Cursor key in the store. Default `journalctl:` followed by the filters. */
  key?: string;
  name?: string;
  clock?: Clock;
  logger?: Logger;
}

/** A JSON record can be much longer than its message (byte arrays print as numbers). */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;
const STDERR_KEEP = 2048;

/**
 * Follows journald by running `journalctl --follow --output=json` with the configured filters,
 * and turns each record into a syslog-style line (module `journalctl`). Each line's cursor
 * carries the record's `__CURSOR`, so a restart resumes with `--after-cursor`. journalctl failing
 * or exiting is counted, logged, and retried with backoff; it never ends the source.
 */
export class JournaldSource implements LineSource {
  readonly name: string;
  readonly metrics: SourceMetrics & { recordsMalformed: number; processStarts: number };
  readonly key: string;
  private readonly options: JournaldSourceOptions;
  private readonly maxLineBytes: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** The `__CURSOR` of the last record turned into a line: where a restarted journalctl resumes. */
  private token: string | null;

  constructor(options: JournaldSourceOptions) {
    this.options = options;
    this.key = options.key ?? `journalctl:${options.filters.join(' ')}`;
    this.name = options.name ?? `journalctl:${options.filters.join(' ')}`;
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger();
    this.token = options.cursor?.token ?? null;
    this.metrics = { ...newCounters(), recordsMalformed: 0, processStarts: 0 };
  }

  /** The arguments of the next journalctl run. */
  args(): string[] {
    const args = ['--follow', '--output=json', '--no-pager', ...(this.options.extraArgs ?? [])];
    if (this.token !== null) args.push(`--after-cursor=${this.token}`);
    else if (this.options.since !== undefined) args.push(`--since=${this.options.since}`);
    else args.push('--lines=0');
    return [...args, ...this.options.filters];
  }

  lines(signal: AbortSignal): AsyncIterable<Line[]> {
    return this.run(signal);
  }

  private async *run(signal: AbortSignal): AsyncGenerator<Line[]> {
    const initial = this.options.backoff?.initialMs ?? 1000;
    const max = this.options.backoff?.maxMs ?? 60_000;
    let delay = initial;
    const command = this.options.command ?? 'journalctl';
    while (!signal.aborted) {
      const args = this.args();
      const resumedFrom = this.token;
      this.metrics.processStarts++;
      let child: ChildProcessByStdio<null, Readable, Readable>;
      try {
        child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        this.failed(command, { error: errorMessage(err) });
        await sleep(delay, signal);
        delay = Math.min(delay * 2, max);
        continue;
      }
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (s: string) => {
        stderr = (stderr + s).slice(-STDERR_KEEP);
      });
      const exited = new Promise<{ code: number | null; signal: string | null; error?: string }>((resolve) => {
        child.once('error', (err) => resolve({ code: null, signal: null, error: errorMessage(err) }));
        // 'exit', not 'close': a grandchild may keep the pipes open after journalctl is gone.
        child.once('exit', (code, sig) => resolve({ code, signal: sig }));
      });
      const kill = (): void => {
        child.kill('SIGTERM');
        // A grandchild could hold the pipe open: stop reading now rather than when it exits.
        child.stdout.destroy();
        child.stderr.destroy();
      };
      signal.addEventListener('abort', kill, { once: true });
      const splitter = new LineSplitter({ maxLineBytes: MAX_RECORD_BYTES });
      const jsonLines: string[] = [];
      let produced = false;
      try {
        for await (const chunk of child.stdout) {
          this.metrics.bytesRead += (chunk as Buffer).length;
          splitter.push(chunk as Buffer, jsonLines, null);
          const batch = this.toLines(jsonLines);
          jsonLines.length = 0;
          if (batch.length > 0) {
            produced = true;
            yield batch;
          }
        }
      } catch (err) {
        stderr += errorMessage(err);
      } finally {
        signal.removeEventListener('abort', kill);
        if (child.exitCode === null && child.signalCode === null) kill();
      }
      const how = await exited;
      if (signal.aborted) break;
      if (produced) delay = initial;
      if (resumedFrom !== null && resumedFrom === this.token && /cursor/i.test(stderr)) {
        // journalctl cannot seek to the saved cursor (journal vacuumed or cursor malformed): start with new entries.
        this.log.warn({ source: this.name, cursor: resumedFrom, stderr: stderr.trim() }, 'journal cursor unusable, following new entries');
        this.token = null;
      }
      this.failed(command, { code: how.code, signal: how.signal, error: how.error, stderr: stderr.trim() });
      await sleep(delay, signal);
      delay = Math.min(delay * 2, max);
    }
  }

  private failed(command: string, detail: Record<string, unknown>): void {
    this.metrics.readErrors++;
    this.log.warn({ source: this.name, command, ...detail }, 'journalctl stopped, restarting');
  }

  private toLines(jsonLines: string[]): Line[] {
    const batch: Line[] = [];
    const readAt = this.clock.now();
    const utc = this.options.utc ?? false;
    for (const text of jsonLines) {
      if (text.length === 0) continue;
      let rec: unknown;
      try {
        rec = JSON.parse(text);
      } catch {
        this.metrics.recordsMalformed++;
        continue;
      }
      const f = formatRecord(rec, utc, this.maxLineBytes);
      if (f === null) {
        this.metrics.recordsMalformed++;
        continue;
      }
      if (f.truncated) this.metrics.linesTruncated++;
      if (f.invalidUtf8) this.metrics.linesInvalidUtf8++;
      const line: Line = { raw: f.raw, src: 'journalctl', module: 'journalctl', labels: this.options.labels, readAt };
      if (f.cursor !== null) {
        this.token = f.cursor;
        line.cursor = { key: this.key, fileId: '', offset: 0, fingerprint: '', token: f.cursor };
      }
      batch.push(line);
    }
    this.metrics.linesRead += batch.length;
    return batch;
  }
}

export function createJournaldSource(options: JournaldSourceOptions): JournaldSource {
  if (options.filters.some((f) => typeof f !== 'string' || f.length === 0)) {
    throw new HerdError('HERD_ACQUIS_CONFIG', 'journalctl_filter has an empty entry; give matches like _SYSTEMD_UNIT=ssh.service');
  }
  return new JournaldSource(options);
}
