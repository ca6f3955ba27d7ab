import { open } from 'node:fs/promises';
import { HerdError, errorMessage, systemClock, type Clock } from '../core/index.js';
import type { Line } from './line.js';
import { LineSplitter, MAX_LINE_BYTES } from './line-splitter.js';
import { newCounters, type LineSource, type SourceMetrics } from './source.js';
import { parseDsn, type ReplayInput } from './dsn.js';
import { compileGlob, expandGlob, hasGlobMeta } from './glob.js';

export interface ReplaySourceOptions {
  /** `file:///absolute/path.log` (or a glob), or `-` for standard input. */
  dsn: string;
  /** The `type` label: which parsers read the lines (nginx, syslog, …). */
  type: string;
  /** More labels; `type` wins over a `type` given here. */
  labels?: Record<string, string>;
  /** What `-` reads; default `process.stdin`. */
  stdin?: AsyncIterable<Buffer | string>;
  clock?: Clock;
  maxLineBytes?: number;
  /** Bytes per read from a file. Default 256 KiB. */
  readChunkBytes?: number;
}

/**
 * Reads a file (or several, for a glob, one after the other) or standard input to its end, then
 * ends. A last line without `\n` is emitted at the end. Lines carry no cursor: a replay is not
 * resumed. This is what feeds benchmarks, so it reads big chunks and builds one batch per chunk.
 */
export class ReplaySource implements LineSource {
  readonly name: string;
  readonly metrics: SourceMetrics = newCounters();
  private readonly input: ReplayInput;
  private readonly labels: Record<string, string>;
  private readonly options: ReplaySourceOptions;

  constructor(options: ReplaySourceOptions) {
    this.input = parseDsn(options.dsn);
    if (this.input.kind === 'file' && hasGlobMeta(this.input.path)) compileGlob(this.input.path);
    this.labels = { ...options.labels, type: options.type };
    this.options = options;
    this.name = this.input.kind === 'stdin' ? 'stdin' : `file:${this.input.path}`;
  }

  lines(signal?: AbortSignal): AsyncIterable<Line[]> {
    return this.input.kind === 'stdin' ? this.readStdin(signal) : this.readFiles(this.input.path, signal);
  }

  private async *readFiles(pattern: string, signal?: AbortSignal): AsyncGenerator<Line[]> {
    let paths = [pattern];
    if (hasGlobMeta(pattern)) {
      paths = await expandGlob(compileGlob(pattern));
      if (paths.length === 0) throw new HerdError('HERD_ACQUIS_DSN', `no file matches '${pattern}'; check the pattern`);
    }
    const buf = Buffer.allocUnsafe(this.options.readChunkBytes ?? 256 * 1024);
    for (const path of paths) {
      let fh;
      try {
        fh = await open(path, 'r');
      } catch (err) {
        this.metrics.readErrors++;
        throw new HerdError('HERD_ACQUIS_READ', `cannot open ${path} for replay: ${errorMessage(err)}; check the path and its permissions`, { cause: err });
      }
      try {
        const splitter = this.newSplitter();
        for (;;) {
          if (signal?.aborted) return;
          let n: number;
          try {
            n = (await fh.read(buf, 0, buf.length, null)).bytesRead;
          } catch (err) {
            this.metrics.readErrors++;
            throw new HerdError('HERD_ACQUIS_READ', `cannot read ${path}: ${errorMessage(err)}`, { cause: err });
          }
          const batch = n === 0 ? this.finish(splitter, 'file', path) : this.split(splitter, buf.subarray(0, n), 'file', path);
          if (batch.length > 0) yield batch;
          if (n === 0) break;
        }
      } finally {
        await fh.close();
      }
    }
  }

  private async *readStdin(signal?: AbortSignal): AsyncGenerator<Line[]> {
    const splitter = this.newSplitter();
    const stream = this.options.stdin ?? process.stdin;
    for await (const chunk of stream) {
      if (signal?.aborted) return;
      const batch = this.split(splitter, typeof chunk === 'string' ? Buffer.from(chunk) : chunk, 'stdin', 'stdin');
      if (batch.length > 0) yield batch;
    }
    const last = this.finish(splitter, 'stdin', 'stdin');
    if (last.length > 0) yield last;
  }

  private newSplitter(): LineSplitter {
    return new LineSplitter({ maxLineBytes: this.options.maxLineBytes ?? MAX_LINE_BYTES });
  }

  private readonly raws: string[] = [];

  private split(splitter: LineSplitter, chunk: Buffer, module: string, src: string): Line[] {
    const c = splitter.counters;
    const truncated = c.truncated;
    const invalid = c.invalidUtf8;
    splitter.push(chunk, this.raws, null);
    this.metrics.bytesRead += chunk.length;
    this.metrics.linesTruncated += c.truncated - truncated;
    this.metrics.linesInvalidUtf8 += c.invalidUtf8 - invalid;
    return this.toLines(module, src);
  }

  private finish(splitter: LineSplitter, module: string, src: string): Line[] {
    const c = splitter.counters;
    const truncated = c.truncated;
    const invalid = c.invalidUtf8;
    splitter.end(this.raws, null);
    this.metrics.linesTruncated += c.truncated - truncated;
    this.metrics.linesInvalidUtf8 += c.invalidUtf8 - invalid;
    return this.toLines(module, src);
  }

  private toLines(module: string, src: string): Line[] {
    const raws = this.raws;
    const n = raws.length;
    const batch: Line[] = new Array<Line>(n);
    const readAt = (this.options.clock ?? systemClock).now();
    const labels = this.labels;
    for (let i = 0; i < n; i++) batch[i] = { raw: raws[i], src, module, labels, readAt };
    raws.length = 0;
    this.metrics.linesRead += n;
    return batch;
  }
}

export function createReplaySource(options: ReplaySourceOptions): ReplaySource {
  return new ReplaySource(options);
}
