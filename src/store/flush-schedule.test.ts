import { describe, expect, it } from 'vitest';
import { scheduleFlush, type Timers } from './flush-schedule.js';
import { defaultFlushPolicy, type FlushPolicy, type Store } from './store-api.js';

/** Timers that fire only when the test says so. */
class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { run: () => void; ms: number }>();
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { run, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fire(): void {
    const [[id, t]] = [...this.pending];
    this.pending.delete(id);
    t.run();
  }
}

/** A store whose flushes end when the test resolves them. */
function fakeFlushStore() {
  const calls: FlushPolicy[] = [];
  const finishers: Array<(fail?: boolean) => void> = [];
  const store: Pick<Store, 'flush'> = {
    flush(policy) {
      calls.push(policy);
      return new Promise((resolve, reject) => {
        finishers.push((fail) => (fail ? reject(new Error('disk full')) : resolve({ alertsDeleted: 0, decisionsDeleted: 0 })));
      });
    },
  };
  return { store, calls, finishers };
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('scheduleFlush', () => {
  it('flushes every period with the policy, never two flushes at once', async () => {
    const timers = new ManualTimers();
    const { store, calls, finishers } = fakeFlushStore();
    const stop = scheduleFlush(store, defaultFlushPolicy, 60_000, timers);
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([60_000]);
    timers.fire();
    expect(calls).toEqual([defaultFlushPolicy]);
    expect(timers.pending.size).toBe(0); // the next one waits for this one to end
    finishers[0]();
    await settle();
    expect(timers.pending.size).toBe(1);
    timers.fire();
    expect(calls).toHaveLength(2);
    finishers[1]();
    await stop();
  });

  it('keeps the schedule after a failed flush', async () => {
    const timers = new ManualTimers();
    const { store, finishers } = fakeFlushStore();
    const stop = scheduleFlush(store, {}, 1000, timers);
    timers.fire();
    finishers[0](true);
    await settle();
    expect(timers.pending.size).toBe(1);
    await stop();
    expect(timers.pending.size).toBe(0);
  });

  it('stop() cancels the schedule and waits for a running flush to end', async () => {
    const timers = new ManualTimers();
    const { store, finishers } = fakeFlushStore();
    const stop = scheduleFlush(store, {}, 1000, timers);
    timers.fire();
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    finishers[0]();
    await stopping;
    expect(stopped).toBe(true);
    expect(timers.pending.size).toBe(0);
  });
});
