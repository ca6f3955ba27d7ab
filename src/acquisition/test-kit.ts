import type { Cursor, Line } from './line.js';
import type { LineSource } from './source.js';

/**
 * For tests: consumes a source in the background the way the agent does, committing each batch
 * (its lines and the newest cursor of each key) at once. `crashAfterLines` drops the batch that
 * would pass that many lines and stops, like a kill -9 before the batch's transaction.
 */
export class Consumer {
  readonly lines: Line[] = [];
  readonly cursors = new Map<string, Cursor>();
  batches = 0;
  error: unknown = null;
  private readonly controller = new AbortController();
  readonly done: Promise<void>;

  constructor(source: LineSource, options: { crashAfterLines?: number } = {}) {
    const crashAt = options.crashAfterLines ?? Infinity;
    this.done = (async () => {
      try {
        for await (const batch of source.lines(this.controller.signal)) {
          if (batch.length === 0) throw new Error('empty batch');
          if (this.lines.length + batch.length > crashAt) {
            this.controller.abort();
            break;
          }
          for (const l of batch) {
            this.lines.push(l);
            if (l.cursor) this.cursors.set(l.cursor.key, l.cursor);
          }
          this.batches++;
        }
      } catch (err) {
        this.error = err;
      }
    })();
  }

  get crashed(): boolean {
    return this.controller.signal.aborted;
  }

  raws(): string[] {
    return this.lines.map((l) => l.raw);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}

/** Polls `cond` every 10 ms until it holds; fails with `what` after `ms`. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The numbers written as `seq=N` in the lines, in order. */
export function seqs(lines: Line[]): number[] {
  const out: number[] = [];
  for (const l of lines) {
    const m = /seq=(\d+)/.exec(l.raw);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** `seq=N` lines from..to-1, padded so lines differ in length. */
export function seqLines(from: number, to: number, tag = ''): string {
  let s = '';
  for (let i = from; i < to; i++) s += `${tag}seq=${i} ${'.'.repeat(i % 13)}\n`;
  return s;
}
