import { errorMessage, type Logger } from '../core/index.js';

/**
 * Book-keeping writes that must not slow a request down — a bouncer's last pull, IP and
 * User-Agent; a machine's last heartbeat and push — are merged per bouncer/machine in memory and
 * written every `everyMs` (and on `flush`). A crash loses at most that much book-keeping.
 */
export class DeferredUpdates<P extends object> {
  private pending = new Map<string, Partial<P>>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly what: string,
    private readonly write: (key: string, patch: Partial<P>) => Promise<unknown>,
    private readonly logger: Logger,
    private readonly everyMs = 1000,
  ) {}

  /** Merges `patch` into what is waiting to be written for `key`. */
  set(key: string, patch: Partial<P>): void {
    const waiting = this.pending.get(key);
    this.pending.set(key, waiting === undefined ? { ...patch } : Object.assign(waiting, patch));
    if (this.timer === null && this.everyMs > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.everyMs);
      this.timer.unref();
    }
  }

  /** What is waiting to be written for `key` (to lay over a row just read from the store). */
  waiting(key: string): Partial<P> | undefined {
    return this.pending.get(key);
  }

  /** Writes everything waiting; a failed write is logged and dropped (it is book-keeping). */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing = this.flushing.then(async () => {
      for (const [key, patch] of batch) {
        try {
          await this.write(key, patch);
        } catch (err) {
          this.logger.warn({ err: errorMessage(err), key }, `${this.what} update failed`);
        }
      }
    });
    return this.flushing;
  }
}
