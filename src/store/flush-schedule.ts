import { errorMessage, type Logger } from '../core/index.js';
import type { FlushPolicy, Store } from './store-api.js';

/**
 * Timers passed in, so a test or a replay drives the schedule with a virtual clock. Method syntax
 * on purpose: Node's `setTimeout`/`clearTimeout` fit as they are.
 */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd: a pending flush does not keep the process alive. */
export const systemTimers: Timers = {
  setTimeout(run, ms) {
    return setTimeout(run, ms).unref();
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/**
 * Flushes the store every `everyMs`, one flush at a time: the next is scheduled when the previous
 * ends, so a slow flush never overlaps itself. A failed flush is logged and retried at the next
 * tick. The returned `stop()` cancels the schedule and resolves when a running flush has ended, so
 * the store can be closed right after.
 */
export function scheduleFlush(
  store: Pick<Store, 'flush'>,
  policy: FlushPolicy,
  everyMs: number,
  timers: Timers,
  options: { logger?: Logger } = {},
): () => Promise<void> {
  let handle: unknown;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const tick = (): void => {
    handle = undefined;
    running = store.flush(policy).then(
      () => undefined,
      (err: unknown) => {
        options.logger?.warn({ err: errorMessage(err) }, 'store flush failed');
      },
    );
    void running.then(() => {
      if (!stopped) handle = timers.setTimeout(tick, everyMs);
    });
  };

  handle = timers.setTimeout(tick, everyMs);
  return async () => {
    stopped = true;
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
    await running;
  };
}
